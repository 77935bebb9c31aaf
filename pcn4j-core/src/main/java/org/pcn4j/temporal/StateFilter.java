package org.pcn4j.temporal;

import org.pcn4j.PcnException;

/**
 * A recursive state estimator: one call per time step with the input u_k and the observation y_k,
 * returning xhat_k. It also records its one-step observation forecasts (made before y_k is seen)
 * so that models identified only up to a similarity transform can be compared.
 */
public interface StateFilter {
    double[] step(double[] u, double[] y);

    /** The forecast of y_k made from xhat_{k-1} and u_k by the last {@link #step} call. */
    double[] lastForecast();

    /** Runs the filter over a sequence: row k of the result is xhat_{k+1}. */
    default double[][] run(double[][] u, double[][] y) {
        if (u.length != y.length) {
            throw new PcnException("inputs have " + u.length + " rows but observations have " + y.length);
        }
        double[][] est = new double[y.length][];
        for (int k = 0; k < y.length; k++) {
            est[k] = step(u[k], y[k]);
            for (double v : est[k]) {
                if (!Double.isFinite(v)) {
                    throw new PcnException("the filter diverged at step " + (k + 1)
                            + " (non-finite estimate); try a smaller --state-lr or --lr");
                }
            }
        }
        return est;
    }
}
