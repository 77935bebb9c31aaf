package org.pcn4j.control;

/**
 * A PID on the sensor readings, derivative on the measured velocity (no derivative kick):
 * {@code u = u_0 + K_p (mu_d - y_q) + K_i sum dt (mu_d - y_q) - K_d y_q'}, clamped to |u| <= limit
 * with the integrator frozen while the output saturates (conditional-integration anti-windup).
 * Its "belief" is the position sensor itself.
 */
public final class PidController implements Controller {
    public record Config(double[] kp, double[] ki, double[] kd, double limit) {}

    private final Config cfg;
    private final double[] goal;
    private final double[] u0;
    private final double[] integral;
    private double[] last;

    public PidController(Config cfg, double[] goal, double[] u0) {
        this.cfg = cfg;
        this.goal = goal.clone();
        this.u0 = u0.clone();
        this.integral = new double[goal.length];
        this.last = new double[goal.length];
    }

    @Override
    public double[] act(double[] yq, double[] yqd, double dt) {
        double[] u = new double[goal.length];
        for (int i = 0; i < goal.length; i++) {
            double e = goal[i] - yq[i];
            double next = integral[i] + dt * e;
            double raw = u0[i] + cfg.kp()[i] * e + cfg.ki()[i] * next - cfg.kd()[i] * yqd[i];
            if (Math.abs(raw) <= cfg.limit()) {
                integral[i] = next;
            }
            u[i] = Math.max(-cfg.limit(), Math.min(cfg.limit(), raw));
        }
        last = yq.clone();
        return u;
    }

    @Override
    public double[] belief() {
        return last.clone();
    }

    @Override
    public double[] goal() {
        return goal.clone();
    }

    @Override
    public String name() {
        return "pid";
    }
}
