package org.pcn4j.optim;

import java.util.List;

/** Gradient clipping by global L2 norm. */
public final class GradClip {
    private GradClip() {}

    /** Scales all gradients so their joint L2 norm is at most maxNorm; returns the norm before. */
    public static double clipGlobalNorm(List<Param> params, double maxNorm) {
        double sq = 0;
        for (Param p : params) {
            float[] g = p.grad();
            for (int i = 0; i < p.length(); i++) {
                sq += (double) g[i] * g[i];
            }
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
