package org.pcn4j.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.pcn4j.kernel.Kernels;

/**
 * A dense float32 matrix, row-major, batch first: a batch of B vectors of width D is a B x D tensor.
 * Deliberately small: shape plus one array. Heavy math goes through {@link Kernels}.
 */
public final class Tensor {
    private final int rows;
    private final int cols;
    private final float[] data;

    public Tensor(int rows, int cols) {
        this(rows, cols, new float[checkedSize(rows, cols)]);
    }

    public Tensor(int rows, int cols, float[] data) {
        if (data.length != checkedSize(rows, cols)) {
            throw new IllegalArgumentException("data length " + data.length + " != " + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    private static int checkedSize(int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        return Math.multiplyExact(rows, cols);
    }

    public static Tensor zeros(int rows, int cols) {
        return new Tensor(rows, cols);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int size() {
        return data.length;
    }

    /** The backing array: mutations are visible. */
    public float[] data() {
        return data;
    }

    public float get(int r, int c) {
        return data[r * cols + c];
    }

    public void set(int r, int c, float v) {
        data[r * cols + c] = v;
    }

    public Tensor copy() {
        return new Tensor(rows, cols, data.clone());
    }

    public void copyFrom(Tensor src) {
        checkSameShape(src);
        System.arraycopy(src.data, 0, data, 0, data.length);
    }

    public void fill(float v) {
        Arrays.fill(data, v);
    }

    public boolean sameShape(Tensor o) {
        return rows == o.rows && cols == o.cols;
    }

    public void checkSameShape(Tensor o) {
        if (!sameShape(o)) {
            throw new IllegalArgumentException("shape mismatch: " + shape() + " vs " + o.shape());
        }
    }

    public String shape() {
        return "[" + rows + ", " + cols + "]";
    }

    /** Fills with N(0, std^2) from the given generator. */
    public Tensor fillNormal(SplittableRandom rng, double std) {
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (gaussian(rng) * std);
        }
        return this;
    }

    /** Fills with U(-limit, limit). */
    public Tensor fillUniform(SplittableRandom rng, double limit) {
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
        return this;
    }

    /** Standard normal by Box-Muller; deterministic for a given generator state on every JDK. */
    public static double gaussian(SplittableRandom rng) {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        if (u1 < 1e-300) {
            u1 = 1e-300;
        }
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /**
     * c = alpha * op(a) * op(b) + beta * c on the current backend.
     * With {@code ta}, op(a) = a^T; with {@code tb}, op(b) = b^T.
     */
    public static void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c, float alpha, float beta) {
        int m = ta ? a.cols : a.rows;
        int k = ta ? a.rows : a.cols;
        int kb = tb ? b.cols : b.rows;
        int n = tb ? b.rows : b.cols;
        if (k != kb || c.rows != m || c.cols != n) {
            throw new IllegalArgumentException("matmul shapes: op(a)=" + m + "x" + k + " op(b)=" + kb + "x" + n
                    + " c=" + c.shape());
        }
        Kernels.get().sgemm(ta, tb, m, n, k, alpha, a.data, 0, a.cols, b.data, 0, b.cols, beta, c.data, 0, c.cols);
    }

    @Override
    public String toString() {
        return "Tensor" + shape();
    }
}
