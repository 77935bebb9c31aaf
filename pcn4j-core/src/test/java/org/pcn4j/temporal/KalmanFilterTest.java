package org.pcn4j.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KalmanFilterTest {
    private static LinearSystem sys() {
        return LinearSystem.builder()
                .a(new double[][] {{1.0, 0.1}, {-0.2, 0.9}})
                .b(new double[][] {{0.5}, {1.0}})
                .c(new double[][] {{1.0, -0.4}})
                .q(new double[][] {{0.3, 0.05}, {0.05, 0.2}})
                .r(new double[][] {{0.4}})
                .x0(new double[] {0.2, -0.1})
                .input(new double[] {1}, 0.1)
                .build();
    }

    /**
     * The Kalman estimate at step T equals E[x_T | y_1..y_T] computed directly by conditioning the
     * joint Gaussian of all states and observations (built from x_0 and the noise covariances).
     */
    @Test
    void matchesDirectGaussianConditioning() {
        LinearSystem s = sys();
        int steps = 5;
        LinearSystem.Trajectory tr = s.simulate(steps, 11);
        int n = 2;
        double[][] a = s.a();
        double[][] c = s.c();
        // Means: m_k = A m_{k-1} + B u_k. Covariances: Cov(x_i, x_j) = sum_{l<=min} A^{i-l} Q A^{j-l}T.
        double[][] mean = new double[steps][];
        double[] m = s.x0();
        for (int k = 0; k < steps; k++) {
            m = Mat.add(Mat.mul(a, m), Mat.mul(s.b(), tr.inputs()[k]));
            mean[k] = m;
        }
        double[][][] apow = new double[steps + 1][][];
        apow[0] = Mat.identity(n);
        for (int k = 1; k <= steps; k++) {
            apow[k] = Mat.mul(a, apow[k - 1]);
        }
        double[][] sxx = new double[n * steps][n * steps];
        for (int i = 0; i < steps; i++) {
            for (int j = 0; j < steps; j++) {
                double[][] blk = new double[n][n];
                for (int l = 0; l <= Math.min(i, j); l++) {
                    blk = Mat.add(blk, Mat.mul(Mat.mul(apow[i - l], s.q()), Mat.t(apow[j - l])));
                }
                for (int r = 0; r < n; r++) {
                    for (int q = 0; q < n; q++) {
                        sxx[i * n + r][j * n + q] = blk[r][q];
                    }
                }
            }
        }
        // y = Cbig x + v: Syy = Cbig Sxx Cbig^T + Rbig, Sxy = Sxx Cbig^T.
        double[][] cbig = new double[steps][n * steps];
        double[][] rbig = new double[steps][steps];
        for (int k = 0; k < steps; k++) {
            for (int q = 0; q < n; q++) {
                cbig[k][k * n + q] = c[0][q];
            }
            rbig[k][k] = s.r()[0][0];
        }
        double[][] syy = Mat.add(Mat.sandwich(cbig, sxx), rbig);
        double[][] sxy = Mat.mul(sxx, Mat.t(cbig));
        double[] mx = new double[n * steps];
        double[] resid = new double[steps];
        for (int k = 0; k < steps; k++) {
            for (int q = 0; q < n; q++) {
                mx[k * n + q] = mean[k][q];
            }
            resid[k] = tr.observations()[k][0] - Mat.mul(c, mean[k])[0];
        }
        double[][] gain = Mat.mul(sxy, Mat.inverse(syy, "Syy"));
        double[] post = Mat.add(mx, Mat.mul(gain, resid));
        double[][] postCov = Mat.sub(sxx, Mat.mul(gain, Mat.t(sxy)));

        KalmanFilter kf = new KalmanFilter(s);
        double[][] est = kf.run(tr.inputs(), tr.observations());
        for (int q = 0; q < n; q++) {
            assertEquals(post[(steps - 1) * n + q], est[steps - 1][q], 1e-10);
            for (int r = 0; r < n; r++) {
                assertEquals(postCov[(steps - 1) * n + q][(steps - 1) * n + r], kf.covariance()[q][r], 1e-10);
            }
        }
    }

    @Test
    void covarianceConvergesToTheRiccatiFixedPoint() {
        LinearSystem s = sys();
        KalmanFilter kf = new KalmanFilter(s);
        LinearSystem.Trajectory tr = s.simulate(300, 2);
        kf.run(tr.inputs(), tr.observations());
        double[][] p = SteadyState.kalmanCovariance(s);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(p[i][j], kf.covariance()[i][j], 1e-10);
            }
        }
    }
}
