package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/** Properties of incremental PC and nudging that pin down their schedules. */
class VariantsTest {
    private static final int BATCH = 9;

    private static Mlp mlp() {
        return Mlp.builder().sizes(6, 11, 7, 4).activation(Activation.TANH).init("xavier", 5).build();
    }

    private static float[][] batch() {
        return TrainFixtures.batch(6, 4, BATCH, 2);
    }

    private static Trainer trainer(Mlp m, Algorithm a, int steps, Nudge nudge, double beta) {
        UpdateRule rule = a == Algorithm.PC_NUDGE ? new NudgeRule(nudge, beta) : a.rule();
        return new Trainer(m.network(), m.input(), m.output(), TrainConfig.builder().rule(rule)
                .inference(InferenceConfig.builder().steps(steps).lr(0.1).momentum(0.5).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.05)).build());
    }

    /**
     * With one step, incremental PC updates the weights from the errors right after the
     * feedforward init: only the output layer has an error, so only it moves, exactly as in
     * backprop, and every other layer keeps its weights.
     */
    @Test
    void firstIncrementalStepMovesOnlyTheOutputLayerAsBackpropDoes() {
        float[][] d = batch();
        Mlp ipc = mlp();
        Mlp bp = mlp();
        trainer(ipc, Algorithm.IPC, 1, Nudge.POSITIVE, 1).step(d[0], d[1], BATCH);
        trainer(bp, Algorithm.BP, 1, Nudge.POSITIVE, 1).step(d[0], d[1], BATCH);
        Mlp fresh = mlp();
        int last = ipc.depth() - 1;
        for (int l = 0; l < ipc.depth(); l++) {
            float[] w = ipc.layers().get(l).weight().data();
            if (l == last) {
                assertArrayEquals(bp.layers().get(l).weight().data(), w, 1e-6f);
                assertArrayEquals(bp.layers().get(l).bias(), ipc.layers().get(l).bias(), 1e-6f);
            } else {
                assertArrayEquals(fresh.layers().get(l).weight().data(), w, "layer " + l + " must not move");
            }
        }
        // With more steps the errors reach the lower layers and they move too.
        Mlp ipc3 = mlp();
        trainer(ipc3, Algorithm.IPC, 3, Nudge.POSITIVE, 1).step(d[0], d[1], BATCH);
        DenseEdge second = ipc3.layers().get(1);
        float moved = 0;
        for (int i = 0; i < second.weight().size(); i++) {
            moved = Math.max(moved, Math.abs(second.weight().data()[i] - fresh.layers().get(1).weight().data()[i]));
        }
        assertTrue(moved > 0, "layer 1 moves within three steps");
    }

    /** Positive nudging with beta = 1 clamps the output to the target: it is standard PC. */
    @Test
    void positiveNudgeWithBetaOneIsStandardPc() {
        float[][] d = batch();
        Mlp nudged = mlp();
        Mlp pc = mlp();
        Trainer.StepResult rn = trainer(nudged, Algorithm.PC_NUDGE, 6, Nudge.POSITIVE, 1).step(d[0], d[1], BATCH);
        Trainer.StepResult rp = trainer(pc, Algorithm.PC, 6, Nudge.POSITIVE, 1).step(d[0], d[1], BATCH);
        assertEquals(rp.loss(), rn.loss(), 1e-6);
        for (int l = 0; l < pc.depth(); l++) {
            assertArrayEquals(pc.layers().get(l).weight().data(), nudged.layers().get(l).weight().data(), 1e-6f);
        }
    }

    /**
     * Negative nudging pushes the output away from the target and flips the sign of its update,
     * so at small beta the positive and negative updates agree, and centred nudging (their mean)
     * with them, to first order in beta.
     */
    @Test
    void positiveNegativeAndCentredNudgesAgreeAtSmallBeta() {
        float[][] d = batch();
        double beta = 1e-2;
        float[][] deltas = new float[3][];
        Nudge[] kinds = {Nudge.POSITIVE, Nudge.NEGATIVE, Nudge.CENTERED};
        float[] w0 = mlp().layers().get(0).weight().data();
        for (int k = 0; k < 3; k++) {
            Mlp m = mlp();
            trainer(m, Algorithm.PC_NUDGE, 20, kinds[k], beta).step(d[0], d[1], BATCH);
            float[] w = m.layers().get(0).weight().data();
            deltas[k] = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                deltas[k][i] = w[i] - w0[i];
            }
        }
        for (int k = 1; k < 3; k++) {
            double num = 0;
            double den = 0;
            for (int i = 0; i < w0.length; i++) {
                num += Math.pow(deltas[k][i] - deltas[0][i], 2);
                den += Math.pow(deltas[0][i], 2);
            }
            assertTrue(den > 0);
            assertTrue(Math.sqrt(num / den) < 0.05, kinds[k] + " vs positive: " + Math.sqrt(num / den));
        }
    }
}
