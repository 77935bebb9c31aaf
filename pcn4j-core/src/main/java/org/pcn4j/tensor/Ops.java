package org.pcn4j.tensor;

/**
 * Element-wise arithmetic and reductions on tensors and float arrays. Plain loops: C2
 * auto-vectorizes the element-wise ones. Reductions accumulate in double, in index order, so they
 * are deterministic. Tensor versions check shapes; output tensors may alias inputs.
 */
public final class Ops {
    private Ops() {}

    // ---- element-wise, tensors ----

    /** out = a + b. */
    public static Tensor add(Tensor a, Tensor b, Tensor out) {
        check(a, b, out);
        add(a.data(), b.data(), out.data(), out.size());
        return out;
    }

    /** out = a - b. */
    public static Tensor sub(Tensor a, Tensor b, Tensor out) {
        check(a, b, out);
        sub(a.data(), b.data(), out.data(), out.size());
        return out;
    }

    /** out = a * b (element-wise). */
    public static Tensor mul(Tensor a, Tensor b, Tensor out) {
        check(a, b, out);
        mul(a.data(), b.data(), out.data(), out.size());
        return out;
    }

    /** y += alpha * x. */
    public static Tensor axpy(float alpha, Tensor x, Tensor y) {
        x.checkSameShape(y);
        axpy(alpha, x.data(), 0, y.data(), 0, y.size());
        return y;
    }

    /** x *= s, in place. */
    public static Tensor scale(Tensor x, float s) {
        scale(x.data(), 0, x.size(), s);
        return x;
    }

    /** Adds a row vector (1 x cols) to every row of x, in place: a bias add. */
    public static Tensor addRow(Tensor x, Tensor row) {
        if (row.rows() != 1 || row.cols() != x.cols()) {
            throw new IllegalArgumentException("addRow: row " + row.shape() + " does not fit " + x.shape());
        }
        float[] d = x.data();
        float[] r = row.data();
        int cols = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                d[o + j] += r[j];
            }
        }
        return x;
    }

    // ---- element-wise, arrays ----

    public static void add(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] + b[i];
        }
    }

    public static void sub(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] - b[i];
        }
    }

    public static void mul(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = a[i] * b[i];
        }
    }

    /** y[yOff + i] += alpha * x[xOff + i] for i in [0, n). */
    public static void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    public static void scale(float[] x, int off, int n, float s) {
        for (int i = 0; i < n; i++) {
            x[off + i] *= s;
        }
    }

    // ---- reductions ----

    public static double sum(Tensor x) {
        return sum(x.data(), 0, x.size());
    }

    /** Mean of all elements; NaN for an empty tensor. */
    public static double mean(Tensor x) {
        return x.size() == 0 ? Double.NaN : sum(x) / x.size();
    }

    public static double sumSquares(Tensor x) {
        return sumSquares(x.data(), 0, x.size());
    }

    /** max |x|, 0 for an empty tensor; NaN if any element is NaN. */
    public static float maxAbs(Tensor x) {
        return maxAbs(x.data(), 0, x.size());
    }

    /** Index of the largest element of each row (the first one on ties; NaN is never chosen unless the row is all NaN). */
    public static int[] argmaxRows(Tensor x) {
        return argmaxRows(x.data(), x.rows(), x.cols());
    }

    /** {@link #argmaxRows(Tensor)} of the first rows x cols entries of a row-major array. */
    public static int[] argmaxRows(float[] d, int rows, int cols) {
        int[] out = new int[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = argmax(d, i * cols, cols);
        }
        return out;
    }

    /** Per-row sums as a rows x 1 tensor (double accumulation). */
    public static Tensor sumRows(Tensor x) {
        Tensor out = new Tensor(x.rows(), 1);
        for (int i = 0; i < x.rows(); i++) {
            out.data()[i] = (float) sum(x.data(), i * x.cols(), x.cols());
        }
        return out;
    }

    /** Per-column sums as a 1 x cols tensor (double accumulation): the bias gradient of a batch. */
    public static Tensor sumCols(Tensor x) {
        int cols = x.cols();
        double[] acc = new double[cols];
        float[] d = x.data();
        for (int i = 0; i < x.rows(); i++) {
            int o = i * cols;
            for (int j = 0; j < cols; j++) {
                acc[j] += d[o + j];
            }
        }
        Tensor out = new Tensor(1, cols);
        for (int j = 0; j < cols; j++) {
            out.data()[j] = (float) acc[j];
        }
        return out;
    }

    public static double sum(float[] x, int off, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += x[off + i];
            s1 += x[off + i + 1];
            s2 += x[off + i + 2];
            s3 += x[off + i + 3];
        }
        for (; i < n; i++) {
            s0 += x[off + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    public static double sumSquares(float[] x, int off, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            double a = x[off + i], b = x[off + i + 1], c = x[off + i + 2], d = x[off + i + 3];
            s0 += a * a;
            s1 += b * b;
            s2 += c * c;
            s3 += d * d;
        }
        for (; i < n; i++) {
            double a = x[off + i];
            s0 += a * a;
        }
        return (s0 + s1) + (s2 + s3);
    }

    public static float maxAbs(float[] x, int off, int n) {
        float m = 0f;
        for (int i = 0; i < n; i++) {
            float v = Math.abs(x[off + i]);
            if (v > m || v != v) {
                m = v;
                if (v != v) {
                    return v;
                }
            }
        }
        return m;
    }

    /** Index (relative to off) of the first largest element; -1 if n == 0. */
    public static int argmax(float[] x, int off, int n) {
        int best = -1;
        float bv = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            float v = x[off + j];
            if (best < 0 || v > bv || (Float.isNaN(bv) && !Float.isNaN(v))) {
                best = j;
                bv = v;
            }
        }
        return best;
    }

    private static void check(Tensor a, Tensor b, Tensor out) {
        a.checkSameShape(b);
        a.checkSameShape(out);
    }
}
