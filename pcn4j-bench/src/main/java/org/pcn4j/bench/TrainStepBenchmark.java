package org.pcn4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.Nudge;
import org.pcn4j.train.NudgeRule;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/** One training step (T = 5, batch 64, tanh) of each algorithm, microseconds per step. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g", "-XX:MaxInlineLevel=25"})
public class TrainStepBenchmark {
    @Param({"784-128-128-10", "784-1000-1000-10"})
    public String model;

    @Param({"pc", "bp"})
    public String algorithm;

    private static final int BATCH = 64;
    private Trainer trainer;
    private float[] x;
    private float[] y;

    @Setup
    public void setup() {
        int[] sizes = MlpSpec.parseSizes(model);
        Mlp mlp = new Mlp(new MlpSpec(sizes, Activation.TANH, Activation.IDENTITY, Convention.POST, Energy.GAUSSIAN));
        mlp.initialize("default", 1);
        Algorithm alg = Algorithm.parse(algorithm);
        TrainConfig cfg = TrainConfig.builder()
                .rule(alg == Algorithm.PC_NUDGE ? new NudgeRule(Nudge.POSITIVE, 1) : alg.rule())
                .inference(InferenceConfig.builder().steps(5).lr(0.05).momentum(0.5).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-4)).build();
        trainer = new Trainer(mlp.network(), mlp.input(), mlp.output(), cfg);
        SplittableRandom rng = new SplittableRandom(7);
        x = new float[BATCH * sizes[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        int out = sizes[sizes.length - 1];
        y = new float[BATCH * out];
        for (int b = 0; b < BATCH; b++) {
            y[b * out + rng.nextInt(out)] = 1f;
        }
    }

    @Benchmark
    public double step() {
        return trainer.step(x, y, BATCH).finalEnergy();
    }
}
