package org.pcn4j.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class TpcStepTest {
    static LinearSystem small(Activation f) {
        return LinearSystem.builder()
                .a(new double[][] {{0.9, 0.2, 0}, {-0.1, 0.8, 0.1}, {0, 0.3, 0.7}})
                .b(new double[][] {{0}, {0}, {1}})
                .c(new double[][] {{1, 0.5, -0.3}, {0.2, -1, 0.4}})
                .q(new double[][] {{0.5, 0.1, 0}, {0.1, 0.4, 0}, {0, 0, 0.3}})
                .r(new double[][] {{0.2, 0.05}, {0.05, 0.3}})
                .activation(f)
                .build();
    }

    static TpcStep step(TpcModel m) {
        return m.step(new double[] {0.3, -0.2, 0.5}, new double[] {0.7}, new double[] {0.4, -0.6});
    }

    @Test
    void closedFormIsTheFixedPointOfInference() {
        TpcModel m = new TpcModel(small(Activation.IDENTITY));
        TpcStep g = step(m);
        double[] eq = g.equilibrium();
        // The gradient vanishes at the closed form ...
        for (double v : g.stateGradient(eq)) {
            assertEquals(0, v, 1e-12);
        }
        // ... and long gradient descent from xhat_{k-1} reaches it.
        double[] relaxed = g.relax(g.previous(), 5000, 0.05);
        for (int i = 0; i < eq.length; i++) {
            assertEquals(eq[i], relaxed[i], 1e-10);
        }
        // Direct evaluation of (Q^-1 + C^T R^-1 C)^-1 (C^T R^-1 y + Q^-1 prior) written out here.
        LinearSystem s = small(Activation.IDENTITY);
        double[][] qi = Mat.inverse(s.q(), "Q");
        double[][] ri = Mat.inverse(s.r(), "R");
        double[][] h = Mat.add(qi, Mat.mul(Mat.mul(Mat.t(s.c()), ri), s.c()));
        double[] rhs = Mat.add(Mat.mulT(s.c(), Mat.mul(ri, new double[] {0.4, -0.6})), Mat.mul(qi, g.prior()));
        double[] direct = Mat.mul(Mat.inverse(h, "H"), rhs);
        for (int i = 0; i < eq.length; i++) {
            assertEquals(direct[i], eq[i], 1e-12);
        }
    }

    @Test
    void inferenceLowersTheEnergyWithTanh() {
        TpcStep g = step(new TpcModel(small(Activation.TANH)));
        double before = g.energy(g.previous());
        double[] x = g.relax(g.previous(), 200, 0.05);
        assertTrue(g.energy(x) < before, "energy " + g.energy(x) + " not below " + before);
        for (double v : g.stateGradient(x)) {
            assertEquals(0, v, 1e-6);
        }
        assertThrows(PcnException.class, g::equilibrium);
    }

    @Test
    void stateGradientMatchesFiniteDifferences() {
        for (Activation f : Activation.values()) {
            TpcStep g = step(new TpcModel(small(f)));
            double[] x = {0.1, 0.4, -0.3};
            double[] grad = g.stateGradient(x);
            for (int i = 0; i < x.length; i++) {
                assertEquals(numeric(x, i, g), grad[i], 1e-7, f + " component " + i);
            }
        }
    }

    private static double numeric(double[] x, int i, TpcStep g) {
        double h = 1e-6;
        double[] p = x.clone();
        double[] q = x.clone();
        p[i] += h;
        q[i] -= h;
        return (g.energy(p) - g.energy(q)) / (2 * h);
    }

    /** The local rules are minus the energy's gradients: checked entry by entry by central differences. */
    @Test
    void localLearningRulesAreEnergyGradients() {
        for (Activation f : Activation.values()) {
            LinearSystem s = small(f);
            double[] x = {0.1, 0.4, -0.3};
            double[] xPrev = {0.3, -0.2, 0.5};
            double[] u = {0.7};
            double[] y = {0.4, -0.6};
            TpcStep g = new TpcModel(s).step(xPrev, u, y);
            double[][] dA = g.deltaA(x);
            double[][] dC = g.deltaC(x);
            double h = 1e-6;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double[][] ap = s.a();
                    double[][] am = s.a();
                    ap[i][j] += h;
                    am[i][j] -= h;
                    double fp = new TpcModel(ap, s.b(), s.c(), s.q(), s.r(), f).step(xPrev, u, y).energy(x);
                    double fm = new TpcModel(am, s.b(), s.c(), s.q(), s.r(), f).step(xPrev, u, y).energy(x);
                    assertEquals(-(fp - fm) / (2 * h), dA[i][j], 1e-7, f + " dA " + i + "," + j);
                }
            }
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    double[][] cp = s.c();
                    double[][] cm = s.c();
                    cp[i][j] += h;
                    cm[i][j] -= h;
                    double fp = new TpcModel(s.a(), s.b(), cp, s.q(), s.r(), f).step(xPrev, u, y).energy(x);
                    double fm = new TpcModel(s.a(), s.b(), cm, s.q(), s.r(), f).step(xPrev, u, y).energy(x);
                    assertEquals(-(fp - fm) / (2 * h), dC[i][j], 1e-7, f + " dC " + i + "," + j);
                }
            }
        }
    }

    @Test
    void learningFromARandomStartLowersTheForecastError() {
        LinearSystem s = small(Activation.IDENTITY).toBuilder().input(new double[] {1}, 0.01).build();
        LinearSystem.Trajectory tr = s.simulate(400, 3);
        TpcLearner.Config cfg = new TpcLearner.Config(30, 0.002, true, true);
        TpcModel m = TpcLearner.randomStart(s, cfg, 0.1, 5);
        TpcFilter.Config inf = TpcFilter.Config.iterative(20, 0.05);
        double before = FilterMetrics.forecastMse(new TpcFilter(m, inf, s.x0()), tr.inputs(), tr.observations(), 0);
        TpcLearner.Result r = TpcLearner.learn(m, inf, cfg, s.x0(), tr.inputs(), tr.observations());
        double after = FilterMetrics.forecastMse(new TpcFilter(m, inf, s.x0()), tr.inputs(), tr.observations(), 0);
        double truth = FilterMetrics.forecastMse(new TpcFilter(new TpcModel(s), inf, s.x0()), tr.inputs(),
                tr.observations(), 0);
        assertTrue(after < 0.8 * before, "forecast MSE " + before + " -> " + after);
        assertTrue(after < 1.3 * truth, "learned " + after + " vs true model " + truth);
        assertEquals(30, r.epochForecastMse().length);
    }

    @Test
    void randomSequencesStayFinite() {
        Random rng = new Random(1);
        TpcModel m = new TpcModel(small(Activation.TANH));
        TpcFilter f = new TpcFilter(m, TpcFilter.Config.iterative(20, 0.1), new double[3]);
        for (int k = 0; k < 100; k++) {
            double[] est = f.step(new double[] {rng.nextGaussian()}, new double[] {rng.nextGaussian(), rng.nextGaussian()});
            assertTrue(Double.isFinite(est[0] + est[1] + est[2]));
        }
    }

    @Test
    void learningOnlyTheNamedMatrixLeavesTheOtherUntouched() {
        LinearSystem s = small(Activation.IDENTITY);
        LinearSystem.Trajectory tr = s.simulate(50, 9);
        TpcModel m = new TpcModel(s);
        new TpcFilter(m, TpcFilter.Config.iterative(10, 0.05), s.x0(), 1e-3, true, false).run(tr.inputs(),
                tr.observations());
        assertTrue(Mat.maxAbs(Mat.sub(m.a(), s.a())) > 0, "A should move");
        assertEquals(0, Mat.maxAbs(Mat.sub(m.c(), s.c())));
        TpcLearner.Config parsed = TpcLearner.Config.parse("c", 3, 0.1, 0);
        assertTrue(parsed.learnC() && !parsed.learnA());
        assertThrows(PcnException.class, () -> TpcLearner.Config.parse("A,B", 3, 0.1, 0));
        assertEquals(0.05, new TpcLearner.Config(10, 0.1, true, true, 2).rate(2), 1e-15);
    }
}
