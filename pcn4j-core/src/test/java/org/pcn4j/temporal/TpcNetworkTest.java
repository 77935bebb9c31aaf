package org.pcn4j.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pcn4j.model.EnergyChecks;
import org.pcn4j.model.PcNetwork;

/** The tPC step on the engine's nodes, edges and inference against the double reference {@link TpcStep}. */
class TpcNetworkTest {
    static final double[] X_PREV = {0.3, -0.2, 0.5};
    static final double[] U = {0.7};
    static final double[] Y = {0.4, -0.6};
    static final double[] X = {0.1, 0.4, -0.3};

    /** The tracking task of the benchmark (Millidge, Tang et al.), C as in FilterBench.TRACKING_C. */
    static LinearSystem tracking() {
        double dt = 1e-3;
        return LinearSystem.builder()
                .a(new double[][] {{1, dt, dt * dt / 2}, {0, 1, dt}, {0, 0, 1}})
                .b(new double[][] {{0}, {0}, {1}})
                .c(new double[][] {{0.4522, -1.1899, 2.6795}, {-0.1928, -0.0793, -0.0008}, {-1.0292, 1.0824, 0.9223}})
                .q(Mat.identity(3)).r(Mat.identity(3)).input(new double[] {1}, 0.01).build();
    }

    @Test
    void energyErrorsAndIncrementsAreTheReferenceStep() {
        for (Activation f : Activation.values()) {
            TpcModel m = new TpcModel(TpcStepTest.small(f));
            TpcStep ref = m.step(X_PREV, U, Y);
            TpcNetwork g = new TpcNetwork(m);
            double[] x = g.infer(new double[][] {X_PREV}, new double[][] {U}, new double[][] {Y}, new double[][] {X}, 0,
                    1)[0];
            assertArrayEquals(X, x, 1e-7, f + " start");
            assertEquals(ref.energy(X), g.energies()[0], 1e-6, f + " energy");
            g.network().computeStateGradients();
            float[] grad = g.stateNode().gradient();
            double[] want = ref.stateGradient(X);
            for (int i = 0; i < 3; i++) {
                assertEquals(want[i], grad[i], 1e-6, f + " dF/dx " + i);
            }
            double[][][] d = g.increments();
            assertMatrixEquals(ref.deltaA(X), d[0], 1e-6, f + " dA");
            assertMatrixEquals(ref.deltaC(X), d[1], 1e-6, f + " dC");
        }
    }

    @Test
    void engineInferenceFollowsTheReferenceRelaxation() {
        for (Activation f : Activation.values()) {
            TpcModel m = new TpcModel(TpcStepTest.small(f));
            double[] want = m.step(X_PREV, U, Y).relax(X_PREV, 30, 0.05);
            double[] got = new TpcNetwork(m).infer(new double[][] {X_PREV}, new double[][] {U}, new double[][] {Y},
                    new double[][] {X_PREV}, 30, 0.05)[0];
            assertArrayEquals(want, got, 1e-6, f.label());
        }
    }

    /** dF/dx_k, dF/dA, dF/dB, dF/dC of the engine graph against central differences of its own energy. */
    @Test
    void engineGradientsMatchFiniteDifferences() {
        for (Activation f : Activation.values()) {
            TpcNetwork g = new TpcNetwork(new TpcModel(TpcStepTest.small(f)));
            // Two sequences in one batch: weight gradients are batch means, state gradients per sample.
            g.infer(new double[][] {X_PREV, {-0.4, 0.1, 0.2}}, new double[][] {U, {-0.3}},
                    new double[][] {Y, {-0.2, 0.5}}, new double[][] {X, {0.2, -0.5, 0.6}}, 0, 1);
            PcNetwork net = g.network();
            EnergyChecks.stateGradientsMatchFiniteDifferences(net, 1e-2);
            EnergyChecks.weightGradientsMatchFiniteDifferences(net, 1e-2);
        }
    }

    /**
     * The engine filter (float32) against the double reference on the tracking task: 1000 steps,
     * T 20, eta 0.1. States drift to |x| ~ 30; the estimates agree to float precision and so do the
     * MSEs, far inside the 1 % the benchmark compares filters at.
     */
    @Test
    void engineFilterAgreesWithDoubleReferenceOnTheTrackingTask() {
        LinearSystem s = tracking();
        LinearSystem.Trajectory tr = s.simulate(1000, 4);
        double[][] engine = new TpcFilter(new TpcModel(s), TpcFilter.Config.iterative(20, 0.1), s.x0())
                .run(tr.inputs(), tr.observations());
        TpcModel ref = new TpcModel(s);
        double[] xhat = s.x0();
        double[][] reference = new double[1000][];
        double scale = 0;
        double worst = 0;
        for (int k = 0; k < 1000; k++) {
            xhat = ref.step(xhat, tr.inputs()[k], tr.observations()[k]).relax(xhat, 20, 0.1);
            reference[k] = xhat;
            for (int i = 0; i < 3; i++) {
                scale = Math.max(scale, Math.abs(xhat[i]));
                worst = Math.max(worst, Math.abs(xhat[i] - engine[k][i]));
            }
        }
        assertTrue(scale > 10, "states drift far from 0: " + scale);
        assertTrue(worst < 1e-4 * scale, "largest difference " + worst + " at a state scale of " + scale);
        double mseEngine = FilterMetrics.mse(engine, tr.states());
        double mseRef = FilterMetrics.mse(reference, tr.states());
        assertEquals(1, mseEngine / mseRef, 1e-5, "MSE " + mseEngine + " vs " + mseRef);
    }

    /** Learning on the engine follows the double reference rule over a whole sequence. */
    @Test
    void engineLearningFollowsTheReferenceRule() {
        LinearSystem s = TpcStepTest.small(Activation.IDENTITY).toBuilder().input(new double[] {1}, 0.01).build();
        LinearSystem.Trajectory tr = s.simulate(200, 3);
        TpcModel m = new TpcModel(s);
        new TpcFilter(m, TpcFilter.Config.iterative(10, 0.05), s.x0(), 1e-3, true, true).run(tr.inputs(),
                tr.observations());
        TpcModel ref = new TpcModel(s);
        double[] xhat = s.x0();
        for (int k = 0; k < 200; k++) {
            TpcStep g = ref.step(xhat, tr.inputs()[k], tr.observations()[k]);
            double[] x = g.relax(xhat, 10, 0.05);
            ref.applyUpdate(g.deltaA(x), g.deltaC(x), 1e-3);
            xhat = x;
        }
        assertTrue(Mat.maxAbs(Mat.sub(ref.a(), s.a())) > 1e-2, "A moved");
        assertMatrixEquals(ref.a(), m.a(), 1e-5, "A");
        assertMatrixEquals(ref.c(), m.c(), 1e-5, "C");
    }

    static void assertArrayEquals(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + "[" + i + "]");
        }
    }

    static void assertMatrixEquals(double[][] want, double[][] got, double tol, String what) {
        for (int i = 0; i < want.length; i++) {
            assertArrayEquals(want[i], got[i], tol, what + "[" + i + "]");
        }
    }
}
