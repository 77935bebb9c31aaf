package org.pcn4j.train;

import java.util.SplittableRandom;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Mlp;

/** Fixtures the rule tests share: a seeded batch, and a PC step's gradients measured against backprop's. */
final class TrainFixtures {
    private TrainFixtures() {}

    /**
     * A tanh MLP 6-16-16-16-16-4 (xavier, seed 5) with every weight doubled, hidden precision
     * {@code pi} growing by {@code growth} per edge away from the output: gains above 1 (a trained
     * network's, not a fresh one's) make the lower nodes stiff.
     */
    static Mlp stiffMlp(float pi, float growth) {
        Mlp m = Mlp.builder().sizes(6, 16, 16, 16, 16, 4).activation(Activation.TANH).init("xavier", 5).build();
        for (int l = 0; l < m.depth(); l++) {
            float[] w = m.layers().get(l).weight().data();
            for (int i = 0; i < w.length; i++) {
                w[i] *= 2f;
            }
        }
        m.setHiddenPrecision(pi, growth);
        return m;
    }

    /** {x, y}: inputs uniform in [-1, 1] (batch x inputs) and one-hot targets (batch x classes), from {@code seed}. */
    static float[][] batch(int inputs, int classes, int batch, long seed) {
        return batch(inputs, classes, batch, new SplittableRandom(seed));
    }

    /** As {@link #batch(int, int, int, long)}, drawn from {@code rng} (successive batches of one stream). */
    static float[][] batch(int inputs, int classes, int batch, SplittableRandom rng) {
        float[] x = new float[batch * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        float[] y = new float[batch * classes];
        for (int s = 0; s < batch; s++) {
            y[s * classes + rng.nextInt(classes)] = 1f;
        }
        return new float[][] {x, y};
    }

    /**
     * {cosine, norm ratio} of the weight gradients the last step left in {@code m}'s layers
     * against {@code bp} ({@link ReferenceMlp#gradients}), over all layers' weights.
     */
    static double[] againstBackprop(Mlp m, double[][] bp) {
        double[] sums = new double[3];
        for (int l = 0; l < m.depth(); l++) {
            addDots(m.layers().get(l).weightGrad().data(), bp[l], sums);
        }
        return cosineAndRatio(sums);
    }

    /** {cosine, norm ratio |g| / |ref|} of one gradient against a reference. */
    static double[] againstReference(float[] g, double[] ref) {
        double[] sums = new double[3];
        addDots(g, ref, sums);
        return cosineAndRatio(sums);
    }

    /** Adds {g.ref, g.g, ref.ref} to {@code sums}. */
    private static void addDots(float[] g, double[] ref, double[] sums) {
        for (int i = 0; i < g.length; i++) {
            sums[0] += g[i] * ref[i];
            sums[1] += (double) g[i] * g[i];
            sums[2] += ref[i] * ref[i];
        }
    }

    private static double[] cosineAndRatio(double[] sums) {
        return new double[] {sums[0] / Math.sqrt(sums[1] * sums[2]), Math.sqrt(sums[1] / sums[2])};
    }
}
