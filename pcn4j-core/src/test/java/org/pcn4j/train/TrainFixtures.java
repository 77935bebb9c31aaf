package org.pcn4j.train;

import java.util.SplittableRandom;
import org.pcn4j.model.Mlp;

/** Fixtures the rule tests share: a seeded batch, and a PC step's gradients measured against backprop's. */
final class TrainFixtures {
    private TrainFixtures() {}

    /** {x, y}: inputs uniform in [-1, 1] (batch x inputs) and one-hot targets (batch x classes), from {@code seed}. */
    static float[][] batch(int inputs, int classes, int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
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
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int l = 0; l < m.depth(); l++) {
            float[] gw = m.layers().get(l).weightGrad().data();
            for (int i = 0; i < gw.length; i++) {
                dot += gw[i] * bp[l][i];
                na += (double) gw[i] * gw[i];
                nb += bp[l][i] * bp[l][i];
            }
        }
        return new double[] {dot / Math.sqrt(na * nb), Math.sqrt(na / nb)};
    }
}
