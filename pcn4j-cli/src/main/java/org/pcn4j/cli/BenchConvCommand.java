package org.pcn4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pcn4j.conv.Conv2d;
import org.pcn4j.conv.ConvGeometry;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pcn4j bench conv}: GFLOP/s of the conv2d products (forward, adjoint, weight gradient) on
 * VGG-like shapes, next to one packed SGEMM of the same m, k, n (what the conv would reach if
 * im2col and the per-sample split cost nothing). pcn4j-bench/conv_torch.py measures PyTorch's CPU
 * conv on the same shapes for comparison.
 */
@Command(name = "conv",
        mixinStandardHelpOptions = true,
        description = {
            "conv2d in float32, NCHW, kernel 3, padding 1, on VGG-like shapes: forward y = conv(x) + b, adjoint"
                    + " dx = conv^T(e) and weight gradient dW = sum corr(e, x), on 1 thread and on --threads.",
            "GFLOP/s = 2 batch out_channels H W in_channels 9 / time (the same for all three); 'gemm' is one SGEMM"
                    + " with m = out_channels, k = 9 in_channels, n = batch H W. Median of timed repetitions"
                    + " (best in brackets). About 30-60 seconds."})
final class BenchConvCommand implements Runnable {
    /** (batch, in_channels, out_channels, size): 3x3 kernels, padding 1, stride 1. */
    static final int[][] SHAPES = {{64, 3, 32, 32}, {64, 32, 64, 32}, {64, 64, 128, 16}, {64, 128, 256, 8}};

    @Option(names = "--json", description = "Print one JSON object per measurement instead of a table.")
    boolean json;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the multi-threaded measurement (default: all cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--batch", paramLabel = "N", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 64;

    @Option(names = "--shapes", split = ",", paramLabel = "C-O@S",
            description = {"Shapes instead of the default VGG-like set, e.g. 3-32@32,32-64@16 (in_channels-out_channels",
                    "@size; 3x3 kernels, padding 1, stride 1): examples/vgg-cifar.yaml's are 3-32@32,32-64@16,64-128@8,128-128@4."})
    java.util.List<String> shapes;

    @Option(names = "--cpu-time",
            description = "On 1 thread, time by the thread's CPU time instead of the wall clock: steadier on a"
                    + " machine other work is using (multi-threaded figures stay wall-clock).")
    boolean cpuTime;

    /** Tiny time budgets and batch, for tests of the output format only. */
    @Option(names = "--quick", hidden = true)
    boolean quick;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (threads < 1 || batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads and --batch must be >= 1");
        }
        BenchCommand.Budget budget = quick ? new BenchCommand.Budget(5_000_000L, 10_000_000L, 1)
                : BenchCommand.Budget.DEFAULT;
        PrintWriter out = spec.commandLine().getOut();
        Kernels kernels = Backends.current();
        int saved = Backends.threads();
        if (!json) {
            out.printf(Locale.ROOT, "pcn4j bench conv: kernels %s, %d cores, Java %s, batch %d%s%n%n", kernels.name(),
                    Runtime.getRuntime().availableProcessors(), Runtime.version(), quick ? 2 : batch,
                    cpuTime ? ", 1-thread figures by CPU time" : "");
            out.printf(Locale.ROOT, "%-22s %7s  %-9s %18s  %8s%n", "shape (C->O @ HxW)", "threads", "op", "GFLOP/s",
                    "of gemm");
            out.flush();
        }
        int[] counts = threads == 1 ? new int[] {1} : new int[] {1, threads};
        try {
            for (int[] s : shapes == null ? SHAPES : parseShapes(shapes)) {
                int n = quick ? 2 : batch;
                ConvGeometry g = ConvGeometry.builder().input(s[1], s[3], s[3]).outChannels(s[2]).kernel(3).padding(1)
                        .build();
                SplittableRandom rng = new SplittableRandom(7);
                float[] x = BenchCommand.random(rng, n * g.inSize());
                float[] w = BenchCommand.random(rng, g.weightSize());
                float[] b = BenchCommand.random(rng, g.outChannels());
                float[] e = BenchCommand.random(rng, n * g.outSize());
                float[] y = new float[n * g.outSize()];
                float[] dx = new float[n * g.inSize()];
                float[] dw = new float[g.weightSize()];
                int m = g.outChannels();
                int k = g.patch();
                int p = n * g.outPlane();
                float[] col = BenchCommand.random(rng, k * p);
                float[] c = new float[m * p];
                String label = String.format(Locale.ROOT, "%d->%d @ %dx%d", s[1], s[2], s[3], s[3]);
                for (int t : counts) {
                    Backends.setThreads(t);
                    Conv2d conv = new Conv2d(g);
                    boolean cpu = cpuTime && t == 1;
                    double[] gemm = measure(budget, cpu,
                            () -> kernels.sgemm(false, false, m, p, k, 1f, w, 0, k, col, 0, p, 0f, c, 0, p), m, p, k);
                    double[] fwd = measure(budget, cpu, () -> conv.forward(n, x, 0, w, b, y, 0), m, p, k);
                    double[] adj = measure(budget, cpu, () -> conv.adjoint(n, e, 0, w, dx, 0), m, p, k);
                    double[] wg = measure(budget, cpu, () -> conv.weightGrad(n, x, 0, e, 0, 1f / n, dw, 0f), m, p, k);
                    report(out, label, s, t, "gemm", gemm, gemm[0]);
                    report(out, label, s, t, "forward", fwd, gemm[0]);
                    report(out, label, s, t, "adjoint", adj, gemm[0]);
                    report(out, label, s, t, "weightgrad", wg, gemm[0]);
                }
            }
        } finally {
            Backends.setThreads(saved);
        }
    }

    /** "C-O@S" -> {batch, C, O, S}. */
    private int[][] parseShapes(java.util.List<String> list) {
        int[][] r = new int[list.size()][];
        for (int i = 0; i < r.length; i++) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)-(\\d+)@(\\d+)").matcher(list.get(i).trim());
            if (!m.matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--shapes: '" + list.get(i) + "' is not IN-OUT@SIZE (e.g. 32-64@16)");
            }
            r[i] = new int[] {batch, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))};
            if (r[i][1] < 1 || r[i][2] < 1 || r[i][3] < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--shapes: '" + list.get(i) + "' must be positive");
            }
        }
        return r;
    }

    /** {@link BenchCommand#measure} on the wall clock, or on this thread's CPU time. */
    static double[] measure(BenchCommand.Budget budget, boolean cpu, Runnable op, int m, int n, int k) {
        if (!cpu) {
            return BenchCommand.measure(budget, op, m, n, k);
        }
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        int calls = 0;
        do {
            op.run();
            calls++;
        } while (mx.getCurrentThreadCpuTime() - t0 < budget.warmupNs || calls < 2);
        double perCall = (mx.getCurrentThreadCpuTime() - t0) / (double) calls;
        int callsPerRep = (int) Math.max(1, Math.min(1_000_000, budget.measureNs / budget.minReps / perCall));
        java.util.List<Double> rates = new java.util.ArrayList<>();
        long start = mx.getCurrentThreadCpuTime();
        while (rates.size() < budget.minReps || mx.getCurrentThreadCpuTime() - start < budget.measureNs) {
            long r0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < callsPerRep; i++) {
                op.run();
            }
            rates.add(2.0 * m * n * k * callsPerRep / Math.max(1, mx.getCurrentThreadCpuTime() - r0));
        }
        double[] r = rates.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int h = r.length / 2;
        return new double[] {r.length % 2 == 1 ? r[h] : (r[h - 1] + r[h]) / 2, r[r.length - 1]};
    }

    private void report(PrintWriter out, String label, int[] s, int t, String op, double[] r, double gemm) {
        if (json) {
            out.printf(Locale.ROOT, "{\"batch\":%d,\"in\":%d,\"out\":%d,\"size\":%d,\"threads\":%d,\"op\":\"%s\","
                    + "\"gflops\":%.2f}%n", quick ? 2 : batch, s[1], s[2], s[3], t, op, r[0]);
        } else {
            out.printf(Locale.ROOT, "%-22s %7d  %-9s %8.1f [%7.1f]  %7.0f%%%n", label, t, op, r[0], r[1],
                    100 * r[0] / gemm);
        }
        out.flush();
    }
}
