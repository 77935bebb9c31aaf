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
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.kernel.ScalarKernels;

/** Row-wise softmax and log-softmax of a batch (nanoseconds per call). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g", "-XX:MaxInlineLevel=25"})
public class SoftmaxBenchmark {
    /** "ROWSxCOLS". */
    @Param({"64x10", "64x784"})
    public String shape;

    @Param({"vector", "scalar"})
    public String kernels;

    private Kernels k;
    private int rows, cols;
    private float[] x, y;

    @Setup
    public void setup() {
        k = kernels.equals("scalar") ? new ScalarKernels() : Backends.current();
        String[] s = shape.split("x");
        rows = Integer.parseInt(s[0].trim());
        cols = Integer.parseInt(s[1].trim());
        SplittableRandom rng = new SplittableRandom(1);
        x = new float[rows * cols];
        y = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 8 - 4);
        }
    }

    @Benchmark
    public void softmax(Blackhole bh) {
        k.softmax(x, 0, y, 0, rows, cols);
        bh.consume(y);
    }

    @Benchmark
    public void logSoftmax(Blackhole bh) {
        k.logSoftmax(x, 0, y, 0, rows, cols);
        bh.consume(y);
    }
}
