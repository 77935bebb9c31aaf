package org.pcn4j.control;

/**
 * Step-response figures per joint, relative to the step from q0 to the goal:
 * settling time (2 %): the first time after which |q - goal| stays within 2 % of |goal - q0|
 * (NaN if it never does); overshoot: the largest excursion past the goal in the step's
 * direction, in % of |goal - q0|; steady-state error: mean |q - goal| over the last second (or
 * the last 10 % of a shorter run); belief RMSE: sqrt(mean (belief - q)^2) over the run.
 */
public record ControlMetrics(double[] settlingTime, double[] overshootPercent, double[] steadyStateError,
        double[] beliefRmse) {

    public static ControlMetrics of(ControlSimulation.Trajectory tr) {
        int n = tr.goal().length;
        int steps = tr.t().length;
        double dt = steps > 1 ? tr.t()[1] - tr.t()[0] : 1;
        double[] settle = new double[n];
        double[] over = new double[n];
        double[] sse = new double[n];
        double[] rmse = new double[n];
        int tail = (int) Math.max(1, Math.min(Math.round(1.0 / dt), steps / 10));
        for (int i = 0; i < n; i++) {
            double g = tr.goal()[i];
            double step = g - tr.q0()[i];
            double band = 0.02 * Math.abs(step);
            double sign = Math.signum(step);
            int lastOut = -1;
            double maxPast = 0;
            double sq = 0;
            for (int k = 0; k < steps; k++) {
                double e = tr.q()[k][i] - g;
                if (Math.abs(e) > band) {
                    lastOut = k;
                }
                maxPast = Math.max(maxPast, sign * e);
                double b = tr.belief()[k][i] - tr.q()[k][i];
                sq += b * b;
            }
            settle[i] = lastOut == steps - 1 ? Double.NaN : (lastOut + 1) * dt;
            over[i] = step == 0 ? 0 : 100 * maxPast / Math.abs(step);
            double s = 0;
            for (int k = steps - tail; k < steps; k++) {
                s += Math.abs(tr.q()[k][i] - g);
            }
            sse[i] = s / tail;
            rmse[i] = Math.sqrt(sq / steps);
        }
        return new ControlMetrics(settle, over, sse, rmse);
    }
}
