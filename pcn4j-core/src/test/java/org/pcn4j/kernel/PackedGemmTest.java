package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Products with a prepared right-hand matrix are bit-identical to the plain sgemm. */
class PackedGemmTest {

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    @Test
    void packedEqualsUnpackedBitForBit() {
        int[][] shapes = {{1, 1, 1}, {7, 33, 5}, {64, 784, 128}, {64, 128, 784}, {33, 513, 17}, {64, 1000, 1000},
            {8, 300, 10}, {129, 7, 600}, {5, 520, 530},
            // several k and column blocks, a last panel of L or fewer columns and one wider than L
            {64, 600, 530}, {64, 600, 540}};
        Kernels[] backends = {new VectorKernels(1), new VectorKernels(2), new ScalarKernels()};
        SplittableRandom r = new SplittableRandom(3);
        for (int[] sh : shapes) {
            int m = sh[0];
            int k = sh[1];
            int n = sh[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(r, m * k);
                    float[] b = random(r, k * n);
                    float[] c0 = random(r, m * n);
                    int lda = ta ? m : k;
                    int ldb = tb ? k : n;
                    for (Kernels kern : backends) {
                        Kernels.PackedMatrix p = kern.pack(tb, k, n, b, 0, ldb, null);
                        for (float beta : new float[] {0f, 1f, 0.5f}) {
                            float[] want = c0.clone();
                            kern.sgemm(ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, beta, want, 0, n);
                            float[] got = c0.clone();
                            kern.sgemm(ta, m, 0.7f, a, 0, lda, p, beta, got, 0, n);
                            assertArrayEquals(want, got, kern.name() + " " + m + "x" + k + "x" + n + " ta=" + ta
                                    + " tb=" + tb + " beta=" + beta);
                        }
                        // Repacking new contents into the same shape reuses the buffers.
                        float[] b2 = random(r, k * n);
                        Kernels.PackedMatrix p2 = kern.pack(tb, k, n, b2, 0, ldb, p);
                        if (kern instanceof VectorKernels) {
                            assertSame(p, p2);
                        }
                        float[] want = new float[m * n];
                        kern.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b2, 0, ldb, 0f, want, 0, n);
                        float[] got = new float[m * n];
                        kern.sgemm(ta, m, 1f, a, 0, lda, p2, 0f, got, 0, n);
                        assertArrayEquals(want, got);
                    }
                }
            }
        }
    }
}
