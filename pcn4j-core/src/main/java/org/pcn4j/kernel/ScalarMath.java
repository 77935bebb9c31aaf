package org.pcn4j.kernel;

/**
 * {@link VectorMath}'s functions one float at a time, operation for operation (the same
 * constants, the same fma chains, the same rounding steps), so the scalar backend's activations
 * give the vector backend's bits. Built only from + - * / fma, compares and bit moves, which are
 * exact IEEE operations in every JIT tier and JDK, unlike Math.exp/Math.tanh (intrinsics whose
 * last bit may differ between JDK releases; Math.tanh became one in JDK 24).
 * {@code ActivationKernelsTest.scalarAndVectorBackendsGiveTheSameBits} keeps the two in step.
 */
final class ScalarMath {
    // The constants VectorMath broadcasts (literals kept in step with it by the test above; this
    // class must not touch VectorMath, which needs jdk.incubator.vector).
    private static final float SQRT_HALF = 0.70710678118654752f;
    private static final float INV_SQRT_2PI = 0.39894228040143268f;
    private static final float GELU_C = 0.79788456080286536f;
    private static final float GELU_A = 0.044715f;

    private ScalarMath() {}

    static float exp(float x) {
        float xc = Math.min(Math.max(x, -104f), 89f);
        float t = Math.fma(xc, 1.44269504088896341f, 12582912f);
        float n = t - 12582912f;
        float r = Math.fma(n, -0.693359375f, xc);
        r = Math.fma(n, 2.12194440e-4f, r);
        float z = r * r;
        float y = Math.fma(r, 1.9875691500E-4f, 1.3981999507E-3f);
        y = Math.fma(y, r, 8.3334519073E-3f);
        y = Math.fma(y, r, 4.1665795894E-2f);
        y = Math.fma(y, r, 1.6666665459E-1f);
        y = Math.fma(y, r, 5.0000001201E-1f);
        y = Math.fma(y, z, r) + 1f;
        int ni = Float.floatToRawIntBits(t) - 0x4B400000;
        int n1 = ni >> 1;
        return y * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((ni - n1 + 127) << 23);
    }

    static float tanh(float x) {
        return tanh(x, exp(Math.abs(x) * -2f));
    }

    static float tanh(float x, float e) {
        float ax = Math.abs(x);
        float big = (1f - e) / (e + 1f);
        big = x < 0f ? -big : big;
        float z = x * x;
        float small = Math.fma(z, -5.70498872745E-3f, 2.06390887954E-2f);
        small = Math.fma(small, z, -5.37397155531E-2f);
        small = Math.fma(small, z, 1.33314422036E-1f);
        small = Math.fma(small, z, -3.33332819422E-1f);
        small = Math.fma(small * z, x, x);
        float y = ax < 0.625f ? small : big;
        return ax < 0x1p-12f ? x : y;
    }

    static float tanhDerivative(float x) {
        float e = exp(Math.abs(x) * -2f);
        float d = e + 1f;
        return e * 4f / (d * d);
    }

    static float sigmoid(float x) {
        float e = exp(-Math.abs(x));
        float inv = 1f / (e + 1f);
        return x < 0f ? e * inv : inv;
    }

    static float sigmoidDerivative(float x) {
        float e = exp(-Math.abs(x));
        float d = e + 1f;
        return e / (d * d);
    }

    private static float erfcPoly(float t) {
        float p = Math.fma(t, -2.921516829e-02f, 1.404469737e-01f);
        p = Math.fma(p, t, -2.355278107e-01f);
        p = Math.fma(p, t, 1.375620807e-01f);
        p = Math.fma(p, t, -4.689566804e-02f);
        p = Math.fma(p, t, 8.391663481e-02f);
        p = Math.fma(p, t, 1.190082321e-01f);
        p = Math.fma(p, t, 1.717392965e-01f);
        p = Math.fma(p, t, 2.076137280e-01f);
        p = Math.fma(p, t, 2.256758602e-01f);
        return Math.fma(p, t, 2.256758348e-01f);
    }

    /** Phi(x) = erfc(-x / sqrt 2) / 2 given e = exp(-x^2 / 2). */
    private static float cdf(float x, float e) {
        float z = Math.abs(x) * SQRT_HALF;
        float t = 1f / Math.fma(z, 0.4f, 1f);
        float half = t * e * erfcPoly(t) * 0.5f;
        return x < 0f ? half : 1f - half;
    }

    static float gelu(float x) {
        return x * cdf(x, exp(x * x * -0.5f));
    }

    static float geluDerivative(float x) {
        float e = exp(x * x * -0.5f);
        return Math.fma(x, e * INV_SQRT_2PI, cdf(x, e));
    }

    static float geluTanh(float x) {
        float xc = Math.min(Math.max(x, -10f), 10f);
        float u2 = Math.fma(xc * xc, GELU_A, 1f) * xc * (2f * GELU_C);
        float e = exp(-Math.abs(u2));
        float inv = 1f / (e + 1f);
        float s = u2 < 0f ? e * inv : inv;
        return x * (x < -10f ? 0f : s);
    }

    static float geluTanhDerivative(float x) {
        float xc = Math.min(Math.max(x, -10f), 10f);
        float x2 = xc * xc;
        float u2 = Math.fma(x2, GELU_A, 1f) * xc * (2f * GELU_C);
        float e = exp(-Math.abs(u2));
        float d = e + 1f;
        float inv = 1f / d;
        float s = u2 < 0f ? e * inv : inv;
        float s1s = e / (d * d);
        float du = Math.fma(x2, 3f * GELU_A, 1f) * GELU_C;
        return Math.fma(xc * 2f * s1s, du, s);
    }

    /** {@link Kernels#adam}'s reference loop (the vector backend gives the same bits). */
    static void adam(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float b2, float stepSize,
                     float invSqrtC2, float eps, boolean decoupled, float l2, float decay) {
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        for (int i = from; i < to; i++) {
            float gi = decoupled ? g[i] : g[i] + l2 * w[i];
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            if (Math.abs(mi) < Float.MIN_NORMAL) {
                mi = 0f;
            }
            if (vi < Float.MIN_NORMAL) {
                vi = 0f;
            }
            m[i] = mi;
            v[i] = vi;
            float upd = stepSize * mi / ((float) Math.sqrt(vi) * invSqrtC2 + eps);
            if (decoupled) {
                upd += decay * w[i];
            }
            w[i] -= upd;
        }
    }

    /** {@link Kernels#sgdMomentum}'s reference loop (the vector backend gives the same bits). */
    static void sgdMomentum(float[] w, float[] g, float[] v, int from, int to, float lr, float momentum, boolean nesterov,
                            float l2) {
        for (int i = from; i < to; i++) {
            float gi = g[i] + l2 * w[i];
            float vi = momentum * v[i] + gi;
            if (Math.abs(vi) < Float.MIN_NORMAL) {
                vi = 0f;
            }
            v[i] = vi;
            w[i] -= lr * (nesterov ? gi + momentum * vi : vi);
        }
    }
}
