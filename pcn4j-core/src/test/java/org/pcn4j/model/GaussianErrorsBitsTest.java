package org.pcn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Gaussian errors run four rows at a time (issue 12): every eps and every per-sample energy
 * must keep the bits of the plain one-row-at-a-time loop, for batches that are and are not
 * multiples of four, and at precisions other than 1.
 */
class GaussianErrorsBitsTest {

    @Test
    void fourRowsAtATimeKeepsTheOneRowBits() {
        SplittableRandom rng = new SplittableRandom(12);
        for (int batch : new int[] {1, 3, 4, 5, 8, 11, 64}) {
            for (int size : new int[] {1, 7, 10, 128}) {
                for (float pi : new float[] {1f, 0.37f}) {
                    float[] x = new float[batch * size];
                    float[] mu = new float[batch * size];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) rng.nextDouble(-3, 3);
                        mu[i] = (float) rng.nextDouble(-3, 3);
                    }
                    float[] eps = new float[x.length];
                    float[] energy = new float[batch];
                    Energy.GAUSSIAN.errors(x, mu, eps, energy, new float[x.length], batch, size, pi);
                    for (int r = 0; r < batch; r++) {
                        float s = 0;
                        for (int j = 0; j < size; j++) {
                            float d = x[r * size + j] - mu[r * size + j];
                            assertEquals(Float.floatToRawIntBits(pi * d), Float.floatToRawIntBits(eps[r * size + j]));
                            s += d * d;
                        }
                        assertEquals(Float.floatToRawIntBits(0.5f * pi * s), Float.floatToRawIntBits(energy[r]),
                                "batch " + batch + " size " + size + " row " + r);
                    }
                }
            }
        }
    }
}
