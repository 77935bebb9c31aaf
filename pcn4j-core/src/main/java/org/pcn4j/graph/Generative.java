package org.pcn4j.graph;

import java.util.Arrays;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Node;
import org.pcn4j.tensor.Ops;
import org.pcn4j.train.Inference;
import org.pcn4j.train.Trainer;

/**
 * Generative PC networks: a chain graph whose edges point from the label (top) down to the image
 * (bottom), {@code label -> hK -> ... -> h1 -> image}, in the {@code pre} convention
 * (mu = W f(x) + b). The label node is the graph's input role and the image its target role, so
 * {@link Trainer#step} with (one-hot labels, images) trains it by standard PC with both ends
 * clamped. Queries condition on any subset of nodes with {@link Inference#query} (a trainer's
 * is {@link Trainer#inference()}).
 */
public final class Generative {
    /** Node names of the graphs {@link #spec} builds. */
    public static final String IMAGE = "image";
    public static final String LABEL = "label";

    private Generative() {}

    /**
     * The graph for layer sizes read bottom-up: {@code sizes[0]} the image, {@code sizes[last]}
     * the label (e.g. 784-256-256-10: edges 10 -> 256 -> 256 -> 784). The edge out of the
     * (one-hot) label applies identity; every edge out of a hidden node applies {@code f}.
     */
    public static GraphSpec spec(int[] sizes, Activation f) {
        if (sizes.length < 2) {
            throw new PcnException("a generative model needs at least an image and a label size");
        }
        int last = sizes.length - 1;
        GraphSpec.Builder b = GraphSpec.builder();
        b.input(LABEL, sizes[last]);
        for (int i = last - 1; i >= 1; i--) {
            b.hidden("h" + i, sizes[i]);
        }
        b.target(IMAGE, sizes[0]);
        String prev = LABEL;
        for (int i = last - 1; i >= 0; i--) {
            String to = i == 0 ? IMAGE : "h" + i;
            b.edge(prev, to, prev.equals(LABEL) ? Activation.IDENTITY : f, Convention.PRE, true);
            prev = to;
        }
        return b.build();
    }

    /**
     * Classification by inference: clamps the image node to {@code images}, releases every other
     * node (the label starts at zero), runs {@code steps} inference steps and returns the argmax of
     * the label node's state per sample.
     */
    public static int[] classify(Inference t, Node image, Node label, float[] images, int batch, int steps) {
        t.query(Map.of(image, images), batch, steps);
        return Ops.argmaxRows(label.state(), batch, label.size());
    }

    /**
     * Classification by comparing energies (generative model selection): for each class c, clamps
     * the image and the one-hot label c, relaxes the hidden nodes for {@code steps} steps, and
     * returns per sample the class whose relaxed energy is lowest. It costs one inference per class
     * but, unlike reading a free label's state, cannot drift: a free label has no prior, so long
     * inference moves it towards the least-squares fit of the hidden states, not a one-hot.
     */
    public static int[] classifyByEnergy(Inference t, Node image, Node label, float[] images, int batch, int steps) {
        int k = label.size();
        double[] best = new double[batch];
        int[] arg = new int[batch];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        float[] y = new float[batch * k];
        for (int c = 0; c < k; c++) {
            java.util.Arrays.fill(y, 0f);
            for (int i = 0; i < batch; i++) {
                y[i * k + c] = 1f;
            }
            t.query(Map.of(image, images, label, y), batch, steps);
            double[] e = t.network().sampleEnergies();
            for (int i = 0; i < batch; i++) {
                if (e[i] < best[i]) {
                    best[i] = e[i];
                    arg[i] = c;
                }
            }
        }
        return arg;
    }

    /**
     * Generation: clamps the label node to one-hot {@code cls}, relaxes everything else for
     * {@code steps} steps (with flat priors the minimum is the top-down pass; with the inference's
     * Langevin noise the samples differ) and returns the image node's prediction mu (batch x size).
     */
    public static float[] generate(Inference t, Node image, Node label, int cls, int batch, int steps) {
        return generate(t, image, label, cls, batch, steps, null);
    }

    /**
     * As {@link #generate(Inference, Node, Node, int, int, int)}, with the image starting at
     * {@code imageStart} (one image, size values, e.g. the training mean) instead of its default
     * initialization. In a graph with cycles the default start is zero, which for a fully connected
     * graph is the grey fixed point of its pixel-to-pixel predictions; the mean image lets the
     * clamped label pull the image towards its class.
     */
    public static float[] generate(Inference t, Node image, Node label, int cls, int batch, int steps, float[] imageStart) {
        if (cls < 0 || cls >= label.size()) {
            throw new PcnException("class " + cls + " is outside the model's label set 0.." + (label.size() - 1));
        }
        float[] y = new float[batch * label.size()];
        for (int i = 0; i < batch; i++) {
            y[i * label.size() + cls] = 1f;
        }
        if (imageStart == null) {
            t.query(Map.of(label, y), batch, steps);
        } else {
            t.query(Map.of(label, y), Map.of(), Map.of(image, tile(imageStart, image, batch)), batch, steps);
        }
        return Arrays.copyOf(image.prediction(), batch * image.size());
    }

    /**
     * Completion: the image units where {@code mask} (batch x size) is 1 are clamped to
     * {@code cues}, the others start at the image's top-down prediction; the label (from zero) and
     * the hidden nodes are free. With {@code mask == null} nothing is clamped and the image starts at
     * the cues (denoising). Returns the image node's state after {@code steps} inference steps.
     */
    public static float[] complete(Inference t, Node image, float[] cues, float[] mask, int batch, int steps) {
        return complete(t, image, cues, mask, batch, steps, null);
    }

    /**
     * As {@link #complete(Inference, Node, float[], float[], int, int)}; with {@code imageStart} (one
     * image, e.g. the training mean) the unknown pixels start there instead of at the network's
     * initialization (ignored without a mask: denoising starts at the cue).
     */
    public static float[] complete(Inference t, Node image, float[] cues, float[] mask, int batch, int steps,
                                   float[] imageStart) {
        if (mask == null) {
            t.query(Map.of(), Map.of(), Map.of(image, cues), batch, steps);
        } else if (imageStart == null) {
            t.query(Map.of(image, cues), Map.of(image, mask), Map.of(), batch, steps);
        } else {
            t.query(Map.of(image, cues), Map.of(image, mask), Map.of(image, tile(imageStart, image, batch)), batch, steps);
        }
        return Arrays.copyOf(image.state(), batch * image.size());
    }

    /**
     * Completion by model selection over the label, as {@link #classifyByEnergy}: for each class c
     * the known image units (mask 1) are clamped to {@code cues} and the label to one-hot c, the
     * hidden nodes and the unknown units relax for {@code steps} steps from the top-down pass of c,
     * and each sample keeps the image state of its lowest-energy class. A free label has no prior
     * and the only global path in a conv decoder is the dense edge out of it, so with the label free
     * the unknown half learns of the known half only through a slowly relaxing, easily
     * over-stepped label (docs/generation.md); selecting the label avoids both. {@code chosen}
     * (batch values, or null) receives the selected classes.
     */
    public static float[] completeBySelection(Inference t, Node image, Node label, float[] cues, float[] mask, int batch,
                                              int steps, int[] chosen) {
        int k = label.size();
        int f = image.size();
        double[] best = new double[batch];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        float[] out = new float[batch * f];
        float[] y = new float[batch * k];
        for (int c = 0; c < k; c++) {
            Arrays.fill(y, 0f);
            for (int i = 0; i < batch; i++) {
                y[i * k + c] = 1f;
            }
            t.query(Map.of(image, cues, label, y), Map.of(image, mask), Map.of(), batch, steps);
            double[] e = t.network().sampleEnergies();
            float[] st = image.state();
            for (int i = 0; i < batch; i++) {
                if (e[i] < best[i]) {
                    best[i] = e[i];
                    System.arraycopy(st, i * f, out, i * f, f);
                    if (chosen != null) {
                        chosen[i] = c;
                    }
                }
            }
        }
        return out;
    }

    private static float[] tile(float[] one, Node image, int batch) {
        if (one.length != image.size()) {
            throw new PcnException("image start has " + one.length + " values, the image node " + image.size());
        }
        float[] out = new float[batch * image.size()];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(one, 0, out, i * image.size(), image.size());
        }
        return out;
    }
}
