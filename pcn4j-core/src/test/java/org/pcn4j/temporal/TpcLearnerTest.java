package org.pcn4j.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class TpcLearnerTest {
    /**
     * The variance term is the C-gradient of the posterior-spread part of the expected energy,
     * 1/2 tr(R^-1 C D P D C^T) with the posterior covariance P (and D = f'(x)) held fixed, as in an
     * EM M-step: checked entry by entry by central differences, for both activations.
     */
    @Test
    void varianceTermIsTheGradientOfTheSpreadEnergy() {
        for (Activation f : Activation.values()) {
            TpcModel m = new TpcModel(TpcStepTest.small(f));
            double[][] xs = {{0.1, 0.4, -0.3}, {-0.5, 0.2, 0.7}};
            double[][] dC = new double[2][3];
            TpcLearner.subtractVarianceTerm(m, xs, dC);
            // M_s = D P D per sample, from the unperturbed C.
            List<double[][]> ms = new ArrayList<>();
            for (double[] x : xs) {
                double[] d = f.derivative(x);
                double[][] cd = new double[2][3];
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 3; j++) {
                        cd[i][j] = m.c[i][j] * d[j];
                    }
                }
                double[][] p = Mat.inverse(Mat.add(m.qInv, Mat.mul(Mat.mul(Mat.t(cd), m.rInv), cd)), "H");
                double[][] dpd = new double[3][3];
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        dpd[i][j] = d[i] * p[i][j] * d[j];
                    }
                }
                ms.add(dpd);
            }
            double h = 1e-6;
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    double[][] cp = m.c();
                    double[][] cm = m.c();
                    cp[i][j] += h;
                    cm[i][j] -= h;
                    double numeric = (spread(cp, m.rInv, ms) - spread(cm, m.rInv, ms)) / (2 * h);
                    // dC holds minus the batch-mean gradient.
                    assertEquals(-numeric, dC[i][j], 1e-7, f + " [" + i + "][" + j + "]");
                }
            }
        }
    }

    private static double spread(double[][] c, double[][] rInv, List<double[][]> ms) {
        double s = 0;
        for (double[][] mm : ms) {
            s += 0.5 * Mat.trace(Mat.mul(Mat.mul(Mat.mul(rInv, c), mm), Mat.t(c)));
        }
        return s / ms.size();
    }

    /**
     * Started at the true A and C, the plain rule for C drifts away (C grows: the rule at the
     * posterior mean has a biased fixed point), the variance-corrected one stays near the truth.
     */
    @Test
    void varianceCorrectionKeepsCNearTheTruth() {
        double[] drift = {cDrift(new TpcLearner.Config(40, 0.002, false, true, 0, false)),
            cDrift(new TpcLearner.Config(40, 0.002, false, true, 0, true))};
        assertTrue(drift[0] > 0.1, "the plain rule moves |C| by " + drift[0]);
        assertTrue(drift[1] < drift[0] / 3, "corrected " + drift[1] + " vs plain " + drift[0]);
    }

    /**
     * The sampled rule's expectation: Langevin chains at rate eta around the posterior mean m sample
     * N(m, S_eta) with S_eta = (H (I - eta H / 2))^-1 (the discretized chain's covariance; H =
     * Q^-1 + C^T R^-1 C), so the mean sampled dC is the plain dC at m minus R^-1 C S_eta: the
     * variance term of {@link TpcLearner#subtractVarianceTerm} with S_eta for P, reached by sampling.
     * Antithetic pairs leave dA exactly at its value at m (e_x is linear in x_k). Statistical
     * tolerance for 30000 samples per chain, fixed seed; S_eta is within 8 % of P = H^-1 here.
     */
    @Test
    void sampledIncrementsAverageToTheVarianceCorrectedRule() {
        TpcModel m = new TpcModel(TpcStepTest.small(Activation.IDENTITY));
        double[][] prev = {{0.3, -0.2, 0.5}, {-0.4, 0.1, 0.2}, {0.6, 0.5, -0.1}, {0, -0.3, 0.4}};
        double[][] u = {{0.7}, {-0.2}, {0.1}, {0.4}};
        double[][] y = {{0.4, -0.6}, {0.1, 0.3}, {-0.5, 0.2}, {0.8, -0.1}};
        double[][] mean = new double[4][];
        for (int i = 0; i < 4; i++) {
            mean[i] = m.step(prev[i], u[i], y[i]).equilibrium();
        }
        TpcNetwork engine = new TpcNetwork(m);
        engine.infer(prev, u, y, mean, 0, 1);
        double[][][] plain = engine.increments();
        double eta = 0.01;
        double[][][] sampled = engine.sampledIncrements(prev, u, y, mean,
                new TpcLearner.Sampling(30000, 200, eta, true, 5), new java.util.SplittableRandom(5));
        double[][] h = Mat.add(m.qInv, Mat.mul(Mat.mul(Mat.t(m.c), m.rInv), m.c));
        double[][] half = Mat.sub(Mat.identity(3), scaled(h, eta / 2));
        double[][] expected = scaled(Mat.mul(Mat.mul(m.rInv, m.c), Mat.inverse(Mat.mul(h, half), "S")), -1);
        double scale = Mat.maxAbs(expected);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], sampled[1][i][j] - plain[1][i][j], 0.05 * scale, "dC[" + i + "][" + j + "]");
            }
        }
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(plain[0][i][j], sampled[0][i][j], 1e-4 * (1 + Math.abs(plain[0][i][j])), "dA[" + i + "][" + j + "]");
            }
        }
        // Without the mirror chains the mean is the same, only noisier.
        double[][][] single = engine.sampledIncrements(prev, u, y, mean,
                new TpcLearner.Sampling(30000, 200, eta, false, 5), new java.util.SplittableRandom(6));
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], single[1][i][j] - plain[1][i][j], 0.08 * scale, "single-chain dC[" + i + "][" + j + "]");
            }
        }
    }

    /** Same seed, same learned matrices; another noise seed, another run (the noise is used). */
    @Test
    void sampledLearningIsDeterministicUnderItsSeed() {
        LinearSystem s = TpcStepTest.small(Activation.TANH);
        LinearSystem.Trajectory tr = s.simulate(40, 3);
        double[][][] c = new double[3][][];
        for (int k = 0; k < 3; k++) {
            TpcLearner.Config cfg = new TpcLearner.Config(2, 0.002, true, true, 0)
                    .withSampling(new TpcLearner.Sampling(3, 4, 0.05, true, k == 2 ? 8 : 7));
            TpcModel m = TpcLearner.randomStart(s, cfg, 0.1, 2);
            TpcLearner.learn(m, TpcFilter.Config.iterative(5, 0.1), cfg, s.x0(), tr.inputs(), tr.observations());
            c[k] = m.c();
        }
        assertEquals(0, Mat.maxAbs(Mat.sub(c[0], c[1])), 0);
        assertTrue(Mat.maxAbs(Mat.sub(c[0], c[2])) > 0);
        assertThrows(PcnException.class, () -> new TpcLearner.Config(2, 0.002, true, true, 0, true,
                new TpcLearner.Sampling(3, 4, 0.05, true, 1)));
        assertThrows(PcnException.class, () -> new TpcLearner.Sampling(0, 4, 0.05, true, 1));
    }

    /** The sampled rule, like the closed-form term, stops C drifting from the truth (plain: > 10 %). */
    @Test
    void sampledRuleKeepsCNearTheTruth() {
        TpcLearner.Config plain = new TpcLearner.Config(40, 0.002, false, true, 0);
        double[] drift = {cDrift(plain), cDrift(plain.withSampling(new TpcLearner.Sampling(4, 20, 0.02, true, 1)))};
        assertTrue(drift[0] > 0.1, "the plain rule moves |C| by " + drift[0]);
        assertTrue(drift[1] < drift[0] / 3, "sampled " + drift[1] + " vs plain " + drift[0]);
    }

    /** |C|'s relative drift from the truth after learning from the true A and C on 4 short sequences. */
    private static double cDrift(TpcLearner.Config cfg) {
        LinearSystem s = TpcStepTest.small(Activation.IDENTITY);
        List<double[][]> us = new ArrayList<>();
        List<double[][]> ys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LinearSystem.Trajectory tr = s.simulate(300, 20 + i);
            us.add(tr.inputs());
            ys.add(tr.observations());
        }
        TpcModel m = new TpcModel(s);
        TpcLearner.learn(m, TpcFilter.Config.equilibrium(), cfg, s.x0(), us, ys);
        return Math.abs(frobenius(m.c()) / frobenius(s.c()) - 1);
    }

    private static double[][] scaled(double[][] a, double k) {
        double[][] o = Mat.copy(a);
        for (double[] r : o) {
            for (int j = 0; j < r.length; j++) {
                r[j] *= k;
            }
        }
        return o;
    }

    @Test
    void sequencesOfDifferentLengthsAreAnError() {
        LinearSystem s = TpcStepTest.small(Activation.IDENTITY);
        LinearSystem.Trajectory a = s.simulate(30, 1);
        LinearSystem.Trajectory b = s.simulate(20, 2);
        TpcLearner.Config cfg = new TpcLearner.Config(1, 1e-3, true, true);
        PcnException e = assertThrows(PcnException.class, () -> TpcLearner.learn(new TpcModel(s),
                TpcFilter.Config.equilibrium(), cfg, s.x0(), List.of(a.inputs(), b.inputs()),
                List.of(a.observations(), b.observations())));
        assertTrue(e.getMessage().contains("sequence 2 has 20 rows"), e.getMessage());
    }

    private static double frobenius(double[][] c) {
        return Math.sqrt(Mat.trace(Mat.mul(Mat.t(c), c)));
    }
}
