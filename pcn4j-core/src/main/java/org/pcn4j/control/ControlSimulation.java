package org.pcn4j.control;

import java.util.Random;
import org.pcn4j.PcnException;

/**
 * Closes the loop: at each step of length dt the sensors read the state plus Gaussian noise
 * (sd {@code noiseSd} on position and on velocity), the controller acts, and the plant takes an
 * Euler step under that action, except during a collision, when the plant is held still (position
 * kept, velocity zero) whatever the action. The recorded row k is (t_k, q_k, belief after reading
 * y_k, action applied at t_k).
 */
public final class ControlSimulation {
    /** Settings of one run; a collision of length 0 means none. */
    public record Config(double duration, double dt, double noiseSd, long seed, double collisionStart,
            double collisionLength) {
        public Config {
            if (!(duration > 0) || !Double.isFinite(duration)) {
                throw new PcnException("--duration must be positive, got " + duration);
            }
            if (!(dt > 0) || dt > duration) {
                throw new PcnException("the time step must be in (0, duration], got " + dt);
            }
            if (!(noiseSd >= 0)) {
                throw new PcnException("the sensor noise sd must be >= 0");
            }
            if (collisionLength < 0 || collisionStart < 0 || !Double.isFinite(collisionStart + collisionLength)) {
                throw new PcnException("--collision START,LENGTH must be two numbers >= 0");
            }
            if (duration / dt > 50_000_000) {
                throw new PcnException("--duration " + duration + " s at dt " + dt + " s is more than 5e7 steps");
            }
        }
    }

    /** The recorded run, one row per step. */
    public record Trajectory(double[] t, double[][] q, double[][] qdot, double[][] belief, double[][] action,
            double[] goal, double[] q0, boolean[] held) {}

    private ControlSimulation() {}

    public static Trajectory run(Plant plant, Controller controller, Config cfg) {
        int steps = (int) Math.round(cfg.duration() / cfg.dt());
        int n = plant.dof();
        Random rng = new Random(cfg.seed());
        double[] q = plant.initialPosition();
        double[] qd = plant.initialVelocity();
        double[] t = new double[steps];
        double[][] qs = new double[steps][];
        double[][] qds = new double[steps][];
        double[][] bs = new double[steps][];
        double[][] us = new double[steps][];
        boolean[] held = new boolean[steps];
        for (int k = 0; k < steps; k++) {
            double time = k * cfg.dt();
            double[] yq = new double[n];
            double[] yqd = new double[n];
            for (int i = 0; i < n; i++) {
                yq[i] = q[i] + cfg.noiseSd() * rng.nextGaussian();
                yqd[i] = qd[i] + cfg.noiseSd() * rng.nextGaussian();
            }
            double[] u = controller.act(yq, yqd, cfg.dt());
            t[k] = time;
            qs[k] = q.clone();
            qds[k] = qd.clone();
            bs[k] = controller.belief();
            us[k] = u.clone();
            boolean hold = cfg.collisionLength() > 0 && time >= cfg.collisionStart()
                    && time < cfg.collisionStart() + cfg.collisionLength();
            held[k] = hold;
            if (hold) {
                java.util.Arrays.fill(qd, 0);
            } else {
                plant.step(q, qd, u, cfg.dt());
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(q[i]) || !Double.isFinite(qd[i])) {
                    throw new PcnException("the closed loop diverged at t = " + time + " s");
                }
            }
        }
        return new Trajectory(t, qs, qds, bs, us, controller.goal(), plant.initialPosition(), held);
    }
}
