package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Param;
import org.pcn4j.optim.Schedule;

/**
 * Backtracking inference ({@link InferenceConfig#backtrack()}): a state step that raises the energy
 * is undone and the rate halved, so the energy never rises and a too large state rate cannot
 * blow inference up; where no step rises it changes nothing, bit for bit.
 */
class BacktrackTest {
    private static final int BATCH = 16;

    private static Trainer trainer(double stateLr, double momentum, boolean backtrack, int steps, float hiddenPrecision) {
        Mlp m = Mlp.builder().sizes(12, 20, 16, 5).activation(Activation.TANH).init("xavier", 7).build();
        m.setHiddenPrecision(hiddenPrecision);
        TrainConfig tc = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(steps).lr(stateLr).momentum(momentum).backtrack(backtrack).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.05)).build();
        return new Trainer(m.network(), m.input(), m.output(), tc);
    }

    private static float[][] batch(long seed) {
        return TrainFixtures.batch(12, 5, BATCH, seed);
    }

    @Test
    void anOvershootingRateIsUndoneAndTheEnergyNeverRises() {
        // pi = 1000 with gamma pi = 1.5: the plain steps overshoot along the hidden chain.
        Trainer plain = trainer(1.5e-3, 0, false, 20, 1000f);
        Trainer safe = trainer(1.5e-3, 0, true, 20, 1000f);
        float[][] b = batch(1);
        Trainer.StepResult rp = plain.step(b[0], b[1], BATCH);
        Trainer.StepResult rs = safe.step(b[0], b[1], BATCH);
        assertTrue(rp.finalEnergy() > 10 * rp.initialEnergy(), "the plain steps blow up: " + rp.finalEnergy());
        assertTrue(safe.inference().backtracks() > 0, "some steps were undone");
        assertTrue(safe.inference().rateFactor() < 1);
        List<double[]> trace = safe.energyTrace();
        for (int t = 1; t < trace.size(); t++) {
            assertTrue(trace.get(t)[0] <= trace.get(t - 1)[0] * (1 + 1e-6), "step " + t + " raised the energy");
        }
        assertTrue(rs.finalEnergy() < rs.initialEnergy(), rs.finalEnergy() + " from " + rs.initialEnergy());
        // The next batch starts a tenth above the lowered rate, not back at the full one.
        double factor = safe.inference().rateFactor();
        float[][] b2 = batch(2);
        safe.step(b2[0], b2[1], BATCH);
        assertTrue(safe.inference().rateFactor() <= Math.min(1, factor * 1.1) + 1e-15);
    }

    @Test
    void whereNoStepRisesItChangesNothing() {
        Trainer a = trainer(0.05, 0, false, 8, 1f);
        Trainer b = trainer(0.05, 0, true, 8, 1f);
        for (int i = 0; i < 5; i++) {
            float[][] d = batch(10 + i);
            a.step(d[0], d[1], BATCH);
            b.step(d[0], d[1], BATCH);
        }
        assertEquals(0, b.inference().backtracks());
        for (int i = 0; i < a.weightParams().size(); i++) {
            Param pa = a.weightParams().get(i);
            Param pb = b.weightParams().get(i);
            assertArrayEquals(Arrays.copyOf(pa.value(), pa.length()), Arrays.copyOf(pb.value(), pb.length()), pa.name());
        }
    }
}
