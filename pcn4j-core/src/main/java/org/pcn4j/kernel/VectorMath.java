package org.pcn4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Lane-wise transcendental functions in float, built from a vector exp. The JDK's own lanewise
 * EXP/TANH are pure-Java fallbacks on this kind of machine (12-39 ns per element on JDK 17 and 25,
 * AMD Zen 4), slower than scalar Math; these run in a few tenths of a nanosecond per element.
 *
 * <p>Accuracy (measured against StrictMath over the whole float line, docs/kernels.md): exp
 * 1.01 ulp (subnormal results and overflow included), tanh 1.5, sigmoid 2.7, their derivatives
 * 3.9 and 4.2 ulp; tanh, sigmoid and their derivatives are formed from exp(-|x|) so they keep
 * relative accuracy in the tails; the normal CDF uses erfc(z) = t exp(-z^2) P(t) with a fitted
 * polynomial P (see {@link #erfcPoly}) and loses about 6e-8 * x^2 relative through the float
 * rounding of x^2 in exp(-x^2 / 2). Only exact IEEE operations (+ - * / fma, compares, bit
 * moves): the same bits in every JIT tier and JDK; {@link ScalarMath} repeats them per float.
 *
 * <p>Each function calls exp once: two inlined exps in one loop exceed C2's inlining budget
 * (NodeCountInliningCutoff), and the out-of-line call then boxes its vectors (5x slower).
 */
final class VectorMath {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
    private static final float MAGIC = 12582912f;
    private static final int MAGIC_BITS = 0x4B400000;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** Below it e^x is under half the smallest subnormal float (e^-103.97) and rounds to 0. */
    private static final float EXP_LO = -104f;
    /** Above it e^x overflows float (e^88.72): the clamp still gives infinity. */
    private static final float EXP_HI = 89f;

    static final float SQRT_HALF = 0.70710678118654752f;
    static final float INV_SQRT_2PI = 0.39894228040143268f;
    static final float GELU_C = 0.79788456080286536f; // sqrt(2/pi)
    static final float GELU_A = 0.044715f;

    private VectorMath() {}

    // Polynomial coefficients as constant vectors: a broadcast at each use spends C2's inlining
    // budget (NodeCountInliningCutoff), and a broadcast left out-of-line boxes its vector.
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector EXP_P2 = FloatVector.broadcast(S, 8.3334519073E-3f);
    private static final FloatVector EXP_P3 = FloatVector.broadcast(S, 4.1665795894E-2f);
    private static final FloatVector EXP_P4 = FloatVector.broadcast(S, 1.6666665459E-1f);
    private static final FloatVector EXP_P5 = FloatVector.broadcast(S, 5.0000001201E-1f);
    private static final FloatVector TANH_P2 = FloatVector.broadcast(S, -5.37397155531E-2f);
    private static final FloatVector TANH_P3 = FloatVector.broadcast(S, 1.33314422036E-1f);
    private static final FloatVector TANH_P4 = FloatVector.broadcast(S, -3.33332819422E-1f);
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector ERFC_P = FloatVector.broadcast(S, 0.4f);
    private static final FloatVector ERFC_P0 = FloatVector.broadcast(S, 2.256758348e-01f);
    private static final FloatVector ERFC_P1 = FloatVector.broadcast(S, 2.256758602e-01f);
    private static final FloatVector ERFC_P2 = FloatVector.broadcast(S, 2.076137280e-01f);
    private static final FloatVector ERFC_P3 = FloatVector.broadcast(S, 1.717392965e-01f);
    private static final FloatVector ERFC_P4 = FloatVector.broadcast(S, 1.190082321e-01f);
    private static final FloatVector ERFC_P5 = FloatVector.broadcast(S, 8.391663481e-02f);
    private static final FloatVector ERFC_P6 = FloatVector.broadcast(S, -4.689566804e-02f);
    private static final FloatVector ERFC_P7 = FloatVector.broadcast(S, 1.375620807e-01f);
    private static final FloatVector ERFC_P8 = FloatVector.broadcast(S, -2.355278107e-01f);
    private static final FloatVector ERFC_P9 = FloatVector.broadcast(S, 1.404469737e-01f);
    private static final FloatVector ERFC_P10 = FloatVector.broadcast(S, -2.921516829e-02f);

    /**
     * t[o] + t[o + 1] + ... + t[o + L - 1] in that order: a vector's lanes (stored there) summed the
     * way reduceLanes(ADD) does in the interpreter, in C1 and in JDK 17's C2. JDK 25's C2 sums in
     * another order, so reduceLanes(ADD) gave JIT-state-dependent bits; scalar float adds are
     * never reordered by any JIT. Written out per vector length: C2 does not unroll the loop well.
     */
    static float sumInOrder(float[] t, int o) {
        switch (S.length()) {
            case 16:
                return t[o] + t[o + 1] + t[o + 2] + t[o + 3] + t[o + 4] + t[o + 5] + t[o + 6] + t[o + 7] + t[o + 8]
                        + t[o + 9] + t[o + 10] + t[o + 11] + t[o + 12] + t[o + 13] + t[o + 14] + t[o + 15];
            case 8:
                return t[o] + t[o + 1] + t[o + 2] + t[o + 3] + t[o + 4] + t[o + 5] + t[o + 6] + t[o + 7];
            case 4:
                return t[o] + t[o + 1] + t[o + 2] + t[o + 3];
            default:
                float s = t[o];
                for (int i = 1; i < S.length(); i++) {
                    s += t[o + i];
                }
                return s;
        }
    }

    /**
     * e^x within 1.01 ulp where the result is a normal float; subnormal results are rounded once
     * (gradual underflow), 0 below -103.97, infinity above 88.72; NaN stays NaN. x = n ln2 + r
     * (Cody-Waite, ln2 in two parts), a degree-7 polynomial in r, and 2^n applied as 2^(n/2)
     * 2^(n - n/2): both factors are normal for n in [-150, 128], the first product is exact, and
     * the second rounds once, into the subnormals or to infinity where the true value lies.
     * Where e^x is normal the two factors give the same bits as one 2^n.
     */
    static FloatVector exp(FloatVector x) {
        // Clamped by compare and blend rather than max/min: Java's max/min also order -0 below +0
        // and propagate NaN, which C2 spells out in several instructions each (JDK 17); with bounds
        // far from zero the blends give the same values, NaN included (the compares are false).
        FloatVector xc = x.blend(EXP_LO, x.lt(EXP_LO));
        xc = xc.blend(EXP_HI, xc.compare(VectorOperators.GT, EXP_HI));
        FloatVector t = xc.fma(LOG2E, MAGIC);
        FloatVector n = t.sub(MAGIC);
        FloatVector r = n.fma(NEG_LN2_HI, xc);
        r = n.fma(NEG_LN2_LO, r);
        FloatVector z = r.mul(r);
        FloatVector y = r.fma(1.9875691500E-4f, 1.3981999507E-3f)
                .fma(r, EXP_P2)
                .fma(r, EXP_P3)
                .fma(r, EXP_P4)
                .fma(r, EXP_P5)
                .fma(z, r)
                .add(1f);
        IntVector ni = t.reinterpretAsInts().sub(MAGIC_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = ni.sub(n1).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(s1).mul(s2);
    }

    /** tanh(x) = sign(x) (1 - e)/(1 + e) with e = exp(-2|x|); an odd polynomial for |x| < 0.625. */
    static FloatVector tanh(FloatVector x) {
        return tanh(x, exp(x.abs().mul(-2f)));
    }

    /** tanh(x) given e = exp(-2|x|) (shared with {@link #tanhDerivativeOf}: one exp for both). */
    static FloatVector tanh(FloatVector x, FloatVector e) {
        FloatVector ax = x.abs();
        FloatVector big = FloatVector.broadcast(S, 1f).sub(e).div(e.add(1f));
        big = big.blend(big.neg(), x.lt(0f));
        FloatVector z = x.mul(x);
        FloatVector small = z.fma(-5.70498872745E-3f, 2.06390887954E-2f)
                .fma(z, TANH_P2)
                .fma(z, TANH_P3)
                .fma(z, TANH_P4)
                .mul(z)
                .fma(x, x);
        // Below 2^-12 tanh(x) rounds to x, which the polynomial gives too except for the sign of
        // a zero (-0 came out +0): x itself there.
        return big.blend(small, ax.lt(0.625f)).blend(x, ax.lt(0x1p-12f));
    }

    /** 1 - tanh(x)^2 = 4e / (1 + e)^2 with e = exp(-2|x|): no cancellation in the tails. */
    static FloatVector tanhDerivative(FloatVector x) {
        return tanhDerivativeOf(exp(x.abs().mul(-2f)));
    }

    /** 1 - tanh(x)^2 given e = exp(-2|x|). */
    static FloatVector tanhDerivativeOf(FloatVector e) {
        FloatVector d = e.add(1f);
        return e.mul(4f).div(d.mul(d));
    }

    /** 1/(1 + e^-x), from e = exp(-|x|) so both tails keep relative accuracy. */
    static FloatVector sigmoid(FloatVector x) {
        return sigmoid(x, exp(x.abs().neg()));
    }

    /** The sigmoid given e = exp(-|x|) (shared with {@link #sigmoidDerivativeOf}). */
    static FloatVector sigmoid(FloatVector x, FloatVector e) {
        FloatVector inv = FloatVector.broadcast(S, 1f).div(e.add(1f));
        return inv.blend(e.mul(inv), x.lt(0f));
    }

    /** s (1 - s) = e / (1 + e)^2 with e = exp(-|x|). */
    static FloatVector sigmoidDerivative(FloatVector x) {
        return sigmoidDerivativeOf(exp(x.abs().neg()));
    }

    /** s (1 - s) given e = exp(-|x|). */
    static FloatVector sigmoidDerivativeOf(FloatVector e) {
        FloatVector d = e.add(1f);
        return e.div(d.mul(d));
    }

    /**
     * P(t) with erfc(z) = t exp(-z^2) P(t), t = 1 / (1 + 0.4 z), z >= 0: a degree-10 weighted
     * least-squares fit (relative error 6e-9 in exact arithmetic, 1e-7 evaluated in float).
     * Keeping exp(-z^2) outside the polynomial lets the GELU derivative reuse it for the density.
     */
    private static FloatVector erfcPoly(FloatVector t) {
        return t.fma(ERFC_P10, ERFC_P9)
                .fma(t, ERFC_P8)
                .fma(t, ERFC_P7)
                .fma(t, ERFC_P6)
                .fma(t, ERFC_P5)
                .fma(t, ERFC_P4)
                .fma(t, ERFC_P3)
                .fma(t, ERFC_P2)
                .fma(t, ERFC_P1)
                .fma(t, ERFC_P0);
    }

    /** Exact GELU, x Phi(x), Phi(x) = erfc(-x / sqrt 2) / 2 (relative accuracy in the lower tail). */
    static FloatVector gelu(FloatVector x) {
        FloatVector z = x.abs().mul(SQRT_HALF);
        FloatVector t = ONE.div(z.fma(ERFC_P, ONE));
        FloatVector e = exp(x.mul(x).mul(-0.5f)); // exp(-z^2), z^2 rounded once
        FloatVector half = t.mul(e).mul(erfcPoly(t)).mul(0.5f);
        FloatVector cdf = ONE.sub(half).blend(half, x.lt(0f));
        return x.mul(cdf);
    }

    /** Phi(x) + x phi(x); exp(-x^2/2) serves both the CDF and the density. */
    static FloatVector geluDerivative(FloatVector x) {
        FloatVector z = x.abs().mul(SQRT_HALF);
        FloatVector t = ONE.div(z.fma(ERFC_P, ONE));
        FloatVector e = exp(x.mul(x).mul(-0.5f));
        FloatVector half = t.mul(e).mul(erfcPoly(t)).mul(0.5f);
        FloatVector cdf = ONE.sub(half).blend(half, x.lt(0f));
        return x.fma(e.mul(INV_SQRT_2PI), cdf);
    }

    /**
     * The tanh GELU, written as x sigmoid(2u) with u = sqrt(2/pi) (x + 0.044715 x^3), which equals
     * 0.5 x (1 + tanh u) without its cancellation for negative x. u is formed from x clamped to
     * [-10, 10]: beyond that sigmoid(2u) is 0 or 1 in float (set to 0 exactly below -10, so that a
     * huge negative x does not meet a tiny nonzero sigmoid), and x^3 cannot overflow.
     */
    static FloatVector geluTanh(FloatVector x) {
        FloatVector xc = x.max(-10f).min(10f);
        FloatVector u2 = xc.mul(xc).fma(GELU_A, 1f).mul(xc).mul(2f * GELU_C);
        FloatVector e = exp(u2.abs().neg());
        FloatVector inv = FloatVector.broadcast(S, 1f).div(e.add(1f));
        FloatVector s = inv.blend(e.mul(inv), u2.lt(0f)).blend(0f, x.lt(-10f));
        return x.mul(s);
    }

    /** d/dx of {@link #geluTanh}: s + 2 x s (1 - s) u'(x), with s(1 - s) = e / (1 + e)^2. */
    static FloatVector geluTanhDerivative(FloatVector x) {
        FloatVector xc = x.max(-10f).min(10f);
        FloatVector x2 = xc.mul(xc);
        FloatVector u2 = x2.fma(GELU_A, 1f).mul(xc).mul(2f * GELU_C);
        FloatVector e = exp(u2.abs().neg());
        FloatVector d = e.add(1f);
        FloatVector inv = FloatVector.broadcast(S, 1f).div(d);
        FloatVector s = inv.blend(e.mul(inv), u2.lt(0f));
        FloatVector s1s = e.div(d.mul(d));
        FloatVector du = x2.fma(3f * GELU_A, 1f).mul(GELU_C);
        return xc.mul(2f).mul(s1s).fma(du, s);
    }
}
