package org.pcn4j.external;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Param;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.StepContext;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;
import org.pcn4j.train.UpdateRule;

/** Update rules defined outside the project, handed to the trainer through the config. */
class ExternalRuleTest {
    /** Standard PC written from the public API alone: init -> solve inference -> update. */
    static final class MyPc implements UpdateRule {
        @Override
        public String id() {
            return "my-pc";
        }

        @Override
        public Trainer.StepResult step(StepContext s, float[] y) {
            double e0 = s.clampTargetAndInitialize(y);
            s.inference().relax(s.inference().config().steps());
            s.network().computeWeightGradients(1f, false);
            s.applyWeights();
            return s.result(e0, e0);
        }
    }

    /** Two rounds per batch: relax, update, relax again from there, update again. */
    static final class TwiceRelaxed implements UpdateRule {
        @Override
        public String id() {
            return "twice";
        }

        @Override
        public Trainer.StepResult step(StepContext s, float[] y) {
            double e0 = s.clampTargetAndInitialize(y);
            for (int round = 0; round < 2; round++) {
                s.inference().relax(s.inference().config().steps());
                s.network().computeWeightGradients(1f, false);
                s.applyWeights();
                s.network().computePredictions();
                s.network().computeErrors();
                s.inference().trace();
            }
            return s.result(e0, e0);
        }
    }

    private static float[][] data(int batch) {
        SplittableRandom rng = new SplittableRandom(4);
        float[] x = new float[batch * 6];
        float[] y = new float[batch * 3];
        for (int i = 0; i < batch; i++) {
            int c = rng.nextInt(3);
            y[i * 3 + c] = 1f;
            for (int j = 0; j < 6; j++) {
                x[i * 6 + j] = (float) ((j / 2 == c ? 1 : 0) + 0.2 * rng.nextDouble());
            }
        }
        return new float[][] {x, y};
    }

    private static TrainConfig config(UpdateRule rule) {
        return TrainConfig.builder().rule(rule)
                .inference(InferenceConfig.builder().steps(6).lr(0.1).momentum(0.5).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(5e-3)).build();
    }

    private static Mlp mlp() {
        return Mlp.builder().sizes(6, 8, 3).activation(Activation.TANH).init("default", 7).build();
    }

    @Test
    void aRuleWrittenOutsideMatchesTheBuiltInBitForBit() {
        float[][] d = data(12);
        Mlp a = mlp();
        Mlp b = mlp();
        Trainer mine = new Trainer(a.network(), a.input(), a.output(), config(new MyPc()));
        Trainer builtIn = new Trainer(b.network(), b.input(), b.output(), config(Algorithm.PC.rule()));
        assertNull(mine.config().algorithm(), "an external rule is no built-in algorithm");
        assertEquals(Algorithm.PC, builtIn.config().algorithm());
        for (int s = 0; s < 5; s++) {
            Trainer.StepResult r1 = mine.step(d[0], d[1], 12);
            Trainer.StepResult r2 = builtIn.step(d[0], d[1], 12);
            assertEquals(r2, r1);
        }
        for (int i = 0; i < mine.weightParams().size(); i++) {
            Param p = mine.weightParams().get(i);
            Param q = builtIn.weightParams().get(i);
            assertEquals(q.name(), p.name());
            assertArrayEquals(q.value(), p.value(), p.name());
        }
    }

    @Test
    void theTrainerRunsARuleOfItsOwn() {
        float[][] d = data(12);
        Mlp m = mlp();
        Trainer t = new Trainer(m.network(), m.input(), m.output(), config(new TwiceRelaxed()));
        double first = t.step(d[0], d[1], 12).loss();
        assertEquals(2, t.updates());
        // 1 initial row, then per round 6 relaxation rows and 1 after the update.
        assertEquals(1 + 2 * (6 + 1), t.energyTrace().size());
        double last = first;
        for (int s = 0; s < 40; s++) {
            last = t.step(d[0], d[1], 12).loss();
        }
        assertEquals(82, t.updates());
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    }
}
