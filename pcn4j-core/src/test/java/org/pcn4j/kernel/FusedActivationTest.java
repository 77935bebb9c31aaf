package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** activateWithDerivative gives exactly activate's and activateDerivative's values, in place too. */
class FusedActivationTest {

    @Test
    void fusedEqualsSeparateBitForBit() {
        SplittableRandom rng = new SplittableRandom(4);
        for (Kernels k : List.of(new ScalarKernels(), new VectorKernels(1))) {
            for (Activation f : Activation.values()) {
                for (int n : new int[] {1, 7, 16, 33, 1000}) {
                    float[] x = new float[n + 5];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (rng.nextDouble(-12, 12) * (i % 3 == 0 ? 0.05 : 1));
                    }
                    x[2] = 0f;
                    float[] y = new float[n + 3];
                    float[] dy = new float[n + 4];
                    float[] wantY = new float[n + 3];
                    float[] wantDy = new float[n + 4];
                    k.activate(f, x, 2, wantY, 1, n);
                    k.activateDerivative(f, x, 2, wantDy, 3, n);
                    k.activateWithDerivative(f, x, 2, y, 1, dy, 3, n);
                    String what = k.name() + " " + f + " n=" + n;
                    assertArrayEquals(wantY, y, what);
                    assertArrayEquals(wantDy, dy, what);
                    // y = x: the derivative still comes from the input
                    float[] inPlace = x.clone();
                    float[] dy2 = new float[n + 4];
                    k.activateWithDerivative(f, inPlace, 2, inPlace, 2, dy2, 3, n);
                    assertArrayEquals(wantDy, dy2, what + " in place");
                    for (int i = 0; i < n; i++) {
                        if (Float.floatToRawIntBits(inPlace[2 + i]) != Float.floatToRawIntBits(wantY[1 + i])) {
                            assertArrayEquals(new float[] {wantY[1 + i]}, new float[] {inPlace[2 + i]}, what + " in place at " + i);
                        }
                    }
                }
            }
        }
    }
}
