package org.pcn4j.data;

import java.util.Arrays;
import org.pcn4j.PcnException;

/**
 * One split of a labelled dataset (train, validation or test): {@link #size()} samples of
 * {@link #features()} raw values each, with integer class labels in [0, {@link #classes()}).
 *
 * <p>Memory: samples stay in their source type, bytes for uint8 images (MNIST family: 47 MB for
 * Fashion-MNIST's training split) and floats for CSV; {@link Batches} converts one batch at a time.
 * A split may be a view of a subset of another split's rows ({@link #subset(int[])}); views share
 * storage. Immutable.
 */
public final class Dataset {
    private final String name;
    private final int[] shape;
    private final int features;
    private final int classes;
    private final byte[] u8;
    private final float[] f32;
    private final int[] labels;
    /** Storage rows of this view, or null for all rows in storage order. */
    private final int[] rows;
    private final int size;
    private final float rawMin;
    private final float rawMax;
    private final boolean fixedRange;

    private Dataset(String name, int[] shape, int classes, byte[] u8, float[] f32, int[] labels, int[] rows,
            float rawMin, float rawMax, boolean fixedRange) {
        this.name = name;
        this.shape = shape;
        this.features = product(shape);
        this.classes = classes;
        this.u8 = u8;
        this.f32 = f32;
        this.labels = labels;
        this.rows = rows;
        this.size = rows == null ? labels.length : rows.length;
        this.rawMin = rawMin;
        this.rawMax = rawMax;
        this.fixedRange = fixedRange;
    }

    /**
     * Samples stored as unsigned bytes, row-major ({@code labels.length} rows of product(shape)
     * bytes). Raw values are 0..255 unless {@code rawMax} says the format stops lower. The arrays
     * are taken over, not copied.
     */
    public static Dataset ofBytes(String name, int[] shape, byte[] pixels, int[] labels, int classes, int rawMax) {
        checkShape(name, shape, pixels.length, labels, classes);
        if (rawMax < 1 || rawMax > 255) {
            throw new IllegalArgumentException("rawMax " + rawMax);
        }
        return new Dataset(name, shape.clone(), classes, pixels, null, labels, null, 0f, rawMax, true);
    }

    /**
     * Samples stored as floats, row-major. {@code fixedRange} says that [rawMin, rawMax] is the
     * format's declared range (images) rather than the observed one (CSV data). The arrays are
     * taken over, not copied.
     */
    public static Dataset ofFloats(String name, int[] shape, float[] values, int[] labels, int classes,
            float rawMin, float rawMax, boolean fixedRange) {
        checkShape(name, shape, values.length, labels, classes);
        return new Dataset(name, shape.clone(), classes, null, values, labels, null, rawMin, rawMax, fixedRange);
    }

    /** Float samples whose raw range is the observed minimum and maximum. */
    public static Dataset ofFloats(String name, int[] shape, float[] values, int[] labels, int classes) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (values.length == 0) {
            min = 0;
            max = 0;
        }
        return ofFloats(name, shape, values, labels, classes, min, max, false);
    }

    private static void checkShape(String name, int[] shape, int length, int[] labels, int classes) {
        int f = product(shape);
        if (f <= 0 || (long) f * labels.length != length) {
            throw new IllegalArgumentException(name + ": " + length + " values do not hold " + labels.length
                    + " samples of shape " + Arrays.toString(shape));
        }
        if (classes < 1) {
            throw new IllegalArgumentException(name + ": classes " + classes);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new PcnException(name + ": label " + labels[i] + " of sample " + i + " is outside 0.."
                        + (classes - 1));
            }
        }
    }

    private static int product(int[] shape) {
        int p = 1;
        for (int s : shape) {
            if (s <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape));
            }
            p = Math.multiplyExact(p, s);
        }
        return p;
    }

    /** For messages: e.g. "mnist/train". */
    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    /** Values per sample: the product of {@link #shape()}. */
    public int features() {
        return features;
    }

    /** Sample shape: [rows, cols] for images ([28, 28], [8, 8]), [d] for CSV data. A copy. */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The sample as an image [C, H, W]: the shape itself when it has three axes, [1, H, W] for
     * [H, W] (the MNIST family), null for flat samples (CSV).
     */
    public int[] imageShape() {
        if (shape.length == 3) {
            return shape.clone();
        }
        return shape.length == 2 ? new int[] {1, shape[0], shape[1]} : null;
    }

    public int classes() {
        return classes;
    }

    public int label(int i) {
        return labels[row(i)];
    }

    /** True if samples are stored as unsigned bytes. */
    public boolean isUint8() {
        return u8 != null;
    }

    /** Smallest raw value: the format's (0 for images) or, for CSV data, the observed one. */
    public float rawMin() {
        return rawMin;
    }

    /** Largest raw value: the format's (255 for IDX, 16 for digits) or, for CSV data, the observed one. */
    public float rawMax() {
        return rawMax;
    }

    /** True if [rawMin, rawMax] is the format's declared range rather than an observation. */
    public boolean fixedRange() {
        return fixedRange;
    }

    /** Writes sample {@code i}'s raw values to {@code dst[off .. off + features())}. */
    public void features(int i, float[] dst, int off) {
        int base = row(i) * features;
        if (u8 != null) {
            for (int j = 0; j < features; j++) {
                dst[off + j] = u8[base + j] & 0xFF;
            }
        } else {
            System.arraycopy(f32, base, dst, off, features);
        }
    }

    /** Writes sample {@code i}'s values mapped by {@code a} to {@code dst[off .. off + features())}. */
    void normalized(int i, InputAffine a, float[] dst, int off) {
        int base = row(i) * features;
        if (a.isUniform()) {
            float s = a.scale(0);
            float o = a.offset(0);
            if (u8 != null) {
                for (int j = 0; j < features; j++) {
                    dst[off + j] = (u8[base + j] & 0xFF) * s + o;
                }
            } else {
                for (int j = 0; j < features; j++) {
                    dst[off + j] = f32[base + j] * s + o;
                }
            }
        } else {
            float[] s = a.scaleArray();
            float[] o = a.offsetArray();
            if (u8 != null) {
                for (int j = 0; j < features; j++) {
                    dst[off + j] = (u8[base + j] & 0xFF) * s[j] + o[j];
                }
            } else {
                for (int j = 0; j < features; j++) {
                    dst[off + j] = f32[base + j] * s[j] + o[j];
                }
            }
        }
    }

    /** How many samples of each class: an array of length {@link #classes()}. */
    public int[] labelCounts() {
        int[] counts = new int[classes];
        for (int i = 0; i < size; i++) {
            counts[label(i)]++;
        }
        return counts;
    }

    /** A view of the samples at the given indices of this split, in that order. Shares storage. */
    public Dataset subset(String name, int[] indices) {
        int[] r = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("index " + i + " of " + size);
            }
            r[k] = row(i);
        }
        return new Dataset(name, shape, classes, u8, f32, labels, r, rawMin, rawMax, fixedRange);
    }

    /** A view of samples [from, to) of this split. Shares storage. */
    public Dataset range(String name, int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + size);
        }
        int[] idx = new int[to - from];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = from + k;
        }
        return subset(name, idx);
    }

    private int row(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("sample " + i + " of " + size);
        }
        return rows == null ? i : rows[i];
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + " x " + size;
    }
}
