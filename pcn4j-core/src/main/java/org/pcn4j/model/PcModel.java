package org.pcn4j.model;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

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
        setHiddenPrecision(pi, 1);
    }

    /**
     * As {@link #setHiddenPrecision(float)}, the precision growing by {@code growth} per edge away
     * from the output: pi on the hidden nodes next to it, pi growth on those one edge further, and
     * so on (a node the output cannot be reached from gets pi). Why: node n's curvature is about
     * pi_n + pi_c sigma^2 for the node c it predicts through an edge of gain sigma, so with equal
     * precisions the lower nodes' relative steps shrink by 1 + sigma^2 per layer and T steps leave
     * their errors, and their weights' gradients, far short of backprop's; a growth above
     * sigma^2 keeps each node's curvature near its own precision, so one relative step per layer
     * carries the output's error down. The fixed point is backprop's either way (pi_n e_n is the
     * back-propagated error whatever the pi's).
     */
    default void setHiddenPrecision(float pi, float growth) {
        Map<Node, Integer> level = new HashMap<>();
        ArrayDeque<Node> queue = new ArrayDeque<>();
        level.put(output(), -1);
        queue.add(output());
        while (!queue.isEmpty()) {
            Node u = queue.poll();
            int d = level.get(u);
            for (Edge e : network().edges()) {
                if (e.targets().contains(u)) {
                    for (Node s : e.sources()) {
                        if (!level.containsKey(s)) {
                            level.put(s, d + 1);
                            queue.add(s);
                        }
                    }
                }
            }
        }
        for (Node n : network().nodes()) {
            if (n != input() && n != output()) {
                int k = Math.max(0, level.getOrDefault(n, 0));
                n.setPrecision(growth == 1 ? pi : (float) (pi * Math.pow(growth, k)));
            }
        }
    }
}
