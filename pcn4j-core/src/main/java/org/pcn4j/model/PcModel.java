package org.pcn4j.model;

/**
 * A trainable PC model: a {@link PcNetwork} with the node clamped to the data and the node clamped
 * to the target. {@link Mlp} and {@code org.pcn4j.graph.Graph} implement it, so the training loop,
 * evaluation and model files treat both alike.
 */
public interface PcModel {
    PcNetwork network();

    /** The node clamped to the data. */
    Node input();

    /** The node clamped to the target in training and read out at test. */
    Node output();

    /** Edges on the longest path from the input (back edges of cycles ignored). */
    int depth();

    /** A short description for logs, e.g. "64-128-10" or "graph image-h1-h2-label". */
    String describe();

    /**
     * Sets the precision pi of every node but the input and the output (the hidden nodes): large pi
     * keeps the hidden states near their predictions, so PC's weight update tends to backprop's.
     */
    default void setHiddenPrecision(float pi) {
        for (Node n : network().nodes()) {
            if (n != input() && n != output()) {
                n.setPrecision(pi);
            }
        }
    }
}
