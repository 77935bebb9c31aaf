package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels give the same bits whatever the JIT has compiled yet. On JDK 25,
 * reduceLanes(ADD) summed lanes in another order once C2 compiled a loop than in the interpreter
 * and C1, so the small-GEMM dot products and softmax changed in the last bits as a run warmed up
 * (BehaviourLockTest drifted in the full suite). Each kernel here runs once cold, then often
 * enough for C2 to compile it, then again: the first and last results must be equal bit for bit.
 * (Other tests may have warmed some of these already; the reference test below pins the order
 * itself, independent of the JIT.)
 */
class JitDeterminismTest {
    /** n Gaussian floats times scale (OptimizerKernelsTest draws its operands with it too). */
    static float[] random(SplittableRandom rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rng.nextGaussian() * scale);
        }
        return a;
    }

    @Test
    void coldAndC2CompiledKernelsGiveTheSameBits() {
        Kernels k = new VectorKernels(1);
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = random(rng, 1000, 3);
        float[] a = random(rng, 64 * 16, 1);
        float[] b = random(rng, 12 * 16, 1);
        float[] c0 = random(rng, 64 * 12, 1);
        Map<String, Supplier<float[]>> ops = new LinkedHashMap<>();
        ops.put("softmax", () -> { float[] y = new float[1000]; k.softmax(x, 0, y, 0, 100, 10); return y; });
        ops.put("logSoftmax", () -> { float[] y = new float[1000]; k.logSoftmax(x, 0, y, 0, 100, 10); return y; });
        ops.put("sgemm NT", () -> {
            float[] c = c0.clone();
            k.sgemm(false, true, 64, 12, 16, 0.5f, a, 0, 16, b, 0, 16, 1f, c, 0, 12);
            return c;
        });
        ops.put("tanh and slope", () -> {
            float[] y = new float[1000];
            float[] d = new float[1000];
            k.activateWithDerivative(Activation.TANH, x, 0, y, 0, d, 0, 1000);
            float[] both = java.util.Arrays.copyOf(y, 2000);
            System.arraycopy(d, 0, both, 1000, 1000);
            return both;
        });
        Map<String, float[]> cold = new LinkedHashMap<>();
        ops.forEach((name, op) -> cold.put(name, op.get()));
        for (int rep = 0; rep < 2000; rep++) {
            ops.values().forEach(Supplier::get);
        }
        ops.forEach((name, op) -> {
            float[] warm = op.get();
            float[] first = cold.get(name);
            for (int i = 0; i < warm.length; i++) {
                assertEquals(Float.floatToIntBits(first[i]), Float.floatToIntBits(warm[i]),
                        name + "[" + i + "]: cold " + first[i] + ", warm " + warm[i]);
            }
        });
    }

    /**
     * The small A B^T product's order, written out in scalar Java: lane q of a vector accumulator
     * takes the products p = q mod L below the last whole vector (one fma chain each), the lanes
     * are summed in lane order, and the remaining products are fused in increasing p.
     */
    @Test
    void smallDotProductsFollowTheDocumentedOrder() {
        int lanes = VectorKernels.lanes();
        SplittableRandom rng = new SplittableRandom(6);
        int m = 5;
        int n = 7;
        for (int k : new int[] {3, lanes, 2 * lanes + 5, 70}) {
            float[] a = random(rng, m * k, 1);
            float[] b = random(rng, n * k, 1);
            float[] got = new float[m * n];
            new VectorKernels(1).sgemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, got, 0, n);
            float[] want = new float[m * n];
            int kv = k / lanes * lanes;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    float[] acc = new float[lanes];
                    for (int p = 0; p < kv; p++) {
                        acc[p % lanes] = Math.fma(a[i * k + p], b[j * k + p], acc[p % lanes]);
                    }
                    float d = 0f;
                    if (kv > 0) {
                        d = acc[0];
                        for (int q = 1; q < lanes; q++) {
                            d += acc[q];
                        }
                    }
                    for (int p = kv; p < k; p++) {
                        d = Math.fma(a[i * k + p], b[j * k + p], d);
                    }
                    want[i * n + j] = d;
                }
            }
            assertArrayEquals(want, got, "k = " + k);
        }
    }
}
