package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Kernels#sgemmRows}: rows of a product computed as ranges of their own (what the batch
 * schedule runs on different threads) give the same bits as the whole product, for every
 * microkernel shape and the scalar backend, on odd sizes, including ranges so small that alone
 * they would take the direct loops while the whole product runs blocked (and the other way round).
 */
class GemmRowsTest {
    /** m x k x n: blocked whole (ranges of 1-4 rows would run direct), narrow n, k over one block, direct whole. */
    private static final int[][] SHAPES = {{37, 29, 41}, {64, 128, 10}, {23, 300, 19}, {13, 11, 7}, {50, 784, 33},
        {9, 40, 70}, {3, 100, 90}};
    /** Cut points of the rows as fractions of m: one range, halves, thirds, single rows at the ends. */
    private static final double[][] CUTS = {{}, {0.5}, {1 / 3.0, 2 / 3.0}, {0.02, 0.97}, {0.1, 0.2, 0.3, 0.9}};

    @Test
    void rowRangesGiveTheWholeProductsBitsOnEveryBackend() {
        int checked = 0;
        for (String shape : KernelShapesTest.SHAPES) {
            checked += check(new VectorKernels(1, shape), shape);
        }
        checked += check(new ScalarKernels(), "scalar");
        assertTrue(checked > 1000, "compared " + checked + " products");
    }

    private static int check(Kernels kern, String name) {
        assertTrue(kern.rowsExact(), name);
        SplittableRandom rng = new SplittableRandom(7);
        int count = 0;
        for (int[] s : SHAPES) {
            int m = s[0];
            int k = s[1];
            int n = s[2];
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    for (float beta : new float[] {0f, 1f}) {
                        float[] a = random(rng, m * k + 5);
                        float[] b = random(rng, k * n + 3);
                        float[] c0 = random(rng, m * n + 2);
                        int lda = transA ? m : k;
                        int ldb = transB ? k : n;
                        Kernels.PackedMatrix pb = kern.pack(transB, k, n, b, 3, ldb, null);
                        float[] whole = c0.clone();
                        kern.sgemm(transA, m, -0.75f, a, 5, lda, pb, beta, whole, 2, n);
                        for (double[] cut : CUTS) {
                            Kernels.PackedMatrix p = kern.pack(transB, k, n, b, 3, ldb, null);
                            kern.prepare(p, m);
                            float[] parts = c0.clone();
                            int r0 = 0;
                            for (int i = 0; i <= cut.length; i++) {
                                int r1 = i < cut.length ? Math.max(r0, (int) Math.round(cut[i] * m)) : m;
                                kern.sgemmRows(transA, m, r0, r1, -0.75f, a, 5, lda, p, beta, parts, 2, n);
                                r0 = r1;
                            }
                            for (int j = 0; j < parts.length; j++) {
                                assertEquals(Float.floatToRawIntBits(whole[j]), Float.floatToRawIntBits(parts[j]),
                                        () -> name + " " + m + "x" + k + "x" + n + " transA " + transA + " transB " + transB
                                                + " beta " + beta + " cuts " + java.util.Arrays.toString(cut));
                            }
                            count++;
                        }
                    }
                }
            }
        }
        return count;
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextDouble(-1, 1);
        }
        return v;
    }
}
