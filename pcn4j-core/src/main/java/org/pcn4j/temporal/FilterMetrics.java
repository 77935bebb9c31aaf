package org.pcn4j.temporal;

import org.pcn4j.PcnException;

/** Error measures over a sequence: per-entry means of squared differences. */
public final class FilterMetrics {
    private FilterMetrics() {}

    /** Mean over steps and components of {@code (a - b)^2}; both must have the same shape. */
    public static double mse(double[][] a, double[][] b) {
        if (a.length != b.length) {
            throw new PcnException("estimates have " + a.length + " rows but the truth has " + b.length);
        }
        double s = 0;
        long count = 0;
        for (int k = 0; k < a.length; k++) {
            if (a[k].length != b[k].length) {
                throw new PcnException("row " + (k + 1) + ": estimate has " + a[k].length + " columns but the truth has "
                        + b[k].length);
            }
            for (int i = 0; i < a[k].length; i++) {
                double d = a[k][i] - b[k][i];
                s += d * d;
                count++;
            }
        }
        return count == 0 ? 0 : s / count;
    }

    /** The per-component MSE from row {@code from} on (skipping a transient). */
    public static double mse(double[][] a, double[][] b, int from) {
        return mse(java.util.Arrays.copyOfRange(a, from, a.length), java.util.Arrays.copyOfRange(b, from, b.length));
    }

    /**
     * Runs {@code filter} over the sequence and returns the mean squared one-step observation
     * forecast error (forecast of y_k from xhat_{k-1} and u_k), from row {@code from} on.
     */
    public static double forecastMse(StateFilter filter, double[][] u, double[][] y, int from) {
        double s = 0;
        long count = 0;
        for (int k = 0; k < y.length; k++) {
            double[] est = filter.step(u[k], y[k]);
            double[] f = filter.lastForecast();
            if (!Double.isFinite(est[0])) {
                throw new PcnException("the filter diverged at step " + (k + 1));
            }
            if (k >= from) {
                for (int i = 0; i < f.length; i++) {
                    double d = y[k][i] - f[i];
                    s += d * d;
                    count++;
                }
            }
        }
        return count == 0 ? 0 : s / count;
    }
}
