package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

class ConfigBuildersTest {
    @Test
    void defaultsAreTheCommandLineDefaults() {
        TrainConfig c = TrainConfig.builder().build();
        assertInstanceOf(PcRule.class, c.rule());
        assertEquals(Algorithm.PC, c.algorithm());
        assertEquals(new InferenceConfig(8, OptimizerConfig.Kind.SGD, 0.03, 0.1, 0), c.inference());
        assertEquals(OptimizerConfig.adamw(0), c.optimizer());
        assertEquals(new Schedule.OverRun(1e-3, 0.1), c.schedule());
        assertEquals(0, c.clipNorm());
    }

    @Test
    void theRunLongScheduleIsBoundBeforeUse() {
        Schedule.OverRun s = Schedule.warmupCosine(1e-3, 0.1);
        // Unbound it has no length, so it refuses to invent a rate.
        assertThrows(PcnException.class, () -> s.rate(0));
        Schedule bound = s.over(1000);
        Schedule explicit = Schedule.warmupCosine(1e-3, 100, 1000, 0);
        for (long step : new long[] {0, 50, 99, 100, 500, 999, 1000, 5000}) {
            assertEquals(explicit.rate(step), bound.rate(step), "step " + step);
        }
        assertEquals(1e-3, bound.rate(99), 1e-15);
        assertEquals(0, bound.rate(1000));
        assertThrows(PcnException.class, () -> Schedule.warmupCosine(1e-3, 1.5));
        assertThrows(PcnException.class, () -> Schedule.warmupCosine(Double.NaN, 0.1));
    }

    @Test
    void namedFieldsSetWhatTheySay() {
        InferenceConfig i = InferenceConfig.builder().steps(20).optimizer(OptimizerConfig.Kind.ADAM).lr(0.05)
                .momentum(0).energyTolerance(1e-4).build();
        assertEquals(InferenceConfig.builder().steps(20).optimizer(OptimizerConfig.Kind.ADAM).lr(0.05).momentum(0).energyTolerance(1e-4).build(), i);
        assertEquals(i, i.toBuilder().build());
        assertEquals(5, i.withSteps(5).steps());
        OptimizerConfig o = OptimizerConfig.builder().kind(OptimizerConfig.Kind.SGD).momentum(0.9).nesterov(true)
                .weightDecay(1e-4).build();
        assertEquals(new OptimizerConfig(OptimizerConfig.Kind.SGD, 0.9, true, 1e-4, 0.9, 0.999, 1e-8), o);
        TrainConfig t = TrainConfig.builder().rule(new NudgeRule(Nudge.NEGATIVE, 0.3)).inference(i).optimizer(o)
                .schedule(Schedule.constant(0.5)).clipNorm(2).build();
        assertEquals(Algorithm.PC_NUDGE, t.algorithm());
        assertEquals(0.3, ((NudgeRule) t.rule()).beta());
        assertEquals(2, t.clipNorm());
        assertEquals(0.5, t.toBuilder().build().schedule().rate(3));
    }

    @Test
    void theMemoryConfigHasNamedFieldsToo() {
        org.pcn4j.memory.PcMemory.Config d = org.pcn4j.memory.PcMemory.Config.defaults();
        org.pcn4j.memory.PcMemory.Config c = org.pcn4j.memory.PcMemory.Config.builder().latent(16).hidden(32, 64)
                .epochs(7).seed(9).build();
        assertEquals(16, c.latent());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {32, 64}, c.hidden());
        assertEquals(7, c.epochs());
        assertEquals(9, c.seed());
        assertEquals(d.activation(), c.activation());
        assertEquals(d.inferenceSteps(), c.inferenceSteps());
        assertEquals(d.stateLr(), c.stateLr());
        assertEquals(d.stateMomentum(), c.stateMomentum());
        assertEquals(d.lr(), c.lr());
        assertEquals(d.batch(), c.batch());
    }

    @Test
    void everyAlgorithmBuildsItsRuleAndNudgingKeepsItsOwnHyperparameters() {
        for (Algorithm a : Algorithm.values()) {
            TrainConfig c = TrainConfig.builder().algorithm(a).build();
            assertEquals(a, c.algorithm());
            assertEquals(a.id(), c.rule().id());
        }
        TrainConfig n = TrainConfig.builder().rule(new NudgeRule(Nudge.POSITIVE, 0.25)).build();
        assertEquals(Algorithm.PC_NUDGE, n.algorithm());
        assertEquals(Nudge.POSITIVE, ((NudgeRule) n.rule()).nudge());
        assertEquals(0.25, ((NudgeRule) n.rule()).beta());
        PcnException e = assertThrows(PcnException.class, () -> new NudgeRule(Nudge.CENTERED, 0));
        assertEquals("pc-nudge needs --beta > 0, got 0.0", e.getMessage());
    }
}
