package org.pcn4j.control;

/**
 * A feedback controller that reads noisy position and velocity sensors once per time step. Active
 * inference controllers also keep a belief about the position; a PID reports the raw sensor.
 */
public interface Controller {
    /** Reads the sensors, updates the internal state and returns the action to apply now. */
    double[] act(double[] yq, double[] yqdot, double dt);

    /** The current belief about the positions (after the last {@link #act}). */
    double[] belief();

    /** The goal positions. */
    double[] goal();

    String name();

    /** Clips every entry of v to [-limit, limit] in place (no-op for an infinite limit) and returns v. */
    static double[] clip(double[] v, double limit) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(-limit, Math.min(limit, v[i]));
        }
        return v;
    }
}
