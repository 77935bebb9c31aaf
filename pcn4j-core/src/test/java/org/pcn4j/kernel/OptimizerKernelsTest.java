package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Kernels#adam and Kernels#sgdMomentum: the vector backend gives the scalar loop's bits, and
 * subnormal moments and velocities become zero.
 */
class OptimizerKernelsTest {

    /** The loop Adam ran before the kernel existed (no flushing), as the reference for normal values. */
    private static void plain(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float b2,
                              float stepSize, float invSqrtC2, float eps, boolean dec, float wd, float a) {
        for (int i = from; i < to; i++) {
            float gi = dec ? g[i] : g[i] + wd * w[i];
            float mi = b1 * m[i] + (1 - b1) * gi;
            float vi = b2 * v[i] + (1 - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            float upd = stepSize * mi / ((float) Math.sqrt(vi) * invSqrtC2 + eps);
            if (dec) {
                upd += a * wd * w[i];
            }
            w[i] -= upd;
        }
    }

    @Test
    void vectorEqualsScalarAndThePlainLoopOnNormalValues() {
        SplittableRandom rng = new SplittableRandom(12);
        for (boolean dec : new boolean[] {true, false}) {
            for (int n : new int[] {1, 15, 16, 17, 100, 1000}) {
                float[] w = JitDeterminismTest.random(rng, n + 4, 1);
                float[] g = JitDeterminismTest.random(rng, n + 4, 0.1);
                float[] m = JitDeterminismTest.random(rng, n + 4, 0.01);
                float[] v = new float[n + 4];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) rng.nextDouble(1e-6, 1e-2);
                }
                float[][] want = {w.clone(), m.clone(), v.clone()};
                float[][] vec = {w.clone(), m.clone(), v.clone()};
                float[][] sca = {w.clone(), m.clone(), v.clone()};
                float a = 1e-3f;
                float wd = 0.01f;
                plain(want[0], g, want[1], want[2], 2, 2 + n, 0.9f, 0.999f, a / 0.19f, 1.3f, 1e-8f, dec, wd, a);
                new VectorKernels(1).adam(vec[0], g, vec[1], vec[2], 2, 2 + n, 0.9f, 0.999f, a / 0.19f, 1.3f, 1e-8f, dec,
                        wd, a * wd);
                new ScalarKernels().adam(sca[0], g, sca[1], sca[2], 2, 2 + n, 0.9f, 0.999f, a / 0.19f, 1.3f, 1e-8f, dec,
                        wd, a * wd);
                for (int q = 0; q < 3; q++) {
                    String what = "dec=" + dec + " n=" + n + " array " + q;
                    assertArrayEquals(want[q], vec[q], what + " (vector)");
                    assertArrayEquals(want[q], sca[q], what + " (scalar)");
                }
            }
        }
    }

    @Test
    void subnormalMomentsAreFlushedToZeroOnEveryBackend() {
        for (Kernels k : new Kernels[] {new ScalarKernels(), new VectorKernels(1)}) {
            int n = 37; // two full vectors and a scalar tail on AVX-512, more on AVX2
            float[] w = new float[n];
            float[] g = new float[n];
            float[] m = new float[n];
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = 0.5f;
                m[i] = (i % 2 == 0 ? 1 : -1) * Float.MIN_NORMAL * 1.05f; // 0.9 m is subnormal
                v[i] = Float.MIN_NORMAL * 1.0005f; // 0.999 v is subnormal
            }
            g[n - 1] = 1e-3f; // one live gradient: its moments stay normal
            k.adam(w, g, m, v, 0, n, 0.9f, 0.999f, 1e-3f, 1f, 1e-8f, true, 0f, 0f);
            for (int i = 0; i < n - 1; i++) {
                assertEquals(0f, m[i], k.name() + " m[" + i + "]");
                assertEquals(0f, v[i], k.name() + " v[" + i + "]");
                assertEquals(0.5f, w[i], k.name() + " w[" + i + "]");
            }
            float m0 = ((n - 1) % 2 == 0 ? 1 : -1) * Float.MIN_NORMAL * 1.05f;
            assertEquals(0.9f * m0 + (1 - 0.9f) * 1e-3f, m[n - 1], k.name() + " live m");
            assertEquals(true, v[n - 1] >= Float.MIN_NORMAL, k.name() + " live v");
        }
    }

    /** Sgd's loop before the kernel existed (no flushing). */
    private static void plainSgd(float[] w, float[] g, float[] v, int from, int to, float a, float momentum,
                                 boolean nesterov, float wd) {
        for (int i = from; i < to; i++) {
            float gi = g[i] + wd * w[i];
            float vi = momentum * v[i] + gi;
            v[i] = vi;
            w[i] -= a * (nesterov ? gi + momentum * vi : vi);
        }
    }

    @Test
    void sgdMomentumVectorEqualsScalarAndThePlainLoopOnNormalValues() {
        SplittableRandom rng = new SplittableRandom(13);
        for (boolean nesterov : new boolean[] {false, true}) {
            for (float wd : new float[] {0f, 1e-2f}) {
                for (int n : new int[] {1, 15, 16, 17, 100, 1000}) {
                    float[] w = JitDeterminismTest.random(rng, n + 4, 1);
                    float[] g = JitDeterminismTest.random(rng, n + 4, 0.1);
                    float[] v = JitDeterminismTest.random(rng, n + 4, 0.05);
                    float[][] want = {w.clone(), v.clone()};
                    float[][] vec = {w.clone(), v.clone()};
                    float[][] sca = {w.clone(), v.clone()};
                    plainSgd(want[0], g, want[1], 1, 1 + n, 0.05f, 0.9f, nesterov, wd);
                    new VectorKernels(1).sgdMomentum(vec[0], g, vec[1], 1, 1 + n, 0.05f, 0.9f, nesterov, wd);
                    new ScalarKernels().sgdMomentum(sca[0], g, sca[1], 1, 1 + n, 0.05f, 0.9f, nesterov, wd);
                    for (int q = 0; q < 2; q++) {
                        String what = "nesterov=" + nesterov + " wd=" + wd + " n=" + n + " array " + q;
                        assertArrayEquals(want[q], vec[q], what + " (vector)");
                        assertArrayEquals(want[q], sca[q], what + " (scalar)");
                    }
                }
            }
        }
    }

    @Test
    void subnormalVelocitiesAreFlushedToZeroOnEveryBackend() {
        for (Kernels k : new Kernels[] {new ScalarKernels(), new VectorKernels(1)}) {
            int n = 37;
            float[] w = new float[n];
            float[] g = new float[n];
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = 0.25f;
                v[i] = (i % 2 == 0 ? 1 : -1) * Float.MIN_NORMAL * 1.05f; // 0.9 v is subnormal
            }
            g[n - 1] = 1e-3f;
            k.sgdMomentum(w, g, v, 0, n, 0.1f, 0.9f, false, 0f);
            for (int i = 0; i < n - 1; i++) {
                assertEquals(0f, v[i], k.name() + " v[" + i + "]");
                assertEquals(0.25f, w[i], k.name() + " w[" + i + "]");
            }
            float v0 = ((n - 1) % 2 == 0 ? 1 : -1) * Float.MIN_NORMAL * 1.05f;
            assertEquals(0.9f * v0 + 1e-3f, v[n - 1], k.name() + " live v");
        }
    }
}
