package org.pcn4j.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;
import org.pcn4j.memory.ModernHopfield.BetaTuning;
import org.pcn4j.memory.ModernHopfield.Similarity;

class ModernHopfieldTest {

    private static final float[] X = {
        1, 0, 0.5f, 0,
        0, 1, 0, 0.5f,
        0.5f, 0.5f, 1, 1,
    };
    private static final float[] CUE = {1, 0, 0, 0};
    private static final float[] MASK = {1, 1, 0, 0};

    /** sum_i w_i x_i with w = softmax(beta * sims), by hand. */
    private static float[] average(double beta, double... sims) {
        double[] e = new double[3];
        double z = 0;
        for (int i = 0; i < 3; i++) {
            e[i] = Math.exp(beta * sims[i]);
            z += e[i];
        }
        float[] out = new float[4];
        for (int j = 0; j < 4; j++) {
            double s = 0;
            for (int i = 0; i < 3; i++) {
                s += e[i] / z * X[i * 4 + j];
            }
            out[j] = (float) s;
        }
        return out;
    }

    @Test
    void oneStepIsTheSoftmaxAverageForBothSimilarities() {
        ModernHopfield m = new ModernHopfield(X, 3, 4);
        assertEquals(4L * 3 * 4, m.footprintBytes());
        // dot with the masked cue (1, 0, 0, 0): x_i . q = 1, 0, 0.5
        assertArrayEquals(average(2, 1, 0, 0.5), m.recall(CUE, MASK, 1, Similarity.DOT, 2, 1, false), 1e-6f);
        // known pixels 0, 1: squared distances 0, 2, 0.5
        assertArrayEquals(average(2, 0, -2, -0.5), m.recall(CUE, MASK, 1, Similarity.EUCLIDEAN_KNOWN, 2, 1, false),
                1e-6f);
        // no mask: all pixels, distances 0.25, 2.25, 2.5
        assertArrayEquals(average(2, -0.25, -2.25, -2.5), m.recall(CUE, null, 1, Similarity.EUCLIDEAN_KNOWN, 2, 1, false),
                1e-6f);
        // hidden cue pixels count as 0 whatever the cue holds there
        float[] dirty = {1, 0, 7, 7};
        assertArrayEquals(average(2, 1, 0, 0.5), m.recall(dirty, MASK, 1, Similarity.DOT, 2, 1, false), 1e-6f);
    }

    @Test
    void keepKnownAndIterationReimposeTheCue() {
        ModernHopfield m = new ModernHopfield(X, 3, 4);
        float[] plain = m.recall(CUE, MASK, 1, Similarity.DOT, 2, 1, false);
        float[] kept = m.recall(CUE, MASK, 1, Similarity.DOT, 2, 1, true);
        assertArrayEquals(new float[] {1, 0, plain[2], plain[3]}, kept);
        // step 2 = one step from the first output with the known pixels re-imposed, over all pixels
        for (Similarity sim : Similarity.values()) {
            float[] first = m.recall(CUE, MASK, 1, sim, 2, 1, false);
            float[] q = {1, 0, first[2], first[3]};
            assertArrayEquals(m.recall(q, null, 1, sim, 2, 1, false), m.recall(CUE, MASK, 1, sim, 2, 2, false), 1e-6f);
        }
    }

    @Test
    void largeBetaRecallsEachPatternFromItsHalfCue() {
        int count = 5, dim = 64;
        float[] x = CuesTest.images(count, dim, 41);
        ModernHopfield m = new ModernHopfield(x, count, dim);
        Cue cue = Cues.bottomHalfHidden(x, count, 8, 8);
        assertArrayEquals(x, m.recall(cue, Similarity.EUCLIDEAN_KNOWN, 1000, 1, false), 1e-6f);
        float[] huge = m.recall(cue, Similarity.DOT, 1e4, 3, true);
        for (float v : huge) {
            assertFalse(Float.isNaN(v), "the softmax subtracts the row max");
        }
    }

    @Test
    void tuneBetaPicksTheCandidateWithTheLowestMeanMse() {
        int count = 5, dim = 64;
        float[] x = CuesTest.images(count, dim, 42);
        ModernHopfield m = new ModernHopfield(x, count, dim);
        Cue cue = Cues.bottomHalfHidden(x, count, 8, 8);
        double[] candidates = {0.01, 1, 1000, 10};
        BetaTuning t = m.tuneBeta(cue, x, candidates, Similarity.EUCLIDEAN_KNOWN, 1, false);
        assertEquals(1000, t.beta());
        double best = Double.POSITIVE_INFINITY;
        for (int c = 0; c < candidates.length; c++) {
            double mse = RecallMetrics.of(m.recall(cue, Similarity.EUCLIDEAN_KNOWN, candidates[c], 1, false), x, count,
                    dim, cue.mask()).meanMse();
            assertEquals(mse, t.meanMses()[c], 1e-12);
            best = Math.min(best, mse);
        }
        assertEquals(best, t.meanMse());
        assertEquals(0, t.meanMse(), 1e-10);
    }

    @Test
    void badInputIsAPcnException() {
        ModernHopfield m = new ModernHopfield(X, 3, 4);
        assertThrows(PcnException.class, () -> m.recall(CUE, MASK, 1, Similarity.DOT, -1, 1, false));
        assertThrows(PcnException.class, () -> m.recall(CUE, MASK, 1, Similarity.DOT, 1, 0, false));
        assertThrows(PcnException.class, () -> m.recall(CUE, MASK, 2, Similarity.DOT, 1, 1, false));
        assertThrows(PcnException.class, () -> new ModernHopfield(X, 4, 4));
        Cue cue = Cues.bottomHalfHidden(X, 3, 2, 2);
        assertThrows(PcnException.class, () -> m.tuneBeta(cue, X, new double[0], Similarity.DOT, 1, false));
    }
}
