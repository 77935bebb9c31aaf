package org.pcn4j.control;

/**
 * A mechanical plant with n degrees of freedom, integrated by explicit Euler (as in the AIC papers'
 * simulations: {@code qdot += dt * qddot(q, qdot, tau)}, {@code q += dt * qdot_old}).
 */
public interface Plant {
    int dof();

    /** The generalized accelerations at (q, qdot) under the torques/forces tau. */
    double[] acceleration(double[] q, double[] qdot, double[] tau);

    /** The initial positions. */
    double[] initialPosition();

    /** The initial velocities. */
    double[] initialVelocity();

    /** A short name for files and JSON. */
    String name();

    /** One explicit Euler step, in place. */
    default void step(double[] q, double[] qdot, double[] tau, double dt) {
        double[] acc = acceleration(q, qdot, tau);
        for (int i = 0; i < q.length; i++) {
            q[i] += dt * qdot[i];
            qdot[i] += dt * acc[i];
        }
    }
}
