package org.pcn4j.temporal;

import java.util.Random;
import org.pcn4j.PcnException;

/**
 * Small dense double-precision matrix helpers on {@code double[rows][cols]} arrays. The filters work
 * on states of a handful of dimensions, so clarity beats blocking: every routine is the textbook loop.
 * Nothing here mutates its arguments.
 */
public final class Mat {
    private Mat() {}

    public static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    public static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    public static int cols(double[][] a) {
        return a.length == 0 ? 0 : a[0].length;
    }

    public static double[][] mul(double[][] a, double[][] b) {
        int n = a.length;
        int k = cols(a);
        int m = cols(b);
        if (b.length != k) {
            throw new IllegalArgumentException("mul: " + n + "x" + k + " times " + b.length + "x" + m);
        }
        double[][] c = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < k; l++) {
                double v = a[i][l];
                for (int j = 0; j < m; j++) {
                    c[i][j] += v * b[l][j];
                }
            }
        }
        return c;
    }

    public static double[] mul(double[][] a, double[] x) {
        if (cols(a) != x.length && a.length > 0) {
            throw new IllegalArgumentException("mul: " + a.length + "x" + cols(a) + " times vector of " + x.length);
        }
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += a[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    /** {@code a^T x}. */
    public static double[] mulT(double[][] a, double[] x) {
        int m = cols(a);
        double[] y = new double[m];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < m; j++) {
                y[j] += a[i][j] * x[i];
            }
        }
        return y;
    }

    public static double[][] t(double[][] a) {
        int n = a.length;
        int m = cols(a);
        double[][] c = new double[m][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                c[j][i] = a[i][j];
            }
        }
        return c;
    }

    public static double[][] add(double[][] a, double[][] b) {
        double[][] c = copy(a);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < c[i].length; j++) {
                c[i][j] += b[i][j];
            }
        }
        return c;
    }

    public static double[][] sub(double[][] a, double[][] b) {
        double[][] c = copy(a);
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < c[i].length; j++) {
                c[i][j] -= b[i][j];
            }
        }
        return c;
    }

    public static double[] add(double[] a, double[] b) {
        double[] c = a.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += b[i];
        }
        return c;
    }

    public static double[] sub(double[] a, double[] b) {
        double[] c = a.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] -= b[i];
        }
        return c;
    }

    /** {@code a M b^T} for matrices: the sandwich {@code A S A^T} used by every covariance update. */
    public static double[][] sandwich(double[][] a, double[][] s) {
        return mul(mul(a, s), t(a));
    }

    public static double trace(double[][] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i][i];
        }
        return s;
    }

    public static double maxAbs(double[][] a) {
        double m = 0;
        for (double[] r : a) {
            for (double v : r) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    /** Symmetrizes (a + a^T)/2 so covariance recursions stay symmetric under rounding. */
    public static double[][] sym(double[][] a) {
        double[][] c = new double[a.length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                c[i][j] = 0.5 * (a[i][j] + a[j][i]);
            }
        }
        return c;
    }

    /**
     * The inverse by Gauss-Jordan elimination with partial pivoting. {@code what} names the matrix in
     * the error: a pivot below 1e-12 times the largest entry means singular for our purposes.
     */
    public static double[][] inverse(double[][] a, String what) {
        int n = a.length;
        if (cols(a) != n) {
            throw new PcnException(what + " must be square, got " + n + "x" + cols(a));
        }
        double scale = maxAbs(a);
        if (n == 0) {
            return new double[0][0];
        }
        if (scale == 0 || !Double.isFinite(scale)) {
            throw new PcnException(what + " is singular");
        }
        double[][] m = copy(a);
        double[][] inv = identity(n);
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            if (Math.abs(m[p][c]) <= 1e-12 * scale) {
                throw new PcnException(what + " is singular");
            }
            double[] tmp = m[p];
            m[p] = m[c];
            m[c] = tmp;
            tmp = inv[p];
            inv[p] = inv[c];
            inv[c] = tmp;
            double d = m[c][c];
            for (int j = 0; j < n; j++) {
                m[c][j] /= d;
                inv[c][j] /= d;
            }
            for (int r = 0; r < n; r++) {
                if (r != c && m[r][c] != 0) {
                    double f = m[r][c];
                    for (int j = 0; j < n; j++) {
                        m[r][j] -= f * m[c][j];
                        inv[r][j] -= f * inv[c][j];
                    }
                }
            }
        }
        return inv;
    }

    /** Lower Cholesky factor L with L L^T = a; {@code what} names a matrix that is not positive definite. */
    public static double[][] cholesky(double[][] a, String what) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 0)) {
                        throw new PcnException(what + " is not positive definite");
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        return l;
    }

    /** A sample of N(0, L L^T) given the Cholesky factor L. */
    public static double[] gaussian(double[][] chol, Random rng) {
        double[] z = new double[chol.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = rng.nextGaussian();
        }
        return mul(chol, z);
    }

    /** An n x m matrix with i.i.d. N(0, sd^2) entries. */
    public static double[][] randn(int n, int m, double sd, Random rng) {
        double[][] a = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                a[i][j] = sd * rng.nextGaussian();
            }
        }
        return a;
    }
}
