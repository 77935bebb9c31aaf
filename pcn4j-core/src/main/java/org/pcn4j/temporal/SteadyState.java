package org.pcn4j.temporal;

import org.pcn4j.PcnException;

/**
 * Analytic steady-state error covariances of linear filters on a linear system, to check the
 * simulations against. For the tPC equilibrium (a constant-gain filter with
 * {@code K = (Q^-1 + C^T R^-1 C)^-1 C^T R^-1}) the estimation error obeys
 * {@code e_k = (I-KC)(A e_{k-1} + w_k) - K v_k}, so its covariance solves the discrete Lyapunov
 * equation {@code S = (I-KC)(A S A^T + Q)(I-KC)^T + K R K^T}. For the Kalman filter it is the
 * posterior covariance at the fixed point of the Riccati recursion. The expected per-state MSE of
 * the estimate is {@code trace(S) / n}.
 */
public final class SteadyState {
    private SteadyState() {}

    /** The tPC equilibrium's constant gain {@code (Q^-1 + C^T R^-1 C)^-1 C^T R^-1}. */
    public static double[][] tpcGain(LinearSystem sys) {
        double[][] qi = Mat.inverse(sys.q(), "Q");
        double[][] ri = Mat.inverse(sys.r(), "R");
        double[][] ct = Mat.t(sys.c());
        double[][] h = Mat.add(qi, Mat.mul(Mat.mul(ct, ri), sys.c()));
        return Mat.mul(Mat.mul(Mat.inverse(h, "Q^-1 + C^T R^-1 C"), ct), ri);
    }

    /** The steady-state error covariance of the constant-gain filter with gain K. */
    public static double[][] constantGainCovariance(LinearSystem sys, double[][] k) {
        double[][] ikc = Mat.sub(Mat.identity(sys.stateDim()), Mat.mul(k, sys.c()));
        double[][] m = Mat.mul(ikc, sys.a());
        double[][] n = Mat.add(Mat.sandwich(ikc, sys.q()), Mat.sandwich(k, sys.r()));
        return lyapunov(m, n);
    }

    /**
     * Solves {@code S = M S M^T + N} by the doubling iteration {@code S <- S + M_j S M_j^T},
     * {@code M_j <- M_j^2}: S = sum_k M^k N M^kT, summed 2^j terms at a time. Fails when M is not
     * stable (spectral radius >= 1), where no steady state exists.
     */
    public static double[][] lyapunov(double[][] m, double[][] n) {
        double[][] s = Mat.copy(n);
        double[][] mj = Mat.copy(m);
        for (int j = 0; j < 64; j++) {
            double[][] next = Mat.add(s, Mat.sandwich(mj, s));
            double change = Mat.maxAbs(Mat.sub(next, s));
            s = Mat.sym(next);
            mj = Mat.mul(mj, mj);
            if (!Double.isFinite(Mat.maxAbs(s))) {
                break;
            }
            if (change <= 1e-15 * Mat.maxAbs(s) && Mat.maxAbs(mj) < 1e-12) {
                return s;
            }
        }
        throw new PcnException("the filter's error dynamics are unstable: no steady-state error exists");
    }

    /** The Kalman filter's steady-state posterior covariance (Riccati fixed point). */
    public static double[][] kalmanCovariance(LinearSystem sys) {
        double[][] a = sys.a();
        double[][] c = sys.c();
        double[][] ct = Mat.t(c);
        int n = sys.stateDim();
        double[][] post = new double[n][n];
        for (int it = 0; it < 1_000_000; it++) {
            double[][] prior = Mat.add(Mat.sandwich(a, post), sys.q());
            double[][] s = Mat.add(Mat.sandwich(c, prior), sys.r());
            double[][] k = Mat.mul(Mat.mul(prior, ct), Mat.inverse(s, "C P C^T + R"));
            double[][] ikc = Mat.sub(Mat.identity(n), Mat.mul(k, c));
            double[][] next = Mat.sym(Mat.add(Mat.sandwich(ikc, prior), Mat.sandwich(k, sys.r())));
            double change = Mat.maxAbs(Mat.sub(next, post));
            post = next;
            if (!Double.isFinite(Mat.maxAbs(post))) {
                break;
            }
            if (change <= 1e-14 * Math.max(1e-300, Mat.maxAbs(post))) {
                return post;
            }
        }
        throw new PcnException("the Riccati recursion did not converge (is the system detectable?)");
    }

    /** The expected per-state MSE {@code trace(S)/n}. */
    public static double mse(double[][] s) {
        return Mat.trace(s) / s.length;
    }
}
