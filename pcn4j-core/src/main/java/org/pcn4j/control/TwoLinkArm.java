package org.pcn4j.control;

/**
 * A planar 2-DOF arm in a vertical plane, {@code M(q) q'' + C(q, q') q' + D q' + G(q) = tau}, with
 * the parameters of Baioumy, Pezzato et al. 2022 (link inertias I1z, I2z about the centres of mass,
 * masses m1, m2, first link length L1, centre-of-mass distances Lg1, Lg2, viscous friction D).
 * Joint angles are measured from the horizontal, so q = (-pi/2, 0) hangs straight down.
 */
public record TwoLinkArm(double i1z, double i2z, double m1, double m2, double l1, double lg1, double lg2,
        double d1, double d2, double g, double[] q0) implements Plant {
    public static TwoLinkArm standard() {
        return new TwoLinkArm(1.0209, 1.0218, 2.1368, 2.2418, 1.0446, 0.5451, 0.5075, 101.519, 103.8566, 9.81,
                new double[] {-Math.PI / 2, 0});
    }

    @Override
    public int dof() {
        return 2;
    }

    /** The gravity torques G(q). */
    public double[] gravity(double[] q) {
        double c1 = Math.cos(q[0]);
        double c12 = Math.cos(q[0] + q[1]);
        return new double[] {g * (m1 * lg1 * c1 + m2 * (lg2 * c12 + l1 * c1)), g * m2 * lg2 * c12};
    }

    @Override
    public double[] acceleration(double[] q, double[] qd, double[] tau) {
        double s2 = Math.sin(q[1]);
        double c2 = Math.cos(q[1]);
        double h = m2 * l1 * lg2;
        double m11 = i1z + i2z + lg1 * lg1 * m1 + m2 * (l1 * l1 + lg2 * lg2 + 2 * l1 * lg2 * c2);
        double m12 = i2z + m2 * (lg2 * lg2 + l1 * lg2 * c2);
        double m22 = i2z + lg2 * lg2 * m2;
        // Coriolis and centrifugal matrix C(q, q').
        double c11 = -h * s2 * qd[1];
        double c12 = -h * s2 * (qd[0] + qd[1]);
        double c21 = h * s2 * qd[0];
        double[] grav = gravity(q);
        double r1 = tau[0] - (c11 * qd[0] + c12 * qd[1]) - d1 * qd[0] - grav[0];
        double r2 = tau[1] - c21 * qd[0] - d2 * qd[1] - grav[1];
        double det = m11 * m22 - m12 * m12;
        return new double[] {(m22 * r1 - m12 * r2) / det, (m11 * r2 - m12 * r1) / det};
    }

    @Override
    public double[] initialPosition() {
        return q0.clone();
    }

    @Override
    public double[] initialVelocity() {
        return new double[2];
    }

    @Override
    public String name() {
        return "arm2";
    }
}
