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

/**
 * SGEMM C = op(A) op(B) on pcn4j's kernels. Shapes are "MxKxN" (m, k, n); {@code layout} picks the engine's
 * three products: NN (E W), NT (X W^T) and TN (E^T X). Time per call; GFLOP/s = 2 m k n / time.
 *
 * <pre>
 * ./mvnw -q -DskipTests package
 * java -jar pcn4j-bench/target/benchmarks.jar GemmBenchmark -p shape=512x1024x1024 -p threads=1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class GemmBenchmark {

    @Param({"64x784x128", "64x128x784", "128x64x784", "128x784x512", "256x512x512", "512x1024x1024", "1024x1024x1024", "64x256x10"})
    public String shape;

    @Param({"NN", "NT", "TN"})
    public String layout;

    @Param({"1", "2"})
    public int threads;

    /** "vector" (the default backend) or "scalar". */
    @Param({"vector"})
    public String kernels;

    private Kernels k;
    private int m, kk, n, lda, ldb;
    private boolean ta, tb;
    private float[] a, b, c;

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        m = Integer.parseInt(s[0].trim());
        kk = Integer.parseInt(s[1].trim());
        n = Integer.parseInt(s[2].trim());
        ta = layout.charAt(0) == 'T';
        tb = layout.charAt(1) == 'T';
        lda = ta ? m : kk;
        ldb = tb ? kk : n;
        SplittableRandom rng = new SplittableRandom(1);
        a = new float[m * kk];
        b = new float[kk * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        Backends.setThreads(threads);
        k = kernels.equals("scalar") ? new ScalarKernels() : Backends.current();
    }

    @Benchmark
    public void sgemm(Blackhole bh) {
        k.sgemm(ta, tb, m, n, kk, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        bh.consume(c);
    }
}
