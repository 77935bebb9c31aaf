package org.pcn4j.optim;

import java.util.List;

/** Gradient clipping by global L2 norm. */
public final class GradClip {
    private GradClip() {}

    /**
     * Sum of squares with eight independent float accumulators: a single running sum is one long
     * dependency chain and cost as much as the optimizer step itself; the blocks keep float's
     * rounding small for gradients of any size pcn4j trains.
     */
    static double sumSquares(float[] g, int n) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            s0 += g[i] * g[i];
            s1 += g[i + 1] * g[i + 1];
            s2 += g[i + 2] * g[i + 2];
            s3 += g[i + 3] * g[i + 3];
            s4 += g[i + 4] * g[i + 4];
            s5 += g[i + 5] * g[i + 5];
            s6 += g[i + 6] * g[i + 6];
            s7 += g[i + 7] * g[i + 7];
        }
        double s = (double) s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7;
        for (; i < n; i++) {
            s += (double) g[i] * g[i];
        }
        return s;
    }

    /** Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before. */
    public static double clipGlobalNorm(List<Param> params, double maxNorm) {
        double sq = 0;
        for (Param p : params) {
            sq += sumSquares(p.grad(), p.length());
        }
        double norm = Math.sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm) {
            float s = (float) (maxNorm / norm);
            for (Param p : params) {
                float[] g = p.grad();
                for (int i = 0; i < p.length(); i++) {
                    g[i] *= s;
                }
            }
        }
        return norm;
    }
}
