package org.pcn4j.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class SteadyStateTest {
    private static LinearSystem sys() {
        return LinearSystem.builder()
                .a(new double[][] {{1.0, 0.1}, {0, 1.0}})
                .c(new double[][] {{1.0, 0}, {0.3, 0.8}})
                .q(Mat.identity(2))
                .r(Mat.identity(2))
                .build();
    }

    @Test
    void lyapunovSolutionSatisfiesItsEquation() {
        double[][] m = {{0.5, 0.3}, {-0.2, 0.7}};
        double[][] n = {{1.0, 0.2}, {0.2, 0.5}};
        double[][] s = SteadyState.lyapunov(m, n);
        double[][] back = Mat.add(Mat.sandwich(m, s), n);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(back[i][j], s[i][j], 1e-12);
            }
        }
        assertThrows(PcnException.class, () -> SteadyState.lyapunov(new double[][] {{1.01}}, new double[][] {{1}}));
    }

    /** Over a long run the equilibrium filter's error is the Lyapunov value, and Kalman's is lower. */
    @Test
    void simulatedErrorsMatchTheAnalyticValues() {
        LinearSystem s = sys();
        LinearSystem.Trajectory tr = s.simulate(40_000, 7);
        double[][] eq = new TpcFilter(new TpcModel(s), TpcFilter.Config.equilibrium(), s.x0())
                .run(tr.inputs(), tr.observations());
        double[][] kf = new KalmanFilter(s).run(tr.inputs(), tr.observations());
        double lyap = SteadyState.mse(SteadyState.constantGainCovariance(s, SteadyState.tpcGain(s)));
        double ric = SteadyState.mse(SteadyState.kalmanCovariance(s));
        double simEq = FilterMetrics.mse(eq, tr.states(), 100);
        double simKf = FilterMetrics.mse(kf, tr.states(), 100);
        assertEquals(lyap, simEq, 0.04 * lyap);
        assertEquals(ric, simKf, 0.04 * ric);
        assertTrue(ric < lyap, "Riccati " + ric + " should be below Lyapunov " + lyap);
    }
}
