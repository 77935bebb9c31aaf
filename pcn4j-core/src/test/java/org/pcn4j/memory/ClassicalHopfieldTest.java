package org.pcn4j.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;
import org.pcn4j.memory.ClassicalHopfield.Rule;
import org.pcn4j.memory.ClassicalHopfield.Update;

class ClassicalHopfieldTest {

    /** count random binary images in {0, 1}. */
    static float[] binaryImages(int count, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[count * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextBoolean() ? 1f : 0f;
        }
        return x;
    }

    /** Flips exactly round(fraction * dim) random pixels of each image. */
    static float[] flipped(float[] x, int count, int dim, double fraction, long seed) {
        Cue hidden = Cues.randomHidden(x, count, dim, fraction, seed);
        float[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            if (hidden.mask()[i] == 0f) {
                out[i] = 1f - out[i];
            }
        }
        return out;
    }

    @Test
    void recallsStoredPatternsFromCorruptedCuesUnderBothRules() {
        int count = 3, dim = 64;
        float[] x = binaryImages(count, dim, 11);
        float[] noisy = flipped(x, count, dim, 0.3, 12);
        Cue hidden = Cues.randomHidden(x, count, dim, 0.3, 13);
        for (Rule rule : Rule.values()) {
            ClassicalHopfield net = ClassicalHopfield.train(x, count, dim, rule);
            assertEquals(4L * dim * dim, net.footprintBytes());
            for (Update update : Update.values()) {
                String what = rule + " " + update;
                assertArrayEquals(x, net.recall(noisy, null, count, update, 20, 5L), what + " flipped");
                assertArrayEquals(x, net.recall(hidden, update, 20, 5L), what + " hidden");
                assertArrayEquals(x, net.recall(x, null, count, update, 20, 5L), what + " fixed point");
            }
        }
    }

    @Test
    void knownPixelsStayClamped() {
        int dim = 16;
        float[] x = binaryImages(2, dim, 3);
        ClassicalHopfield net = ClassicalHopfield.train(x, 2, dim, Rule.HEBBIAN);
        float[] cue = binaryImages(1, dim, 4);
        float[] mask = new float[dim];
        for (int j = 0; j < dim; j += 2) {
            mask[j] = 1f;
        }
        for (Update update : Update.values()) {
            float[] out = net.recall(cue, mask, 1, update, 10, 1L);
            for (int j = 0; j < dim; j += 2) {
                assertEquals(cue[j], out[j], update + " pixel " + j);
            }
        }
    }

    @Test
    void hebbianWeightsAreTheMeanOuterProductWithZeroDiagonal() {
        int count = 3, dim = 7;
        float[] p = ClassicalHopfield.binarize(binaryImages(count, dim, 21), count * dim);
        float[] w = ClassicalHopfield.train(binaryImages(count, dim, 21), count, dim, Rule.HEBBIAN).weights();
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                double s = 0;
                for (int mu = 0; mu < count; mu++) {
                    s += p[mu * dim + i] * p[mu * dim + j];
                }
                assertEquals(i == j ? 0 : s / count, w[i * dim + j], 1e-6);
            }
        }
    }

    @Test
    void storkeyMatchesTheDirectDefinition() {
        int count = 4, dim = 6;
        float[] images = binaryImages(count, dim, 31);
        float[] p = ClassicalHopfield.binarize(images, count * dim);
        // w_ij += (xi_i xi_j - xi_i h_ji - h_ij xi_j) / d, h_ij = sum_{k != i, j} w_ik xi_k, i != j
        double[][] w = new double[dim][dim];
        for (int mu = 0; mu < count; mu++) {
            double[][] next = new double[dim][dim];
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < dim; j++) {
                    if (i == j) {
                        continue;
                    }
                    double hij = 0, hji = 0;
                    for (int k = 0; k < dim; k++) {
                        if (k != i && k != j) {
                            hij += w[i][k] * p[mu * dim + k];
                            hji += w[j][k] * p[mu * dim + k];
                        }
                    }
                    double xi = p[mu * dim + i], xj = p[mu * dim + j];
                    next[i][j] = w[i][j] + (xi * xj - xi * hji - hij * xj) / dim;
                }
            }
            w = next;
        }
        float[] got = ClassicalHopfield.train(images, count, dim, Rule.STORKEY).weights();
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                assertEquals(w[i][j], got[i * dim + j], 1e-6, "w[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    void badInputIsAPcnException() {
        float[] x = binaryImages(2, 8, 1);
        assertThrows(PcnException.class, () -> ClassicalHopfield.train(x, 3, 8, Rule.HEBBIAN));
        ClassicalHopfield net = ClassicalHopfield.train(x, 2, 8, Rule.STORKEY);
        assertThrows(PcnException.class, () -> net.recall(x, null, 2, Update.SYNCHRONOUS, 0, 1L));
        assertThrows(PcnException.class, () -> net.recall(Cues.bottomHalfHidden(x, 1, 4, 4), Update.SYNCHRONOUS, 5, 1L));
    }
}
