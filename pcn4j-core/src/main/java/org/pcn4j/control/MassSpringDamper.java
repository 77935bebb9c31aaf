package org.pcn4j.control;

/**
 * {@code m x'' + c x' + k x = a}: the 1-D plant of Baioumy et al. 2021 (m 1, k 1, c 0.1,
 * x0 -0.5, v0 -1).
 */
public record MassSpringDamper(double mass, double stiffness, double damping, double x0, double v0) implements Plant {
    /** The parameters. */
    public static MassSpringDamper standard() {
        return new MassSpringDamper(1, 1, 0.1, -0.5, -1);
    }

    @Override
    public int dof() {
        return 1;
    }

    @Override
    public double[] acceleration(double[] q, double[] qdot, double[] tau) {
        return new double[] {(tau[0] - damping * qdot[0] - stiffness * q[0]) / mass};
    }

    @Override
    public double[] initialPosition() {
        return new double[] {x0};
    }

    @Override
    public double[] initialVelocity() {
        return new double[] {v0};
    }

    @Override
    public String name() {
        return "mass-spring-damper";
    }
}
