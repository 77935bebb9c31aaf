package org.pcn4j.temporal;

import org.pcn4j.PcnException;

/** The map f in the tPC energy: f = identity gives the linear filter, tanh the nonlinear one. */
public enum Activation {
    IDENTITY,
    TANH;

    public static Activation parse(String s) {
        switch (s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "identity":
            case "linear":
                return IDENTITY;
            case "tanh":
                return TANH;
            default:
                throw new PcnException("unknown activation '" + s + "' (expected identity or tanh)");
        }
    }

    public double[] apply(double[] x) {
        if (this == IDENTITY) {
            return x.clone();
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = StrictMath.tanh(x[i]); // not Math.tanh: a JDK 24+ intrinsic with other last bits
        }
        return y;
    }

    /** f'(x) elementwise. */
    public double[] derivative(double[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            if (this == IDENTITY) {
                d[i] = 1;
            } else {
                double t = StrictMath.tanh(x[i]);
                d[i] = 1 - t * t;
            }
        }
        return d;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
