package org.pcn4j.temporal;

/**
 * One time step of temporal PC as a three-node PC graph: node xhat_{k-1} (clamped to last step's
 * estimate), node x_k (free) and node y_k (clamped to the observation), with the input u_k feeding
 * the dynamics edge. The two edges predict x_k from xhat_{k-1} ({@code A f(.) + B u_k}) and y_k from
 * x_k ({@code C f(.)}); each has its own local, precision-weighted error:
 * <pre>
 *   e_x = Q^-1 (x_k - A f(xhat_{k-1}) - B u_k)        e_y = R^-1 (y_k - C f(x_k))
 *   F   = 1/2 (x_k - prior)^T e_x + 1/2 (y_k - C f(x_k))^T e_y
 *   dF/dx_k = e_x - f'(x_k) * C^T e_y                  (inference, a node-local sum of edge terms)
 *   dF/dA   = -e_x f(xhat_{k-1})^T,  dF/dC = -e_y f(x_k)^T   (learning, local to each edge)
 * </pre>
 * {@link TpcNetwork} computes the same step on the engine's nodes, edges and inference (float32),
 * which is what {@link TpcFilter} runs; this double-precision version is the reference the tests
 * compare it with, and it gives the closed-form equilibrium.
 */
public final class TpcStep {
    private final TpcModel m;
    private final double[] xPrev;
    private final double[] fPrev;
    private final double[] y;
    private final double[] prior;

    TpcStep(TpcModel m, double[] xPrev, double[] u, double[] y) {
        this.m = m;
        this.xPrev = xPrev.clone();
        this.fPrev = m.f.apply(xPrev);
        this.y = y.clone();
        this.prior = Mat.add(Mat.mul(m.a, fPrev), Mat.mul(m.b, u));
    }

    /** The dynamics edge's prediction of x_k, {@code A f(xhat_{k-1}) + B u_k}. */
    public double[] prior() {
        return prior.clone();
    }

    public double[] previous() {
        return xPrev.clone();
    }

    /** The raw (unweighted) residuals {@code x - prior} and {@code y - C f(x)}. */
    public double[][] residuals(double[] x) {
        return new double[][] {Mat.sub(x, prior), Mat.sub(y, Mat.mul(m.c, m.f.apply(x)))};
    }

    /** The precision-weighted errors {e_x, e_y} at state x. */
    public double[][] errors(double[] x) {
        double[][] res = residuals(x);
        return new double[][] {Mat.mul(m.qInv, res[0]), Mat.mul(m.rInv, res[1])};
    }

    public double energy(double[] x) {
        double[][] res = residuals(x);
        double[][] e = errors(x);
        return 0.5 * (dot(res[0], e[0]) + dot(res[1], e[1]));
    }

    /** dF/dx_k. */
    public double[] stateGradient(double[] x) {
        double[][] e = errors(x);
        double[] back = Mat.mulT(m.c, e[1]);
        double[] d = m.f.derivative(x);
        double[] g = e[0].clone();
        for (int i = 0; i < g.length; i++) {
            g[i] -= d[i] * back[i];
        }
        return g;
    }

    /**
     * Inference: T gradient steps of rate eta from {@code start}. The tPC paper starts at
     * xhat_{k-1}, not at the prior: with few steps the difference shows in the error.
     */
    public double[] relax(double[] start, int steps, double eta) {
        double[] x = start.clone();
        for (int t = 0; t < steps; t++) {
            double[] g = stateGradient(x);
            for (int i = 0; i < x.length; i++) {
                x[i] -= eta * g[i];
            }
        }
        return x;
    }

    /**
     * The linear (f = identity) fixed point in closed form:
     * {@code (Q^-1 + C^T R^-1 C)^-1 (C^T R^-1 y + Q^-1 prior)}.
     */
    public double[] equilibrium() {
        if (m.f != Activation.IDENTITY) {
            throw new org.pcn4j.PcnException("the closed-form equilibrium needs activation identity, not "
                    + m.f.label());
        }
        double[][] ct = Mat.t(m.c);
        double[][] h = Mat.add(m.qInv, Mat.mul(Mat.mul(ct, m.rInv), m.c));
        double[] rhs = Mat.add(Mat.mul(ct, Mat.mul(m.rInv, y)), Mat.mul(m.qInv, prior));
        return Mat.mul(Mat.inverse(h, "Q^-1 + C^T R^-1 C"), rhs);
    }

    /** The local rule's increment for A at state x: {@code e_x f(xhat_{k-1})^T = -dF/dA}. */
    public double[][] deltaA(double[] x) {
        return outer(errors(x)[0], fPrev);
    }

    /** The local rule's increment for C at state x: {@code e_y f(x_k)^T = -dF/dC}. */
    public double[][] deltaC(double[] x) {
        return outer(errors(x)[1], m.f.apply(x));
    }

    private static double[][] outer(double[] u, double[] v) {
        double[][] o = new double[u.length][v.length];
        for (int i = 0; i < u.length; i++) {
            for (int j = 0; j < v.length; j++) {
                o[i][j] = u[i] * v[j];
            }
        }
        return o;
    }

    static double dot(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) {
            s += u[i] * v[i];
        }
        return s;
    }
}
