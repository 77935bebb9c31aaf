package org.pcn4j.data;

import java.util.Arrays;

/**
 * The map from raw feature values to model inputs: {@code x[j] = raw[j] * scale(j) + offset(j)}.
 * Uniform when every feature has the same scale and offset (pixels scaled to [0, 1]: scale 1/255,
 * offset 0); per feature after standardization. Save it with a model so that raw inputs at
 * prediction time are mapped the same way, and use {@link #invert} to show model outputs as raw
 * values. Immutable.
 */
public final class InputAffine {
    private final float[] scale;
    private final float[] offset;
    private final boolean uniform;

    private InputAffine(float[] scale, float[] offset) {
        if (scale.length != offset.length || scale.length == 0) {
            throw new IllegalArgumentException("scale/offset lengths " + scale.length + "/" + offset.length);
        }
        this.scale = scale;
        this.offset = offset;
        boolean u = true;
        for (int j = 1; j < scale.length && u; j++) {
            u = scale[j] == scale[0] && offset[j] == offset[0];
        }
        this.uniform = u;
    }

    /** Per-feature scale and offset (copied). */
    public static InputAffine of(float[] scale, float[] offset) {
        return new InputAffine(scale.clone(), offset.clone());
    }

    public static InputAffine uniform(int features, float scale, float offset) {
        float[] s = new float[features];
        float[] o = new float[features];
        Arrays.fill(s, scale);
        Arrays.fill(o, offset);
        return new InputAffine(s, o);
    }

    public static InputAffine identity(int features) {
        return uniform(features, 1f, 0f);
    }

    /** The affine for {@code n}, with statistics from {@code train} only. */
    public static InputAffine compute(Normalization n, Dataset train) {
        int d = train.features();
        switch (n) {
            case NONE:
                return identity(d);
            case SCALE01:
                if (train.fixedRange()) {
                    float span = train.rawMax() - train.rawMin();
                    return span > 0 ? uniform(d, 1f / span, (0f - train.rawMin()) / span) : identity(d);
                }
                return minMax(train);
            case SYMMETRIC: {
                // [0, 1] then x -> 2x - 1.
                InputAffine a = compute(Normalization.SCALE01, train);
                float[] sc = new float[d];
                float[] of = new float[d];
                for (int j = 0; j < d; j++) {
                    sc[j] = 2 * a.scale[j];
                    of[j] = 2 * a.offset[j] - 1;
                }
                return new InputAffine(sc, of);
            }
            case STANDARDIZE:
                return standardize(train);
            case STANDARDIZE_CHANNELS:
                return standardizeChannels(train);
            default:
                throw new AssertionError(n);
        }
    }

    private static InputAffine minMax(Dataset train) {
        int d = train.features();
        float[] min = new float[d];
        float[] max = new float[d];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        float[] row = new float[d];
        for (int i = 0; i < train.size(); i++) {
            train.features(i, row, 0);
            for (int j = 0; j < d; j++) {
                min[j] = Math.min(min[j], row[j]);
                max[j] = Math.max(max[j], row[j]);
            }
        }
        float[] s = new float[d];
        float[] o = new float[d];
        for (int j = 0; j < d; j++) {
            float span = max[j] - min[j];
            if (train.size() == 0) {
                s[j] = 1f;
            } else if (span > 0) {
                s[j] = 1f / span;
                o[j] = (0f - min[j]) / span;
            } else {
                s[j] = 1f;
                o[j] = 0f - min[j];
            }
        }
        return new InputAffine(s, o);
    }

    private static InputAffine standardize(Dataset train) {
        int d = train.features();
        int n = train.size();
        double[] mean = new double[d];
        double[] m2 = new double[d];
        float[] row = new float[d];
        // Welford's update: stable for large n and large offsets.
        for (int i = 0; i < n; i++) {
            train.features(i, row, 0);
            for (int j = 0; j < d; j++) {
                double delta = row[j] - mean[j];
                mean[j] += delta / (i + 1);
                m2[j] += delta * (row[j] - mean[j]);
            }
        }
        float[] s = new float[d];
        float[] o = new float[d];
        for (int j = 0; j < d; j++) {
            double std = n > 0 ? Math.sqrt(m2[j] / n) : 0;
            double sc = std > 1e-12 * Math.max(1.0, Math.abs(mean[j])) ? 1.0 / std : 1.0;
            s[j] = (float) sc;
            o[j] = (float) (0.0 - mean[j] * sc); // never -0.0
        }
        return new InputAffine(s, o);
    }

    /**
     * One mean and standard deviation per channel (the first axis of a [C, H, W] shape; any other
     * shape is one channel), over every value of that channel in every training sample, expanded
     * to per-feature scale and offset. Sums in double: 50,000 CIFAR images are 5e7 values a channel.
     */
    private static InputAffine standardizeChannels(Dataset train) {
        int[] shape = train.shape();
        int d = train.features();
        int channels = shape.length == 3 ? shape[0] : 1;
        int plane = d / channels;
        double[] sum = new double[channels];
        double[] sq = new double[channels];
        double[] shift = new double[channels];
        float[] row = new float[d];
        // Shifted sums (by the first sample's channel means) keep the variance exact enough in double.
        for (int i = 0; i < train.size(); i++) {
            train.features(i, row, 0);
            for (int c = 0; c < channels; c++) {
                if (i == 0) {
                    double m = 0;
                    for (int j = 0; j < plane; j++) {
                        m += row[c * plane + j];
                    }
                    shift[c] = m / plane;
                }
                double s = 0;
                double q = 0;
                for (int j = c * plane; j < (c + 1) * plane; j++) {
                    double v = row[j] - shift[c];
                    s += v;
                    q += v * v;
                }
                sum[c] += s;
                sq[c] += q;
            }
        }
        float[] s = new float[d];
        float[] o = new float[d];
        double count = (double) train.size() * plane;
        for (int c = 0; c < channels; c++) {
            double mean = count > 0 ? sum[c] / count : 0;
            double var = count > 0 ? Math.max(0, sq[c] / count - mean * mean) : 0;
            mean += shift[c];
            double std = Math.sqrt(var);
            double sc = std > 1e-12 * Math.max(1.0, Math.abs(mean)) ? 1.0 / std : 1.0;
            for (int j = c * plane; j < (c + 1) * plane; j++) {
                s[j] = (float) sc;
                o[j] = (float) (0.0 - mean * sc);
            }
        }
        return new InputAffine(s, o);
    }

    public int features() {
        return scale.length;
    }

    /** True if all features share one scale and one offset. */
    public boolean isUniform() {
        return uniform;
    }

    public float scale(int j) {
        return scale[j];
    }

    public float offset(int j) {
        return offset[j];
    }

    /** Per-feature scales (a copy). */
    public float[] scales() {
        return scale.clone();
    }

    /** Per-feature offsets (a copy). */
    public float[] offsets() {
        return offset.clone();
    }

    float[] scaleArray() {
        return scale;
    }

    float[] offsetArray() {
        return offset;
    }

    /**
     * The shared {scale, offset} pair.
     *
     * @throws IllegalStateException if the affine is per feature ({@link #isUniform()} is false)
     */
    public float[] scalar() {
        if (!uniform) {
            throw new IllegalStateException("per-feature affine has no single scale and offset");
        }
        return new float[] {scale[0], offset[0]};
    }

    public float apply(int j, float raw) {
        return raw * scale[j] + offset[j];
    }

    /** The raw value that maps to {@code x} (the offset alone if the scale is 0). */
    public float invert(int j, float x) {
        return scale[j] == 0 ? offset[j] : (x - offset[j]) / scale[j];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputAffine && Arrays.equals(scale, ((InputAffine) o).scale)
                && Arrays.equals(offset, ((InputAffine) o).offset);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(scale) + Arrays.hashCode(offset);
    }

    @Override
    public String toString() {
        return uniform ? "x*" + scale[0] + "+" + offset[0] : "per-feature affine[" + scale.length + "]";
    }
}
