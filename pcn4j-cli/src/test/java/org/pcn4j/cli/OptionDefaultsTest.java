package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import picocli.CommandLine;

/**
 * The defaults of {@code pcn4j train} and of the core builders are declared in two places (the
 * option annotations and the builders); this test keeps them equal, so a library user and a CLI user
 * train the same recipe when they set nothing.
 */
class OptionDefaultsTest {

    private static TrainCommand parsed(String... args) {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void inferenceDefaultsEqualTheCoreBuilder() {
        TrainCommand c = parsed();
        c.inference.resolveDefaults(false);
        assertEquals(InferenceConfig.builder().build(), c.inference.config());
        assertEquals(Algorithm.of(TrainConfig.builder().build().rule()), c.inference.parsedAlgorithm());
    }

    @Test
    void weightOptimizerAndScheduleDefaultsEqualTheCoreBuilder() {
        TrainCommand c = parsed();
        c.optimizer.resolveDefaults(false, false, 1000);
        TrainConfig core = TrainConfig.builder().build();
        assertEquals(core.optimizer(), c.optimizer.config());
        assertEquals(core.clipNorm(), c.optimizer.clipNorm);
        // The builder's schedule is the run-long warmup-cosine the CLI's --schedule, --lr and --warmup name.
        assertEquals("warmup-cosine", c.optimizer.schedule);
        assertEquals(core.schedule(), Schedule.warmupCosine(c.optimizer.lr, c.optimizer.warmup));
        assertEquals(Schedule.warmupCosine(TrainConfig.DEFAULT_LR, TrainConfig.DEFAULT_WARMUP), core.schedule());
    }

    @Test
    void generativeModeTakesTheGenerativeRate() {
        // The generative rate is the budget over the run's planned updates, capped at 1e-3.
        TrainCommand c = parsed("--mode", "generative");
        c.optimizer.resolveDefaults(c.model.generative(), false, 9380);
        assertEquals(TrainConfig.generativeLr(9380), c.optimizer.lr);
        assertEquals(1e-4, c.optimizer.lr, 1e-12); // 10 MNIST epochs at batch 64: the documented recipe
        TrainCommand small = parsed("--mode", "generative");
        small.optimizer.resolveDefaults(true, false, 460);
        assertEquals(TrainConfig.GENERATIVE_LR_MAX, small.optimizer.lr);
        TrainCommand d = parsed();
        d.optimizer.resolveDefaults(d.model.generative(), false, 8000);
        assertEquals(TrainConfig.DEFAULT_LR, d.optimizer.lr);
        // A rate given on the command line wins in both modes.
        TrainCommand e = parsed("--mode", "generative", "--lr", "0.002");
        e.optimizer.resolveDefaults(true, false, 8000);
        assertEquals(0.002, e.optimizer.lr);
    }

    @Test
    void discriminativeIpcTakesItsOwnRecipeUnlessTheUserGaveOne() {
        TrainCommand c = parsed("--algorithm", "ipc");
        c.inference.resolveDefaults(true);
        c.optimizer.resolveDefaults(false, true, 8000);
        assertEquals(InferenceConfig.ipcBuilder().build(), c.inference.config());
        assertEquals(TrainConfig.IPC_LR, c.optimizer.lr);
        assertEquals(OptimizerConfig.adamw(TrainConfig.IPC_WEIGHT_DECAY), c.optimizer.config());
        // Generative iPC keeps the PC states and the generative rate (the sweep's best there).
        TrainCommand g = parsed("--algorithm", "ipc", "--mode", "generative");
        g.inference.resolveDefaults(false); // TrainCommand: ipcRecipe = !generative && ipc
        g.optimizer.resolveDefaults(true, false, 64000);
        assertEquals(InferenceConfig.builder().build(), g.inference.config());
        assertEquals(TrainConfig.generativeLr(64000), g.optimizer.lr);
        assertEquals(0.0, g.optimizer.weightDecay);
        // What the user says wins, field by field.
        TrainCommand u = parsed("--algorithm", "ipc", "--state-lr", "0.05", "--weight-decay", "0");
        u.inference.resolveDefaults(true);
        u.optimizer.resolveDefaults(false, true, 8000);
        assertEquals(0.05, u.inference.stateLr);
        assertEquals(InferenceConfig.ipcBuilder().build().momentum(), u.inference.stateMomentum);
        assertEquals(0.0, u.optimizer.weightDecay);
        assertEquals(TrainConfig.IPC_LR, u.optimizer.lr);
    }

    @Test
    void loopDefaultsEqualTheCoreBuilder() {
        FitConfig cli = parsed().loop.config(false);
        FitConfig core = FitConfig.builder().build();
        assertEquals(core.epochs(), cli.epochs());
        assertEquals(core.batchSize(), cli.batchSize());
        assertEquals(core.shuffle(), cli.shuffle());
        assertEquals(core.seed(), cli.seed());
        assertEquals(core.maxSteps(), cli.maxSteps());
        assertEquals(core.validation(), cli.validation());
        assertEquals(core.keep(), cli.keep());
        assertEquals(core.onDivergence(), cli.onDivergence());
        assertEquals(core.checkpointEvery(), cli.checkpointEvery());
        assertEquals(core.evalInferenceSteps(), cli.evalInferenceSteps());
    }
}
