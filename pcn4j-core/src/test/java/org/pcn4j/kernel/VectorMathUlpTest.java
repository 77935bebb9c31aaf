package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath}'s functions against StrictMath in double, in ulps of the float result, over
 * a sweep of the whole float line (every 4099th bit pattern: about a million inputs, both signs,
 * subnormals, overflow), and at the special values. The bounds are the measured maxima (see
 * docs/kernels.md) rounded up: exp 1.01 ulp, tanh 1.5, tanh' 3.9, sigmoid 2.7, sigmoid' 4.2.
 * GELU's lower tail loses accuracy through the float rounding of x^2 (exact GELU) or of u (tanh
 * GELU), so those two are checked from -5 up with wider bounds (measured 11 and 44 ulp).
 */
class VectorMathUlpTest {
    private static final int L = VectorMath.S.length();

    /** |got - ref| in ulps of the float nearest ref; an infinite or NaN ref must be met exactly. */
    static double ulps(float got, double ref) {
        if (Double.isNaN(ref)) {
            return Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        float rf = (float) ref;
        if (Float.isInfinite(rf)) {
            return got == rf ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Float.isNaN(got)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(got - ref) / Math.ulp(rf);
    }

    /** The largest error over the sweep restricted to [lo, hi], with the input where it occurs. */
    private static void sweep(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator ref, float lo, float hi,
                              double bound) {
        float[] x = new float[L];
        float[] y = new float[L];
        double max = 0;
        float at = Float.NaN;
        int filled = 0;
        long count = 0;
        for (long bits = 0; bits < (1L << 32); bits += 4099) {
            float v = Float.intBitsToFloat((int) bits);
            if (!(v >= lo && v <= hi)) {
                continue;
            }
            x[filled++] = v;
            if (filled == L) {
                f.apply(FloatVector.fromArray(VectorMath.S, x, 0)).intoArray(y, 0);
                for (int i = 0; i < L; i++) {
                    double u = ulps(y[i], ref.applyAsDouble(x[i]));
                    if (u > max) {
                        max = u;
                        at = x[i];
                    }
                }
                count += L;
                filled = 0;
            }
        }
        assertTrue(count > 100_000, name + ": only " + count + " inputs");
        assertTrue(max <= bound, name + ": " + max + " ulp at x = " + at + " (bound " + bound + ")");
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x));
    }

    /** 4e / (1 + e)^2 and e / (1 + e)^2 with e = exp(-c|x|): the derivatives without cancellation. */
    static double bell(double x, double c, double scale) {
        double e = StrictMath.exp(-c * Math.abs(x));
        return scale * e / ((1 + e) * (1 + e));
    }

    private static final float MAX = Float.MAX_VALUE;

    @Test
    void expIsWithinOneUlpIncludingSubnormalsAndOverflow() {
        sweep("exp", VectorMath::exp, StrictMath::exp, -MAX, MAX, 1.02);
    }

    @Test
    void tanhSigmoidAndDerivativesAreWithinAFewUlps() {
        sweep("tanh", VectorMath::tanh, StrictMath::tanh, -MAX, MAX, 1.5);
        sweep("tanh'", VectorMath::tanhDerivative, x -> bell(x, 2, 4), -MAX, MAX, 4);
        sweep("sigmoid", VectorMath::sigmoid, VectorMathUlpTest::sigmoid, -MAX, MAX, 3);
        sweep("sigmoid'", VectorMath::sigmoidDerivative, x -> bell(x, 1, 1), -MAX, MAX, 4.5);
    }

    @Test
    void geluAboveMinusFiveIsWithinItsBound() {
        sweep("gelu", VectorMath::gelu, x -> x * 0.5 * (1 + Erf.erf(x / Math.sqrt(2))), -5f, MAX, 12);
        sweep("gelu_tanh", VectorMath::geluTanh,
                x -> x * sigmoid(2 * Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)), -5f, 1e4f, 48);
    }

    private static float at(UnaryOperator<FloatVector> f, float x) {
        return f.apply(FloatVector.broadcast(VectorMath.S, x)).lane(0);
    }

    @Test
    void specialValues() {
        float inf = Float.POSITIVE_INFINITY;
        assertEquals(1f, at(VectorMath::exp, -0f));
        assertEquals(inf, at(VectorMath::exp, inf));
        assertEquals(inf, at(VectorMath::exp, 88.73f));
        assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(at(VectorMath::exp, -inf)));
        assertEquals(Float.MIN_VALUE, at(VectorMath::exp, -103.5f)); // e^-103.5 = 1.2 MIN_VALUE
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(at(VectorMath::tanh, -0f)), "tanh(-0) = -0");
        assertEquals(-1f, at(VectorMath::tanh, -inf));
        assertEquals(1f, at(VectorMath::tanh, inf));
        assertEquals(0.5f, at(VectorMath::sigmoid, -0f));
        assertEquals(0f, at(VectorMath::sigmoid, -inf));
        assertEquals(1f, at(VectorMath::sigmoid, inf));
        assertEquals(0f, at(VectorMath::tanhDerivative, inf));
        assertEquals(0f, at(VectorMath::sigmoidDerivative, -inf));
        for (UnaryOperator<FloatVector> f : java.util.List.<UnaryOperator<FloatVector>>of(VectorMath::exp,
                VectorMath::tanh, VectorMath::tanhDerivative, VectorMath::sigmoid, VectorMath::sigmoidDerivative,
                VectorMath::gelu, VectorMath::geluDerivative, VectorMath::geluTanh, VectorMath::geluTanhDerivative)) {
            assertTrue(Float.isNaN(at(f, Float.NaN)), "NaN in, NaN out");
        }
    }
}
