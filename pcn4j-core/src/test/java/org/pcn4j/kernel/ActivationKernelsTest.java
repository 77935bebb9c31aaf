package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Activations, their derivatives, softmax and log-softmax on every backend against the double
 * reference in {@link Activation}.
 *
 * <p>Tolerance |y - ref| <= 1e-5 |ref| + 1e-6. Float itself has a relative precision of 6e-8; the
 * vector exp and erfc approximations add about 1e-7 relative, and exp(-x^2) amplifies the float
 * rounding of x^2 to about 6e-8 x^2 relative (6e-6 at |x| = 10), hence 1e-5 relative. The 1e-6
 * absolute term covers values near zero crossings (e.g. the GELU derivative near x = -0.75) where
 * relative error is meaningless, and tail values far below 1e-6.
 */
class ActivationKernelsTest {
    static final double REL = 1e-5;
    static final double ABS = 1e-6;

    static List<Kernels> backends() {
        return List.of(new ScalarKernels(), new VectorKernels(1));
    }

    static float[] inputs() {
        List<Float> v = new ArrayList<>();
        for (int i = -3000; i <= 3000; i++) {
            v.add(i * 0.01f); // [-30, 30] in steps of 0.01
        }
        float[] special = {0f, -0f, 1e-30f, -1e-30f, 1e-7f, -1e-7f, 1e-4f, -1e-4f, 0.6249f, 0.625f, 0.6251f, -0.625f,
            9f, -9f, 10f, -10f, 10.5f, -10.5f, 15f, -15f, 40f, -40f, 43.5f, -43.5f, 50f, -50f, 87f, -87f, 88f, -88f,
            89f, -89f, 100f, -100f, 1e4f, -1e4f, 1e10f, -1e10f, 1e19f, -1e19f, 1e30f, -1e30f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.MIN_VALUE, -Float.MIN_VALUE};
        for (float s : special) {
            v.add(s);
        }
        SplittableRandom rng = new SplittableRandom(11);
        for (int i = 0; i < 2000; i++) {
            v.add((float) (rng.nextGaussian() * 4));
        }
        v.add(0.5f); // odd total length exercises the tail
        float[] x = new float[v.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = v.get(i);
        }
        return x;
    }

    @Test
    void activationsMatchReference() {
        float[] x = inputs();
        for (Kernels k : backends()) {
            for (Activation f : Activation.values()) {
                float[] y = new float[x.length];
                k.activate(f, x, 0, y, 0, x.length);
                compare(k.name() + " " + f, x, y, false, f);
                float[] d = new float[x.length];
                k.activateDerivative(f, x, 0, d, 0, x.length);
                compare(k.name() + " " + f + "'", x, d, true, f);
            }
        }
    }

    private static void compare(String what, float[] x, float[] y, boolean derivative, Activation f) {
        for (int i = 0; i < x.length; i++) {
            double ref = derivative ? f.derivative(x[i]) : f.apply(x[i]);
            double got = y[i];
            if (Double.isNaN(ref) || Double.isInfinite(ref) || Math.abs(ref) > Float.MAX_VALUE) {
                // the reference itself leaves float range or is undefined (e.g. 0.5 * x * 2 overflows)
                continue;
            }
            double tol = REL * Math.abs(ref) + ABS;
            if (!(Math.abs(got - ref) <= tol)) {
                fail(what + "(" + x[i] + ") = " + got + ", expected " + ref + " +- " + tol);
            }
        }
    }

    /** The scalar backend runs VectorMath's arithmetic one float at a time (ScalarMath): same bits. */
    @Test
    void scalarAndVectorBackendsGiveTheSameBits() {
        float[] x = inputs();
        Kernels s = new ScalarKernels();
        Kernels v = new VectorKernels(1);
        for (Activation f : Activation.values()) {
            for (boolean derivative : new boolean[] {false, true}) {
                float[] ys = new float[x.length];
                float[] yv = new float[x.length];
                if (derivative) {
                    s.activateDerivative(f, x, 0, ys, 0, x.length);
                    v.activateDerivative(f, x, 0, yv, 0, x.length);
                } else {
                    s.activate(f, x, 0, ys, 0, x.length);
                    v.activate(f, x, 0, yv, 0, x.length);
                }
                for (int i = 0; i < x.length; i++) {
                    assertEquals(Float.floatToIntBits(yv[i]), Float.floatToIntBits(ys[i]),
                            f + (derivative ? "'" : "") + "(" + x[i] + "): scalar " + ys[i] + ", vector " + yv[i]);
                }
            }
        }
    }

    @Test
    void nanPropagatesThroughSmoothActivations() {
        float[] x = {Float.NaN, 1f, Float.NaN};
        for (Kernels k : backends()) {
            for (Activation f : new Activation[] {Activation.TANH, Activation.SIGMOID, Activation.GELU, Activation.GELU_TANH}) {
                float[] y = new float[3];
                k.activate(f, x, 0, y, 0, 3);
                assertTrue(Float.isNaN(y[0]) && Float.isNaN(y[2]), k.name() + " " + f);
            }
        }
    }

    @Test
    void inPlaceWithOffsetsAndShortLengths() {
        SplittableRandom rng = new SplittableRandom(2);
        for (Kernels k : backends()) {
            for (Activation f : Activation.values()) {
                for (int n : new int[] {0, 1, 5, 16, 17, 33}) {
                    float[] x = new float[n + 10];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (rng.nextDouble() * 8 - 4);
                    }
                    float[] orig = x.clone();
                    k.activate(f, x, 3, x, 3, n);
                    for (int i = 0; i < x.length; i++) {
                        if (i < 3 || i >= 3 + n) {
                            assertEquals(orig[i], x[i], "touched outside range");
                        } else {
                            double ref = f.apply(orig[i]);
                            assertEquals(ref, x[i], REL * Math.abs(ref) + ABS, k.name() + " " + f);
                        }
                    }
                    float[] y = new float[n + 4];
                    k.activateDerivative(f, orig, 2, y, 1, n);
                    for (int i = 0; i < n; i++) {
                        double ref = f.derivative(orig[2 + i]);
                        assertEquals(ref, y[1 + i], REL * Math.abs(ref) + ABS, k.name() + " " + f + "'");
                    }
                    assertEquals(0f, y[0]);
                }
            }
        }
    }

    @Test
    void softmaxAndLogSoftmaxMatchReference() {
        SplittableRandom rng = new SplittableRandom(4);
        for (Kernels k : backends()) {
            for (int cols : new int[] {1, 2, 7, 16, 33, 100, 513}) {
                for (double scale : new double[] {1, 30, 1e4}) {
                    int rows = 5;
                    float[] x = new float[rows * cols + 3];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (rng.nextGaussian() * scale);
                    }
                    float[] p = new float[rows * cols + 1];
                    float[] lp = new float[rows * cols + 1];
                    k.softmax(x, 3, p, 1, rows, cols);
                    k.logSoftmax(x, 3, lp, 1, rows, cols);
                    for (int r = 0; r < rows; r++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < cols; j++) {
                            max = Math.max(max, x[3 + r * cols + j]);
                        }
                        double sum = 0;
                        for (int j = 0; j < cols; j++) {
                            sum += Math.exp(x[3 + r * cols + j] - max);
                        }
                        double lse = max + Math.log(sum);
                        double psum = 0;
                        for (int j = 0; j < cols; j++) {
                            double xv = x[3 + r * cols + j];
                            double refP = Math.exp(xv - lse);
                            double refL = xv - lse;
                            float gotP = p[1 + r * cols + j];
                            float gotL = lp[1 + r * cols + j];
                            psum += gotP;
                            String where = k.name() + " cols=" + cols + " scale=" + scale;
                            assertEquals(refP, gotP, REL * refP + ABS, "softmax " + where);
                            // x - lse in float: the rounding of lse to float (half an ulp of |lse|) is unavoidable
                            double tolL = REL * Math.abs(refL) + ABS + Math.ulp((float) Math.abs(lse));
                            assertEquals(refL, gotL, tolL, "logSoftmax " + where);
                        }
                        assertEquals(1.0, psum, 1e-5);
                    }
                    assertEquals(0f, p[0]);
                }
            }
        }
    }

    @Test
    void softmaxInPlace() {
        for (Kernels k : backends()) {
            float[] x = {1000f, 1000f, -1000f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f};
            float[] y = x.clone();
            k.softmax(y, 0, y, 0, 1, x.length);
            assertEquals(0.5f, y[0], 1e-6f);
            assertEquals(0.5f, y[1], 1e-6f);
            assertEquals(0f, y[2], 0f);
            float[] z = x.clone();
            k.logSoftmax(z, 0, z, 0, 1, x.length);
            assertEquals(-Math.log(2), z[0], 1e-4);
        }
    }
}
