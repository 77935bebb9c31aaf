package org.pcn4j.temporal;

import java.util.Random;
import org.pcn4j.PcnException;

/**
 * A (possibly nonlinear) state-space model: {@code x_k = A f(x_{k-1}) + B u_k + w_k},
 * {@code y_k = C f(x_k) + v_k}, {@code w ~ N(0, Q)}, {@code v ~ N(0, R)}, starting from a known
 * {@code x_0}. f is {@link Activation#IDENTITY} for a linear system. The optional input signal
 * {@code u_k = inputScale * exp(-inputDecay * k)} (k = 1, 2, ...) is only used by {@link #simulate};
 * filters read inputs from the data. Immutable: arrays are copied in and out. Built with
 * {@link #builder()}, which checks every size and that Q and R are invertible.
 */
public final class LinearSystem {
    private final double[][] a;
    private final double[][] b;
    private final double[][] c;
    private final double[][] q;
    private final double[][] r;
    private final double[] x0;
    private final Activation activation;
    private final double[] inputScale;
    private final double inputDecay;

    private LinearSystem(Builder bd) {
        this.a = Mat.copy(bd.a);
        this.c = Mat.copy(bd.c);
        this.q = Mat.copy(bd.q);
        this.r = Mat.copy(bd.r);
        int n = a.length;
        this.b = bd.b == null ? new double[n][0] : Mat.copy(bd.b);
        this.x0 = bd.x0 == null ? new double[n] : bd.x0.clone();
        this.activation = bd.activation;
        this.inputScale = bd.inputScale == null ? null : bd.inputScale.clone();
        this.inputDecay = bd.inputDecay;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A copy of this system with other A and C (learned ones), everything else the same. */
    public LinearSystem withAC(double[][] newA, double[][] newC) {
        return toBuilder().a(newA).c(newC).build();
    }

    public Builder toBuilder() {
        return builder().a(a).b(b).c(c).q(q).r(r).x0(x0).activation(activation).input(inputScale, inputDecay);
    }

    public int stateDim() {
        return a.length;
    }

    public int inputDim() {
        return Mat.cols(b);
    }

    public int obsDim() {
        return c.length;
    }

    public double[][] a() {
        return Mat.copy(a);
    }

    public double[][] b() {
        return Mat.copy(b);
    }

    public double[][] c() {
        return Mat.copy(c);
    }

    public double[][] q() {
        return Mat.copy(q);
    }

    public double[][] r() {
        return Mat.copy(r);
    }

    public double[] x0() {
        return x0.clone();
    }

    public Activation activation() {
        return activation;
    }

    /** The input sequence u_1..u_steps of the configured signal (all zero without one). */
    public double[][] inputs(int steps) {
        int m = inputDim();
        double[][] u = new double[steps][m];
        if (inputScale != null) {
            for (int k = 0; k < steps; k++) {
                double e = Math.exp(-inputDecay * (k + 1));
                for (int j = 0; j < m; j++) {
                    u[k][j] = inputScale[j] * e;
                }
            }
        }
        return u;
    }

    /** A simulated run: the inputs, the true states x_1..x_N and the observations y_1..y_N. */
    public record Trajectory(double[][] inputs, double[][] states, double[][] observations) {}

    /** Simulates {@code steps} steps with the configured input and noise drawn from {@code seed}. */
    public Trajectory simulate(int steps, long seed) {
        if (steps < 1) {
            throw new PcnException("--steps must be at least 1, got " + steps);
        }
        Random rng = new Random(seed);
        double[][] lq = Mat.cholesky(q, "Q");
        double[][] lr = Mat.cholesky(r, "R");
        double[][] u = inputs(steps);
        double[][] xs = new double[steps][];
        double[][] ys = new double[steps][];
        double[] x = x0.clone();
        for (int k = 0; k < steps; k++) {
            x = Mat.add(Mat.add(Mat.mul(a, activation.apply(x)), Mat.mul(b, u[k])), Mat.gaussian(lq, rng));
            xs[k] = x;
            ys[k] = Mat.add(Mat.mul(c, activation.apply(x)), Mat.gaussian(lr, rng));
        }
        return new Trajectory(u, xs, ys);
    }

    /** Collects the pieces; {@link #build()} validates them and names the first bad field. */
    public static final class Builder {
        private double[][] a;
        private double[][] b;
        private double[][] c;
        private double[][] q;
        private double[][] r;
        private double[] x0;
        private Activation activation = Activation.IDENTITY;
        private double[] inputScale;
        private double inputDecay;

        public Builder a(double[][] v) {
            a = v;
            return this;
        }

        public Builder b(double[][] v) {
            b = v;
            return this;
        }

        public Builder c(double[][] v) {
            c = v;
            return this;
        }

        public Builder q(double[][] v) {
            q = v;
            return this;
        }

        public Builder r(double[][] v) {
            r = v;
            return this;
        }

        public Builder x0(double[] v) {
            x0 = v;
            return this;
        }

        public Builder activation(Activation v) {
            activation = v;
            return this;
        }

        /** {@code u_k = scale * exp(-decay * k)}; a null scale means no input signal. */
        public Builder input(double[] scale, double decay) {
            inputScale = scale;
            inputDecay = decay;
            return this;
        }

        public LinearSystem build() {
            int n = rect(a, "A");
            if (n == 0 || Mat.cols(a) != n) {
                throw new PcnException("A must be square and non-empty, got " + a.length + "x" + Mat.cols(a));
            }
            if (b != null && b.length > 0) {
                rect(b, "B");
                if (b.length != n) {
                    throw new PcnException("B has " + b.length + " rows but A is " + n + "x" + n);
                }
            } else if (b != null && b.length == 0 && n > 0) {
                b = new double[n][0];
            }
            int p = rect(c, "C");
            if (p == 0 || Mat.cols(c) != n) {
                throw new PcnException("C has " + Mat.cols(c) + " columns but A is " + n + "x" + n);
            }
            square(q, "Q", n, "A is " + n + "x" + n);
            square(r, "R", p, "C has " + p + " rows");
            covariance(q, "Q");
            covariance(r, "R");
            if (x0 != null && x0.length != n) {
                throw new PcnException("x0 has " + x0.length + " entries but A is " + n + "x" + n);
            }
            if (activation == null) {
                throw new PcnException("activation is missing");
            }
            int m = b == null ? 0 : Mat.cols(b);
            if (inputScale != null && inputScale.length != m) {
                throw new PcnException("input scale has " + inputScale.length + " entries but B has " + m
                        + " columns");
            }
            if (!Double.isFinite(inputDecay)) {
                throw new PcnException("input decay must be finite");
            }
            return new LinearSystem(this);
        }

        private static int rect(double[][] m, String what) {
            if (m == null) {
                throw new PcnException(what + " is missing");
            }
            for (int i = 0; i < m.length; i++) {
                if (m[i] == null || m[i].length != m[0].length) {
                    throw new PcnException(what + " row " + (i + 1) + " has " + (m[i] == null ? 0 : m[i].length)
                            + " entries but row 1 has " + m[0].length);
                }
                for (double v : m[i]) {
                    if (!Double.isFinite(v)) {
                        throw new PcnException(what + " row " + (i + 1) + " has a non-finite entry");
                    }
                }
            }
            return m.length;
        }

        /** A noise covariance: invertible, symmetric and positive definite (tPC's precisions are its inverse). */
        private static void covariance(double[][] m, String what) {
            Mat.inverse(m, what);
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < i; j++) {
                    if (Math.abs(m[i][j] - m[j][i]) > 1e-12 * (Math.abs(m[i][j]) + Math.abs(m[j][i]))) {
                        throw new PcnException(what + " is not symmetric: " + what + "[" + (i + 1) + "][" + (j + 1) + "] = "
                                + m[i][j] + " but " + what + "[" + (j + 1) + "][" + (i + 1) + "] = " + m[j][i]);
                    }
                }
            }
            Mat.cholesky(m, what);
        }

        private static void square(double[][] m, String what, int size, String because) {
            rect(m, what);
            if (m.length != size || Mat.cols(m) != size) {
                throw new PcnException(what + " is " + m.length + "x" + Mat.cols(m) + " but must be " + size + "x"
                        + size + " (" + because + ")");
            }
        }
    }
}
