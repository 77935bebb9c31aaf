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
        LinearSystem s = TpcStepTest.small(Activation.IDENTITY);
        List<double[][]> us = new ArrayList<>();
        List<double[][]> ys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            LinearSystem.Trajectory tr = s.simulate(300, 20 + i);
            us.add(tr.inputs());
            ys.add(tr.observations());
        }
        double trueNorm = frobenius(s.c());
        double[] drift = new double[2];
        for (int v = 0; v < 2; v++) {
            TpcLearner.Config cfg = new TpcLearner.Config(40, 0.002, false, true, 0, v == 1);
            TpcModel m = new TpcModel(s);
            TpcLearner.learn(m, TpcFilter.Config.equilibrium(), cfg, s.x0(), us, ys);
            drift[v] = Math.abs(frobenius(m.c()) / trueNorm - 1);
        }
        assertTrue(drift[0] > 0.1, "the plain rule moves |C| by " + drift[0]);
        assertTrue(drift[1] < drift[0] / 3, "corrected " + drift[1] + " vs plain " + drift[0]);
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
