package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.Node;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/**
 * Preconditioned inference: {@link NodeCurvature} finds each node's largest curvature (checked
 * against the exact pi_n + pi_c sigma_max(W)^2 of a linear chain), and dividing each node's step
 * by it keeps a rate stable that diverges as one global rate, with PC's update still backprop's.
 */
class PreconditionTest {
    private static final int BATCH = 8;

    private static Mlp mlp(Activation f, float hidden) {
        Mlp m = Mlp.builder().sizes(6, 10, 8, 4).activation(f).init("xavier", 3).build();
        m.setHiddenPrecision(hidden);
        return m;
    }

    private static float[][] batch() {
        return TrainFixtures.batch(6, 4, BATCH, 9);
    }

    /** sigma_max(W)^2 of a row-major rows x cols matrix, by many power iterations in double. */
    private static double sigmaMaxSquared(float[] w, int rows, int cols) {
        double[] v = new double[cols];
        java.util.Arrays.fill(v, 1);
        double s = 0;
        for (int it = 0; it < 500; it++) {
            double[] u = new double[rows];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    u[r] += w[r * cols + c] * v[c];
                }
            }
            double[] z = new double[cols];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    z[c] += w[r * cols + c] * u[r];
                }
            }
            double n = 0;
            for (double d : z) {
                n += d * d;
            }
            n = Math.sqrt(n);
            double vn = 0;
            for (double d : v) {
                vn += d * d;
            }
            s = n / Math.sqrt(vn);
            for (int c = 0; c < cols; c++) {
                v[c] = z[c] / n;
            }
        }
        return s;
    }

    @Test
    void theCurvatureOfALinearChainIsPiPlusTheNextPrecisionTimesSigmaMaxSquared() {
        Mlp m = mlp(Activation.IDENTITY, 100f);
        float[][] b = batch();
        Trainer t = new Trainer(m.network(), m.input(), m.output(), TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(0).build()).optimizer(OptimizerConfig.sgd(0))
                .schedule(Schedule.constant(0.0)).build());
        t.step(b[0], b[1], BATCH); // clamps the batch and sets the states by a feedforward pass
        List<Node> hidden = List.of(m.network().nodes().get(1), m.network().nodes().get(2));
        double[] rel = NodeCurvature.relative(m.network(), hidden, 1, 0);
        // x1's block: 100 I + 100 W2^T W2; x2's: 100 I + 1 * W3^T W3 (the output's precision is 1).
        DenseEdge w2 = m.layers().get(1);
        DenseEdge w3 = m.layers().get(2);
        double exact1 = 1 + sigmaMaxSquared(w2.weight().data(), 8, 10);
        double exact2 = 1 + sigmaMaxSquared(w3.weight().data(), 4, 8) / 100;
        // A Rayleigh quotient never exceeds the top eigenvalue; four iterations get most of the way.
        assertTrue(rel[0] <= exact1 * (1 + 1e-3) && rel[0] > 0.8 * exact1, rel[0] + " vs " + exact1);
        assertTrue(rel[1] <= exact2 * (1 + 1e-3) && rel[1] > 0.95 * exact2, rel[1] + " vs " + exact2);
        assertTrue(exact1 > 1.5, "the stiff node really is stiff: " + exact1);
    }

    private static double[] run(boolean precondition, int steps, double gammaPi) {
        Mlp m = mlp(Activation.TANH, 1000f);
        float[][] b = batch();
        double[][] bp = new ReferenceMlp(m).gradients(b[0], b[1], BATCH);
        Trainer t = new Trainer(m.network(), m.input(), m.output(), TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(steps).lr(gammaPi / 1000).momentum(0)
                        .precondition(precondition).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.0)).build());
        Trainer.StepResult r = t.step(b[0], b[1], BATCH);
        double[] vsBp = TrainFixtures.againstBackprop(m, bp);
        List<double[]> trace = t.energyTrace();
        int rises = 0;
        for (int i = 1; i < trace.size(); i++) {
            rises += trace.get(i)[0] > trace.get(i - 1)[0] * (1 + 1e-6) ? 1 : 0;
        }
        return new double[] {vsBp[0], vsBp[1], r.finalEnergy() / r.initialEnergy(), rises};
    }

    /** The rate that blows up as one global rate (LocalRulesTest: gamma pi = 0.5 on this net) settles when preconditioned. */
    @Test
    void aRateThatDivergesGloballyIsStableAndMatchesBackpropPreconditioned() {
        double[] plain = run(false, 40, 0.5);
        double[] pre = run(true, 40, 0.5);
        assertTrue(plain[2] > 10, "one global rate diverges: energy x" + plain[2]);
        assertEquals(0, pre[3], "preconditioned, the energy never rises");
        assertTrue(pre[0] > 0.999, "cosine with backprop: " + pre[0]);
        assertTrue(Math.abs(pre[1] - 1) < 0.05, "length ratio to backprop: " + pre[1]);
    }
}
