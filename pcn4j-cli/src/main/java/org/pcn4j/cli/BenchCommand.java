package org.pcn4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pcn4j bench ...}: quick, time-boxed speed checks of the building blocks. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measure the speed of pcn4j's kernels on this machine (gemm, step, conv), and how close PC's gradients come to backprop's (gradient).",
        subcommands = {BenchCommand.Gemm.class, BenchStepCommand.class, BenchConvCommand.class, BenchGradientCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The shapes measured, as (m, k, n): C[m x n] = A[m x k] B[k x n]. */
    static final int[][] SHAPES = {{128, 784, 512}, {256, 512, 512}, {512, 1024, 1024}, {1024, 1024, 1024}, {64, 256, 10}};

    @Command(name = "gemm",
            mixinStandardHelpOptions = true,
            description = {
                "Single-precision matrix multiply C = A B, A m x k, B k x n, for a fixed set of shapes: pcn4j's"
                        + " kernel on 1 thread and on all cores, and a naive i-k-j triple loop on 1 thread.",
                "Each figure is the median of several timed repetitions after a warm-up; GFLOP/s = 2 m k n / time."
                        + " The whole run takes about 15-25 seconds."})
    static final class Gemm implements Runnable {
        @Option(names = "--json", description = "Print one JSON object per measurement instead of a table.")
        boolean json;

        @Option(names = "--threads", paramLabel = "N",
                description = "Threads for the multi-threaded measurement (default: all cores, ${DEFAULT-VALUE}).")
        int threads = Runtime.getRuntime().availableProcessors();

        /** Tiny time budgets, for tests of the output format only. */
        @Option(names = "--quick", hidden = true)
        boolean quick;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Budget budget = quick ? new Budget(5_000_000L, 10_000_000L, 1) : Budget.DEFAULT;
            if (threads < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be >= 1, got " + threads);
            }
            PrintWriter out = spec.commandLine().getOut();
            Kernels kernels = Backends.current();
            int savedThreads = Backends.threads();
            if (!json) {
                out.printf(Locale.ROOT, "pcn4j bench gemm: kernels %s, %d cores, Java %s, %s%n", kernels.name(),
                        Runtime.getRuntime().availableProcessors(), Runtime.version(), System.getProperty("os.arch"));
                out.printf(Locale.ROOT, "GEMM microkernel: %s%n", kernels.gemmKernel());
                out.printf(Locale.ROOT, "Heap pages: %s%n", Backends.heapPages());
                out.printf(Locale.ROOT, "C = A B in float32, A m x k, B k x n; median of timed repetitions (best in brackets)%n%n");
                out.printf(Locale.ROOT, "%6s %6s %6s  %-6s %7s  %18s  %8s%n", "m", "k", "n", "kernel", "threads", "GFLOP/s", "x naive");
                out.flush();
            }
            if (!quick) {
                warmUpNaive();
                warmUp(kernels);
            }
            try {
                for (int[] s : SHAPES) {
                    int m = s[0], k = s[1], n = s[2];
                    SplittableRandom rng = new SplittableRandom(17);
                    float[] a = random(rng, m * k);
                    float[] b = random(rng, k * n);
                    float[] c = new float[m * n];
                    double[] naive = measure(budget, () -> naive(m, n, k, a, b, c), m, n, k);
                    List<int[]> threadCounts = new ArrayList<>();
                    threadCounts.add(new int[] {1});
                    if (threads != 1) {
                        threadCounts.add(new int[] {threads});
                    }
                    for (int[] t : threadCounts) {
                        Backends.setThreads(t[0]);
                        double[] r = measure(budget, () -> kernels.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n), m, n, k);
                        report(out, m, k, n, t[0], "pcn4j", r, naive[0]);
                    }
                    report(out, m, k, n, 1, "naive", naive, naive[0]);
                }
            } finally {
                Backends.setThreads(savedThreads);
            }
        }

        private void report(PrintWriter out, int m, int k, int n, int t, String kernel, double[] r, double naive) {
            if (json) {
                out.printf(Locale.ROOT, "{\"m\":%d,\"k\":%d,\"n\":%d,\"threads\":%d,\"kernel\":\"%s\",\"gflops\":%.2f}%n",
                        m, k, n, t, kernel, r[0]);
            } else {
                String ratio = kernel.equals("naive") ? "" : String.format(Locale.ROOT, "%.1fx", r[0] / naive);
                out.printf(Locale.ROOT, "%6d %6d %6d  %-6s %7d  %8.1f [%7.1f]  %8s%n", m, k, n, kernel, t, r[0], r[1], ratio);
            }
            out.flush();
        }
    }

    /** Warm-up time and timed time per measurement, in nanoseconds, and the fewest repetitions. */
    static final class Budget {
        static final Budget DEFAULT = new Budget(200_000_000L, 400_000_000L, 5);
        final long warmupNs;
        final long measureNs;
        final int minReps;

        Budget(long warmupNs, long measureNs, int minReps) {
            this.warmupNs = warmupNs;
            this.measureNs = measureNs;
            this.minReps = minReps;
        }
    }

    /**
     * Runs op for about the warm-up time (at least twice), then in at least minReps repetitions
     * (each one or more calls) for about the timed time; returns {median, best} GFLOP/s over the
     * repetitions.
     */
    static double[] measure(Budget budget, Runnable op, int m, int n, int k) {
        long t0 = System.nanoTime();
        int calls = 0;
        do {
            op.run();
            calls++;
        } while (System.nanoTime() - t0 < budget.warmupNs || calls < 2);
        double perCall = (System.nanoTime() - t0) / (double) calls;
        int callsPerRep = (int) Math.max(1, Math.min(1_000_000, budget.measureNs / budget.minReps / perCall));
        List<Double> rates = new ArrayList<>();
        long start = System.nanoTime();
        while (rates.size() < budget.minReps || System.nanoTime() - start < budget.measureNs) {
            long r0 = System.nanoTime();
            for (int i = 0; i < callsPerRep; i++) {
                op.run();
            }
            long dt = System.nanoTime() - r0;
            rates.add(2.0 * m * n * k * callsPerRep / dt);
            if (rates.size() >= Math.min(3, budget.minReps) && System.nanoTime() - start > 3 * budget.measureNs) {
                break; // very slow op: three repetitions are enough
            }
        }
        double[] r = rates.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(r);
        int h = r.length / 2;
        double median = r.length % 2 == 1 ? r[h] : (r[h - 1] + r[h]) / 2;
        return new double[] {median, r[r.length - 1]};
    }

    /** The baseline: the textbook i-k-j loop (row of C += a_ip * row p of B), one thread. */
    static void naive(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int j = 0; j < n; j++) {
                c[ci + j] = 0f;
            }
            for (int p = 0; p < k; p++) {
                float av = a[i * k + p];
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    /** Gets the kernels' hot paths compiled by C2 (1 and 2 threads) before anything is timed. */
    private static void warmUp(Kernels kernels) {
        int m = 128, k = 256, n = 256;
        float[] a = random(new SplittableRandom(1), m * k), b = random(new SplittableRandom(2), k * n), c = new float[m * n];
        int saved = Backends.threads();
        try {
            for (int t = 1; t <= 2; t++) {
                Backends.setThreads(t);
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 300_000_000L) {
                    kernels.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
                }
            }
        } finally {
            Backends.setThreads(saved);
        }
    }

    /** Gets the naive loop compiled by C2 before the big shapes time it. */
    private static void warmUpNaive() {
        int s = 64;
        float[] a = new float[s * s], b = new float[s * s], c = new float[s * s];
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 150_000_000L) {
            naive(s, s, s, a, b, c);
        }
    }

    static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}
