package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * sgemm on every backend against a double-precision reference: all transpose combinations, odd
 * and mixed sizes (crossing the k-block, column-block and tile edges), alpha/beta variants,
 * offsets and padded strides, and bit-identical results for 1, 2 and 3 threads.
 *
 * <p>Tolerance: a float dot product of length k has error at most about k * 2^-24 * sum |a_p b_p|
 * (plus one rounding for alpha and beta), so each element is checked against
 * (k + 4) * 2^-24 * (|alpha| sum |a b| + |beta c|). A wrong index or a dropped term is off by
 * O(sum |a b|), far outside it.
 */
class GemmTest {
    static final float NAN_SENTINEL = Float.NaN;

    static List<Kernels> backends() {
        return List.of(new ScalarKernels(), new VectorKernels(1), new VectorKernels(2));
    }

    static Stream<Arguments> shapes() {
        int[] s = {1, 7, 33, 513};
        List<Arguments> out = new ArrayList<>();
        for (int m : s) {
            for (int n : s) {
                for (int k : s) {
                    if ((long) m * n * k <= 513L * 33 * 33) {
                        out.add(Arguments.of(m, n, k));
                    }
                }
            }
        }
        // engine-like and block-edge shapes: (m, n, k)
        int[][] extra = {{64, 128, 784}, {64, 784, 128}, {128, 784, 64}, {64, 10, 256}, {8, 32, 300},
            {9, 47, 257}, {17, 1100, 20}, {40, 515, 3}, {3, 600, 50}, {100, 16, 700}, {2, 5, 1000}};
        for (int[] e : extra) {
            out.add(Arguments.of(e[0], e[1], e[2]));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("shapes")
    void allTransposesMatchReference(int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(31L * m + 7L * n + k);
        for (Kernels kern : backends()) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 2) != 0;
                boolean tb = (t & 1) != 0;
                check(kern, ta, tb, m, n, k, 1f, 0f, 0, 0, 0, 0, rng);
            }
        }
    }

    @Test
    void alphaBetaVariants() {
        SplittableRandom rng = new SplittableRandom(5);
        float[][] ab = {{1f, 0f}, {-0.75f, 1f}, {2f, 0.3f}, {0.5f, -1f}, {0f, 0.5f}, {0f, 0f}};
        int[][] sz = {{7, 33, 5}, {33, 40, 300}, {64, 100, 64}, {2, 17, 9}};
        for (Kernels kern : backends()) {
            for (int[] s : sz) {
                for (float[] p : ab) {
                    for (int t = 0; t < 4; t++) {
                        check(kern, (t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2], p[0], p[1], 0, 0, 0, 0, rng);
                    }
                }
            }
        }
    }

    @Test
    void offsetsAndPaddedStrides() {
        SplittableRandom rng = new SplittableRandom(9);
        int[][] sz = {{5, 9, 13}, {33, 70, 40}, {70, 33, 300}, {1, 20, 20}};
        for (Kernels kern : backends()) {
            for (int[] s : sz) {
                for (int t = 0; t < 4; t++) {
                    check(kern, (t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2], 1.5f, 0.5f, 3, 5, 2, 7, rng);
                    check(kern, (t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2], 1f, 0f, 11, 0, 17, 1, rng);
                }
            }
        }
    }

    @Test
    void kZeroScalesC() {
        for (Kernels kern : backends()) {
            float[] c = {1f, 2f, Float.NaN, 4f};
            kern.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
            assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, c, kern.name());
            float[] d = {1f, 2f, 3f, 4f};
            kern.sgemm(false, false, 2, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, d, 0, 2);
            assertArrayEquals(new float[] {0.5f, 1f, 1.5f, 2f}, d, kern.name());
        }
    }

    /** The same bits whatever the thread count, including shapes that split rows instead of columns. */
    @Test
    void threadCountDoesNotChangeBits() {
        int[][] sz = {{256, 300, 200}, {64, 128, 784}, {300, 20, 500}, {1000, 40, 64}, {129, 1025, 33}, {500, 10, 700}};
        SplittableRandom rng = new SplittableRandom(77);
        for (int[] s : sz) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 2) != 0, tb = (t & 1) != 0;
                float[] a = random(rng, m * k);
                float[] b = random(rng, k * n);
                float[] c0 = random(rng, m * n);
                float[] ref = null;
                for (int threads : new int[] {1, 2, 3}) {
                    float[] c = c0.clone();
                    new VectorKernels(threads).sgemm(ta, tb, m, n, k, 0.7f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.4f, c, 0, n);
                    if (ref == null) {
                        ref = c;
                    } else {
                        for (int i = 0; i < c.length; i++) {
                            if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(ref[i])) {
                                fail("threads=" + threads + " differs at " + i + " for " + m + "x" + n + "x" + k + " t=" + t);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void concurrentCallersGetCorrectResults() throws Exception {
        Kernels kern = new VectorKernels(2);
        int m = 130, n = 140, k = 150;
        SplittableRandom rng = new SplittableRandom(3);
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] expect = new float[m * n];
        kern.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, expect, 0, n);
        Thread[] ts = new Thread[4];
        Throwable[] err = new Throwable[1];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = new Thread(() -> {
                try {
                    for (int r = 0; r < 20; r++) {
                        float[] c = new float[m * n];
                        kern.sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, c, 0, n);
                        assertArrayEquals(expect, c);
                    }
                } catch (Throwable t) {
                    err[0] = t;
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (err[0] != null) {
            throw new AssertionError(err[0]);
        }
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }

    /**
     * Runs one sgemm with the given offsets and extra stride padding and checks every element of
     * C against the reference, and that nothing outside the C block changed.
     */
    static void check(Kernels kern, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                      int off, int padA, int padB, int padC, SplittableRandom rng) {
        int aRows = ta ? k : m, aCols = ta ? m : k;
        int bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + padA, ldb = bCols + padB, ldc = n + padC;
        float[] a = random(rng, off + aRows * lda);
        float[] b = random(rng, off + bRows * ldb);
        float[] c = random(rng, off + m * ldc + 3);
        if (beta == 0f) {
            // beta = 0 must overwrite, NaNs included
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[off + i * ldc + j] = NAN_SENTINEL;
                }
            }
        }
        float[] c0 = c.clone();
        kern.sgemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
        String where = kern.name() + " ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k
                + " alpha=" + alpha + " beta=" + beta + " off=" + off;
        for (int i = 0; i < c.length; i++) {
            int r = (i - off) / ldc, col = (i - off) % ldc;
            boolean inside = i >= off && r < m && col < n;
            if (!inside) {
                assertEquals(Float.floatToRawIntBits(c0[i]), Float.floatToRawIntBits(c[i]), "wrote outside C at " + i + ": " + where);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[off + p * lda + i] : a[off + i * lda + p];
                    double bv = tb ? b[off + j * ldb + p] : b[off + p * ldb + j];
                    dot += av * bv;
                    abs += Math.abs(av * bv);
                }
                double cOld = c0[off + i * ldc + j];
                double expect = alpha * dot + (beta == 0f ? 0 : beta * cOld);
                double scale = Math.abs(alpha) * abs + (beta == 0f ? 0 : Math.abs(beta * cOld));
                double tol = (k + 4) * 0x1p-24 * scale + 1e-30;
                float got = c[off + i * ldc + j];
                if (!(Math.abs(got - expect) <= tol)) {
                    fail("C[" + i + "][" + j + "] = " + got + ", expected " + expect + " +- " + tol + ": " + where);
                }
            }
        }
    }
}
