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
import org.openjdk.jmh.infra.Blackhole;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.kernel.ScalarKernels;

/** Activations and their derivatives over a 64 x 784 batch (nanoseconds per call). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g", "-XX:MaxInlineLevel=25"})
public class ActivationBenchmark {
    @Param({"tanh", "sigmoid", "relu", "gelu", "gelu_tanh"})
    public String activation;

    @Param({"vector", "scalar"})
    public String kernels;

    private static final int ROWS = 64;
    private static final int COLS = 784;
    private Kernels k;
    private Activation f;
    private float[] x, y, dy;

    @Setup
    public void setup() {
        k = kernels.equals("scalar") ? new ScalarKernels() : Backends.current();
        f = Activation.parse(activation);
        SplittableRandom rng = new SplittableRandom(1);
        x = new float[ROWS * COLS];
        y = new float[ROWS * COLS];
        dy = new float[ROWS * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 8 - 4);
        }
    }

    @Benchmark
    public void activate(Blackhole bh) {
        k.activate(f, x, 0, y, 0, x.length);
        bh.consume(y);
    }

    @Benchmark
    public void derivative(Blackhole bh) {
        k.activateDerivative(f, x, 0, y, 0, x.length);
        bh.consume(y);
    }

    /** Value and slope in one call (one exponential for tanh and sigmoid on the vector backend). */
    @Benchmark
    public void fused(Blackhole bh) {
        k.activateWithDerivative(f, x, 0, y, 0, dy, 0, x.length);
        bh.consume(y);
        bh.consume(dy);
    }

    /** Value and slope as the engine's pre-activation edges compute them today: two calls. */
    @Benchmark
    public void separate(Blackhole bh) {
        k.activate(f, x, 0, y, 0, x.length);
        k.activateDerivative(f, x, 0, dy, 0, x.length);
        bh.consume(y);
        bh.consume(dy);
    }
}
