package org.pcn4j.kernel;

import java.util.Locale;
import org.pcn4j.PcnException;

/**
 * Pointwise activation functions. The math lives in {@link Kernels} so that a vectorized or GPU
 * backend can implement it; the scalar definitions here are the reference.
 */
public enum Activation {
    IDENTITY("identity"),
    TANH("tanh"),
    SIGMOID("sigmoid"),
    RELU("relu"),
    /** Leaky ReLU with slope {@link #LEAKY_SLOPE} below zero. */
    LEAKY_RELU("leaky_relu"),
    /** Exact GELU: x * Phi(x), with Phi the standard normal CDF. */
    GELU("gelu"),
    /** The tanh approximation of GELU used by many transformer codes. */
    GELU_TANH("gelu_tanh");

    public static final float LEAKY_SLOPE = 0.01f;

    private final String id;

    Activation(String id) {
        this.id = id;
    }

    /** The name used in flags, configs and model files. */
    public String id() {
        return id;
    }

    public static Activation parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (n.equals("linear") || n.equals("none")) {
            return IDENTITY;
        }
        for (Activation a : values()) {
            if (a.id.equals(n)) {
                return a;
            }
        }
        throw new PcnException("unknown activation '" + name + "' (expected one of identity, tanh, sigmoid, relu, leaky_relu, gelu, gelu_tanh)");
    }

    /**
     * Scalar reference value, in double precision. tanh is StrictMath's: Math.tanh is an intrinsic
     * from JDK 24 on whose last bits differ from JDK 17's (which delegates to StrictMath).
     */
    public double apply(double x) {
        switch (this) {
            case IDENTITY: return x;
            case TANH: return StrictMath.tanh(x);
            case SIGMOID: return 1.0 / (1.0 + Math.exp(-x));
            case RELU: return x > 0 ? x : 0;
            case LEAKY_RELU: return x > 0 ? x : LEAKY_SLOPE * x;
            case GELU: return 0.5 * x * (1.0 + Erf.erf(x / Math.sqrt(2.0)));
            case GELU_TANH: {
                double u = Math.sqrt(2.0 / Math.PI) * (x + 0.044715 * x * x * x);
                return 0.5 * x * (1.0 + StrictMath.tanh(u));
            }
            default: throw new AssertionError(this);
        }
    }

    /** Scalar reference derivative, in double precision. */
    public double derivative(double x) {
        switch (this) {
            case IDENTITY: return 1;
            case TANH: { double t = StrictMath.tanh(x); return 1 - t * t; }
            case SIGMOID: { double s = 1.0 / (1.0 + Math.exp(-x)); return s * (1 - s); }
            case RELU: return x > 0 ? 1 : 0;
            case LEAKY_RELU: return x > 0 ? 1 : LEAKY_SLOPE;
            case GELU: {
                double cdf = 0.5 * (1.0 + Erf.erf(x / Math.sqrt(2.0)));
                double pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2.0 * Math.PI);
                return cdf + x * pdf;
            }
            case GELU_TANH: {
                double c = Math.sqrt(2.0 / Math.PI);
                double u = c * (x + 0.044715 * x * x * x);
                double t = StrictMath.tanh(u);
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
            }
            default: throw new AssertionError(this);
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
