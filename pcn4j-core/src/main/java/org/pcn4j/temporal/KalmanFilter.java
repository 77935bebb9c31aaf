package org.pcn4j.temporal;

import org.pcn4j.PcnException;

/**
 * The standard Kalman filter in double precision (linear systems only): predict
 * {@code x- = A x + B u}, {@code P- = A P A^T + Q}; update {@code K = P- C^T (C P- C^T + R)^-1},
 * {@code x = x- + K (y - C x-)}, {@code P = (I-KC) P- (I-KC)^T + K R K^T} (Joseph form, which keeps
 * P symmetric positive definite under rounding). x_0 is known, so {@code P_0 = 0} by default.
 */
public final class KalmanFilter implements StateFilter {
    private final double[][] a;
    private final double[][] b;
    private final double[][] c;
    private final double[][] q;
    private final double[][] r;
    private double[] x;
    private double[][] p;
    private double[] forecast;

    public KalmanFilter(LinearSystem sys) {
        this(sys, new double[sys.stateDim()][sys.stateDim()]);
    }

    public KalmanFilter(LinearSystem sys, double[][] p0) {
        if (sys.activation() != Activation.IDENTITY) {
            throw new PcnException("method kalman needs activation identity, not " + sys.activation().label());
        }
        a = sys.a();
        b = sys.b();
        c = sys.c();
        q = sys.q();
        r = sys.r();
        x = sys.x0();
        p = Mat.copy(p0);
    }

    @Override
    public double[] step(double[] u, double[] y) {
        double[] xp = Mat.add(Mat.mul(a, x), Mat.mul(b, u));
        double[][] pp = Mat.add(Mat.sandwich(a, p), q);
        forecast = Mat.mul(c, xp);
        double[][] ct = Mat.t(c);
        double[][] s = Mat.add(Mat.sandwich(c, pp), r);
        double[][] k = Mat.mul(Mat.mul(pp, ct), Mat.inverse(s, "C P C^T + R"));
        x = Mat.add(xp, Mat.mul(k, Mat.sub(y, forecast)));
        double[][] ikc = Mat.sub(Mat.identity(a.length), Mat.mul(k, c));
        p = Mat.sym(Mat.add(Mat.sandwich(ikc, pp), Mat.sandwich(k, r)));
        return x.clone();
    }

    /** The posterior covariance after the last step. */
    public double[][] covariance() {
        return Mat.copy(p);
    }

    @Override
    public double[] lastForecast() {
        return forecast.clone();
    }
}
