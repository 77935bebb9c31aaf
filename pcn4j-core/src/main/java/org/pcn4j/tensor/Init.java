package org.pcn4j.tensor;

import java.util.Locale;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;

/**
 * Seeded weight initializers for a weight tensor laid out like PyTorch's {@code nn.Linear}: shape
 * [out, in], so fan_in = cols and fan_out = rows. The same generator state gives the same weights
 * on every JDK (uniforms come from {@link SplittableRandom#nextDouble()}, normals from
 * {@link Tensor#gaussian}).
 */
public final class Init {
    private Init() {}

    public static int fanIn(Tensor w) {
        return w.cols();
    }

    public static int fanOut(Tensor w) {
        return w.rows();
    }

    /** Glorot/Xavier uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform(Tensor w, SplittableRandom rng) {
        return xavierUniform(w, rng, 1.0);
    }

    /** Glorot/Xavier uniform with a gain: a = gain * sqrt(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform(Tensor w, SplittableRandom rng, double gain) {
        return w.fillUniform(rng, gain * Math.sqrt(6.0 / fans(w)));
    }

    /** Glorot/Xavier normal: N(0, s^2), s = sqrt(2 / (fan_in + fan_out)). */
    public static Tensor xavierNormal(Tensor w, SplittableRandom rng) {
        return xavierNormal(w, rng, 1.0);
    }

    public static Tensor xavierNormal(Tensor w, SplittableRandom rng, double gain) {
        return w.fillNormal(rng, gain * Math.sqrt(2.0 / fans(w)));
    }

    /** Kaiming/He uniform for ReLU (gain sqrt 2): U(-a, a), a = sqrt(6 / fan_in). */
    public static Tensor kaimingUniform(Tensor w, SplittableRandom rng) {
        return kaimingUniform(w, rng, Math.sqrt(2.0));
    }

    /** Kaiming/He uniform with a gain: a = gain * sqrt(3 / fan_in). */
    public static Tensor kaimingUniform(Tensor w, SplittableRandom rng, double gain) {
        return w.fillUniform(rng, gain * Math.sqrt(3.0 / fanInChecked(w)));
    }

    /** Kaiming/He normal for ReLU: N(0, s^2), s = sqrt(2 / fan_in). */
    public static Tensor kaimingNormal(Tensor w, SplittableRandom rng) {
        return kaimingNormal(w, rng, Math.sqrt(2.0));
    }

    /** Kaiming/He normal with a gain: s = gain / sqrt(fan_in). */
    public static Tensor kaimingNormal(Tensor w, SplittableRandom rng, double gain) {
        return w.fillNormal(rng, gain / Math.sqrt(fanInChecked(w)));
    }

    /** N(0, std^2). */
    public static Tensor normal(Tensor w, SplittableRandom rng, double std) {
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new PcnException("init std must be finite and >= 0, got " + std);
        }
        return w.fillNormal(rng, std);
    }

    /** U(-limit, limit). */
    public static Tensor uniform(Tensor w, SplittableRandom rng, double limit) {
        if (!(limit >= 0) || Double.isInfinite(limit)) {
            throw new PcnException("init limit must be finite and >= 0, got " + limit);
        }
        return w.fillUniform(rng, limit);
    }

    public static Tensor zeros(Tensor w) {
        w.fill(0f);
        return w;
    }

    /**
     * Applies an initializer by name, as written in configs and flags: {@code xavier_uniform}
     * (alias {@code glorot_uniform}), {@code xavier_normal} ({@code glorot_normal}),
     * {@code kaiming_uniform} ({@code he_uniform}), {@code kaiming_normal} ({@code he_normal}),
     * {@code zeros}, {@code normal:STD} and {@code uniform:LIMIT}.
     */
    public static Tensor apply(String scheme, Tensor w, SplittableRandom rng) {
        String s = scheme.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        String arg = null;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            arg = s.substring(colon + 1).trim();
            s = s.substring(0, colon).trim();
        }
        switch (s) {
            case "xavier_uniform":
            case "glorot_uniform":
                return xavierUniform(w, rng);
            case "xavier_normal":
            case "glorot_normal":
                return xavierNormal(w, rng);
            case "kaiming_uniform":
            case "he_uniform":
                return kaimingUniform(w, rng);
            case "kaiming_normal":
            case "he_normal":
                return kaimingNormal(w, rng);
            case "zeros":
            case "zero":
                return zeros(w);
            case "normal":
                return normal(w, rng, number(scheme, arg));
            case "uniform":
                return uniform(w, rng, number(scheme, arg));
            default:
                throw new PcnException("unknown initializer '" + scheme + "' (expected one of xavier_uniform, xavier_normal,"
                        + " kaiming_uniform, kaiming_normal, zeros, normal:STD, uniform:LIMIT)");
        }
    }

    private static double number(String scheme, String arg) {
        if (arg == null || arg.isEmpty()) {
            throw new PcnException("initializer '" + scheme + "' needs a value, e.g. normal:0.05");
        }
        try {
            return Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new PcnException("bad number in initializer '" + scheme + "'");
        }
    }

    private static double fans(Tensor w) {
        int sum = w.rows() + w.cols();
        if (sum == 0) {
            throw new PcnException("cannot initialize an empty weight " + w.shape());
        }
        return sum;
    }

    private static int fanInChecked(Tensor w) {
        if (w.cols() == 0) {
            throw new PcnException("cannot initialize a weight with fan_in 0 " + w.shape());
        }
        return w.cols();
    }
}
