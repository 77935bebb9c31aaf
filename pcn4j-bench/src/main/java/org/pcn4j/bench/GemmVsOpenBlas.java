package org.pcn4j.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.kernel.VectorKernels;

/**
 * {@code bench gemm} against OpenBLAS in one run: pcn4j's SGEMM and OpenBLAS's {@code cblas_sgemm}
 * (bytedeco's build, loaded over JNI, so it works on JDK 17) on the same shapes, at 1 thread and at
 * all cores, with the ratio. Lives in pcn4j-bench because pcn4j-core and pcn4j-cli must not
 * depend on native code.
 *
 * <p>Fairness: OpenBLAS gets its operands off-heap (no JNI array copies in the timing), both sides
 * compute C = A B with beta = 0 on the same values, and their timed repetitions alternate
 * (pcn4j, OpenBLAS, pcn4j, ...) so that load from other processes hits both alike. Figures are
 * medians over the repetitions; the ratio is the median of the per-round ratios. Single-thread rows
 * are timed in the calling thread's CPU time (both libraries then compute on that thread), so
 * other processes on a loaded machine do not count against either; {@code --wall} times them by
 * the clock like the multi-thread rows.
 *
 * <pre>
 * ./mvnw -q -DskipTests package
 * OPENBLAS_THREAD_TIMEOUT=4 java --add-modules jdk.incubator.vector -cp pcn4j-bench/target/benchmarks.jar org.pcn4j.bench.GemmVsOpenBlas [--json]
 *     [--threads N] [--shapes 256x512x512,1024x1024x1024] [--kernels auto,6x2,5x2] [--rounds 15] [--layout nn|nt|tn|tt] [--warmup S] [--wall]
 * </pre>
 *
 * <p>Output: a table, or with {@code --json} one object per measurement in {@code bench gemm
 * --json}'s format, {@code {"m":..,"k":..,"n":..,"threads":..,"kernel":"pcn4j","gflops":..}}, with
 * kernel "openblas" for OpenBLAS and "pcn4j-6x2" etc. for a forced microkernel shape.
 */
public final class GemmVsOpenBlas {

    /** The OpenBLAS version in the bytedeco artifact this module depends on (see its pom). */
    private static final String OPENBLAS = "0.3.31";

    private GemmVsOpenBlas() {}

    /** One contender on one shape and thread count. */
    private interface Op {
        void run();
    }

    public static void main(String[] args) {
        int rc = run(args, System.out);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /**
     * Seconds each op runs before its shape is timed (--warmup; 0.4 by default). On a loaded machine
     * the JIT's threads get little CPU and a path first used by this shape may still be compiling.
     */
    private static double warmupSeconds = 0.4;

    /** Time scale of the warm-ups and rounds: 1 normally, tiny with --quick (tests of the output only). */
    private static double scale = 1;

    /** Runs the comparison, printing to out; returns the exit code (2 for a bad option). */
    static int run(String[] args, java.io.PrintStream out) {
        scale = 1;
        boolean json = false;
        int threads = Runtime.getRuntime().availableProcessors();
        String shapes = "128x784x512,256x512x512,512x1024x1024,1024x1024x1024,64x128x784";
        String kernels = "auto";
        int rounds = 15;
        boolean cpuTime = true;
        String layout = "nn";
        warmupSeconds = 0.4;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json":
                    json = true;
                    break;
                case "--threads":
                    threads = Integer.parseInt(args[++i]);
                    break;
                case "--shapes":
                    shapes = args[++i];
                    break;
                case "--kernels":
                    kernels = args[++i];
                    break;
                case "--layout":
                    layout = args[++i].trim().toLowerCase(Locale.ROOT);
                    if (!layout.matches("[nt][nt]")) {
                        System.err.println("GemmVsOpenBlas: --layout must be nn, nt, tn or tt (op(A) op(B): t = transposed), got "
                                + args[i]);
                        return 2;
                    }
                    break;
                case "--warmup":
                    warmupSeconds = Double.parseDouble(args[++i]);
                    break;
                case "--wall":
                    cpuTime = false;
                    break;
                case "--quick":
                    scale = 0.01;
                    break;
                case "--rounds":
                    rounds = Integer.parseInt(args[++i]);
                    break;
                default:
                    System.err.println("GemmVsOpenBlas: unknown option " + args[i]
                            + " (expected --json, --threads N, --shapes MxKxN,..., --kernels auto,6x2,..., --rounds R, --layout nn|nt|tn|tt, --warmup S, --wall)");
                    return 2;
            }
        }
        if (threads > 1 && System.getenv("OPENBLAS_THREAD_TIMEOUT") == null) {
            // OpenBLAS's idle workers spin for about 2^28 cycles after each call; in alternating
            // rounds they take the cores pcn4j's threads need (measured: pcn4j at 2 threads fell to
            // its 1-thread speed). 4 makes them sleep at once.
            System.err.println("GemmVsOpenBlas: warning: OPENBLAS_THREAD_TIMEOUT is not set; run with OPENBLAS_THREAD_TIMEOUT=4"
                    + " or OpenBLAS's spinning workers slow pcn4j's multi-thread rows");
        }
        Loader.load(openblas_nolapack.class);
        Kernels probe = new VectorKernels(1);
        if (!json) {
            out.printf(Locale.ROOT, "GEMM pcn4j vs OpenBLAS: %s, microkernel %s, OpenBLAS %s (bytedeco, DYNAMIC_ARCH), %d cores, Java %s%n",
                    probe.name(), probe.gemmKernel(), OPENBLAS,
                    Runtime.getRuntime().availableProcessors(), Runtime.version());
            out.printf(Locale.ROOT, "pcn4j heap pages: %s%n", org.pcn4j.kernel.Backends.heapPages());
            out.printf(Locale.ROOT, "C = op(A) op(B) float32 (layout %s: %s, %s), op(A) m x k, op(B) k x n; medians of %d alternating rounds;"
                    + " 1-thread rows per %s second%n%n", layout, layout.charAt(0) == 't' ? "A stored k x m" : "A stored m x k",
                    layout.charAt(1) == 't' ? "B stored n x k" : "B stored k x n", rounds, cpuTime ? "thread-CPU" : "wall-clock");
            out.printf(Locale.ROOT, "%6s %6s %6s %7s  %-10s %9s  %-9s %9s  %6s%n",
                    "m", "k", "n", "threads", "kernel", "GFLOP/s", "", "openblas", "ratio");
        }
        int[] threadCounts = threads == 1 ? new int[] {1} : new int[] {1, threads};
        warmUp(kernels, threadCounts);
        for (String s : shapes.split(",")) {
            String[] d = s.trim().split("x");
            int m = Integer.parseInt(d[0]), k = Integer.parseInt(d[1]), n = Integer.parseInt(d[2]);
            SplittableRandom rng = new SplittableRandom(17);
            float[] a = random(rng, m * k);
            float[] b = random(rng, k * n);
            float[] c = new float[m * n];
            FloatPointer pa = new FloatPointer(a);
            FloatPointer pb = new FloatPointer(b);
            FloatPointer pc = new FloatPointer((long) m * n);
            boolean ta = layout.charAt(0) == 't', tb = layout.charAt(1) == 't';
            int lda = ta ? m : k, ldb = tb ? k : n;
            for (int t : threadCounts) {
                List<String> names = new ArrayList<>();
                List<Op> ops = new ArrayList<>();
                for (String kn : kernels.split(",")) {
                    String name = kn.trim();
                    VectorKernels vk = name.equals("auto") ? new VectorKernels(t) : new VectorKernels(t, name);
                    names.add(name.equals("auto") ? "pcn4j" : "pcn4j-" + name);
                    ops.add(() -> vk.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n));
                }
                names.add("openblas");
                ops.add(() -> openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor,
                        ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans,
                        tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans, m, n, k, 1f, pa, lda, pb, ldb, 0f, pc, n));
                // Once per thread count, outside the timing: setting it re-locks OpenBLAS's pool.
                openblas_nolapack.blas_set_num_threads(t);
                double[][] rates = measure(ops, rounds, m, n, k, t == 1 && cpuTime);
                double[] blas = rates[rates.length - 1];
                for (int i = 0; i < ops.size(); i++) {
                    double med = median(rates[i]);
                    if (json) {
                        out.printf(Locale.ROOT, "{\"m\":%d,\"k\":%d,\"n\":%d,\"threads\":%d,\"kernel\":\"%s\",\"gflops\":%.2f}%n",
                                m, k, n, t, names.get(i), med);
                    } else if (i < ops.size() - 1) {
                        double[] ratio = new double[rounds];
                        for (int r = 0; r < rounds; r++) {
                            ratio[r] = rates[i][r] / blas[r];
                        }
                        out.printf(Locale.ROOT, "%6d %6d %6d %7d  %-10s %9.1f  %-9s %9.1f  %5.2fx%n",
                                m, k, n, t, names.get(i), med, "openblas", median(blas), median(ratio));
                    }
                }
                out.flush();
            }
            // Both sides must have computed the same product (the last one run left C in c and pc).
            float[] blasC = new float[m * n];
            pc.get(blasC);
            double worst = 0;
            for (int i = 0; i < blasC.length; i++) {
                worst = Math.max(worst, Math.abs(blasC[i] - c[i]) / (1 + Math.abs(c[i])));
            }
            pa.close();
            pb.close();
            pc.close();
            if (!(worst <= 1e-4 * Math.sqrt(k))) {
                System.err.printf(Locale.ROOT, "GemmVsOpenBlas: pcn4j and OpenBLAS disagree on %dx%dx%d (relative %.3g)%n",
                        m, k, n, worst);
                return 1;
            }
        }
        return 0;
    }

    /**
     * Gets every pcn4j kernel compiled by C2 before anything is timed: 1.5 s each on a mid-size
     * product. On a loaded machine the JIT's compiler threads get little CPU, and a shorter
     * warm-up times the first shape partly in C1 code.
     */
    private static void warmUp(String kernels, int[] threadCounts) {
        int m = 256, k = 512, n = 256;
        SplittableRandom rng = new SplittableRandom(3);
        float[] a = random(rng, m * k), b = random(rng, k * n), c = new float[m * n];
        for (String kn : kernels.split(",")) {
            for (int t : threadCounts) {
                String name = kn.trim();
                VectorKernels vk = name.equals("auto") ? new VectorKernels(t) : new VectorKernels(t, name);
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < (long) (1_500_000_000L * scale)) {
                    vk.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
                }
            }
        }
    }

    /**
     * Warms every op for --warmup seconds (0.4 s), then runs rounds: in each, every op in turn for ~60 ms. Returns
     * GFLOP/s per op per round.
     */
    private static double[][] measure(List<Op> ops, int rounds, int m, int n, int k, boolean cpu) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double flop = 2.0 * m * n * k;
        int[] calls = new int[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            long t0 = System.nanoTime();
            int c = 0;
            do {
                ops.get(i).run();
                c++;
            } while (System.nanoTime() - t0 < (long) (warmupSeconds * 1e9 * scale) || c < 3);
            double perCall = (System.nanoTime() - t0) / (double) c;
            calls[i] = (int) Math.max(1, 30_000_000L * scale / perCall);
        }
        double[][] rates = new double[ops.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                long t0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
                for (int c = 0; c < calls[i]; c++) {
                    op.run();
                }
                long dt = (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t0;
                rates[i][r] = flop * calls[i] / dt;
            }
        }
        return rates;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int h = s.length / 2;
        return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}
