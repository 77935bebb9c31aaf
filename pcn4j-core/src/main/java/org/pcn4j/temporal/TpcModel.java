package org.pcn4j.temporal;

/**
 * The parameters of a tPC filter: A, B, C, the precisions Q^-1 and R^-1 and f. A and C are
 * mutable (local learning writes into them); everything else is fixed. {@link #step} builds the
 * three-node graph of one time step.
 */
public final class TpcModel {
    final double[][] a;
    final double[][] b;
    final double[][] c;
    final double[][] qInv;
    final double[][] rInv;
    final Activation f;

    public TpcModel(LinearSystem sys) {
        this(sys.a(), sys.b(), sys.c(), sys.q(), sys.r(), sys.activation());
    }

    public TpcModel(double[][] a, double[][] b, double[][] c, double[][] q, double[][] r, Activation f) {
        this.a = Mat.copy(a);
        this.b = Mat.copy(b);
        this.c = Mat.copy(c);
        this.qInv = Mat.inverse(q, "Q");
        this.rInv = Mat.inverse(r, "R");
        this.f = f;
    }

    public int stateDim() {
        return a.length;
    }

    public Activation activation() {
        return f;
    }

    public double[][] a() {
        return Mat.copy(a);
    }

    public double[][] c() {
        return Mat.copy(c);
    }

    /** The graph of step k: {@code xPrev} = xhat_{k-1} and {@code y} = y_k clamped, x_k free. */
    public TpcStep step(double[] xPrev, double[] u, double[] y) {
        return new TpcStep(this, xPrev, u, y);
    }

    /** The one-step observation forecast {@code C f(A f(xhat_{k-1}) + B u_k)}, made before y_k is seen. */
    public double[] predictObservation(double[] xPrev, double[] u) {
        double[] prior = Mat.add(Mat.mul(a, f.apply(xPrev)), Mat.mul(b, u));
        return Mat.mul(c, f.apply(prior));
    }

    /** {@code A += lr * dA}, {@code C += lr * dC}, for the local rules' increments. */
    void applyUpdate(double[][] dA, double[][] dC, double lr) {
        if (dA != null) {
            axpy(a, dA, lr);
        }
        if (dC != null) {
            axpy(c, dC, lr);
        }
    }

    private static void axpy(double[][] target, double[][] d, double lr) {
        for (int i = 0; i < target.length; i++) {
            for (int j = 0; j < target[i].length; j++) {
                target[i][j] += lr * d[i][j];
            }
        }
    }
}
