package org.pcn4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcModel;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.Inference;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;
import org.pcn4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pcn4j bench step}: one training step of each algorithm on random data, timed in the same
 * run (interleaved, so drifts in machine speed hit all of them alike), with the matrix-product
 * FLOPs each step actually performs. The FLOPs are counted on fresh copies of each case, not on the
 * timed one: what a step computes changes as it trains (undone steps, a curvature estimate every
 * {@link Inference#CURVATURE_EVERY} batches), so a count after a timed warm-up would depend on how
 * many steps fitted in it.
 */
@Command(name = "step", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Time one training step (PC against the in-engine BP step) per model.",
                "MFLOP: the matrix products of one step (T state steps and the weight",
                "update), counted on a fresh copy of the model, so that no figure depends on",
                "the warm-up. With --hidden-precision, +MFLOP: the recipe's extra products",
                "per step (curvature estimates, undone steps), their mean over a fresh copy's",
                "first " + Inference.CURVATURE_EVERY + " steps (one estimate cycle). GFLOP/s counts both.",
                "Prints a table, or one JSON object per line with --json (mflop, extra_mflop)."})
public final class BenchStepCommand implements Callable<Integer> {

    @Option(names = "--models", split = ",", defaultValue = "784-128-128-10,784-1000-1000-10",
            description = "Comma-separated layer sizes (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--graph", paramLabel = "FILE", description = {"Instead of --models: a graph file (YAML or JSON, e.g.",
            "examples/conv.yaml), its input filled with uniform [-1, 1] values and one-hot targets."})
    java.nio.file.Path graph;

    @Option(names = "--algorithms", split = ",", defaultValue = "pc,bp", description = "Algorithms to time (default: ${DEFAULT-VALUE}).")
    List<String> algorithms;

    @Option(names = "--activation", defaultValue = "tanh", description = "Hidden activation (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = {"--inference-steps", "-T"}, defaultValue = "5", description = "T (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seconds", defaultValue = "2", description = "Measuring time per model and algorithm (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--parallel", split = ",", paramLabel = "MODES",
            description = {"Compare thread schedules (gemm, layers, auto, batch; comma-separated): per model the PC step at",
                    "1 thread, under each schedule at --threads, the BP step at --threads, and a simulation of 8 and 32",
                    "cores from per-task times measured on one thread."})
    List<String> parallel;

    @Option(names = "--schedule", defaultValue = "gemm", paramLabel = "MODE",
            description = {"Without --parallel: the thread schedule every algorithm's step runs under (gemm, layers,",
                    "auto or batch; default: ${DEFAULT-VALUE}); JSON rows say it when it is not gemm."})
    String schedule;

    @Option(names = "--simulation-only", description = {"With --parallel: only the simulation of 2, 8 and 32 cores from",
            "per-task thread CPU times (no timed cases; what a loaded machine can still measure)."})
    boolean simulationOnly;

    @Option(names = "--hidden-precision", paramLabel = "PI", description = {"Time train's --hidden-precision recipe:"
            + " hidden precision PI, state rate 1/PI", "with backtracking, preconditioned inference and offset states (what the step",
            "costs with its state copies, curvature estimates and offset passes; the",
            "estimates' and undone steps' products are the +MFLOP column)."})
    Float hiddenPrecision;

    @Option(names = "--precision-growth", paramLabel = "G", description = {"With --hidden-precision PI: train's",
            "--precision-growth (precision PI G^k on the hidden nodes further from the target; the same products,",
            "other values: the CIFAR recipe's step)."})
    Float precisionGrowth;

    @Option(names = "--json", description = "One JSON object per line.")
    boolean json;

    @Option(names = "--cpu-time", description = {"Time by the calling thread's CPU time instead of the clock (needs",
            "--threads 1): on a machine loaded by other processes the figure then counts only this step's own work."})
    boolean cpuTime;

    @Option(names = "--fully-connected", split = ",", paramLabel = "SIZES",
            description = {"Instead of --models: fully connected PC graphs over nodes of these sizes (first the",
                    "input, last the target, e.g. 784-10 or 784-64-64-10), each as one block with self connections,",
                    "as one block over distinct node pairs, as that block's per-edge expansion, and layered",
                    "networks in-h-out of about the same parameter counts: training step (pc, T) and one inference step."})
    List<String> fullyConnected;

    /**
     * Calls of each case's warm-up: below 0 (the default) a second and at least 20; tests set an exact
     * count to check that the FLOP figures do not depend on it.
     */
    int warmupCalls = -1;

    /** The parsed {@link #schedule}. */
    private org.pcn4j.model.ParallelSchedule stepSchedule = org.pcn4j.model.ParallelSchedule.GEMM;

    @Override
    public Integer call() {
        threads.apply();
        if (batch <= 0 || steps < 0 || !(seconds > 0)) {
            throw new PcnException("--batch-size and --seconds must be positive, -T >= 0");
        }
        if (cpuTime && Backends.threads() != 1) {
            throw new PcnException("--cpu-time: needs --threads 1 (other threads' work is not in the calling thread's CPU time)");
        }
        clock = cpuTime ? THREAD_CPU : System::nanoTime;
        stepSchedule = org.pcn4j.model.ParallelSchedule.parse(schedule, "--schedule");
        if (parallel != null) {
            List<org.pcn4j.model.ParallelSchedule> schedules = new ArrayList<>();
            for (String p : parallel) {
                schedules.add(org.pcn4j.model.ParallelSchedule.parse(p));
            }
            ParallelBench pb = new ParallelBench(batch, steps, activation, seconds, Backends.threads(), json, simulationOnly);
            for (String m : models) {
                pb.run(m, schedules);
            }
            return 0;
        }
        if (fullyConnected != null) {
            for (String m : fullyConnected) {
                benchFullyConnected(m);
            }
            return 0;
        }
        if (!json) {
            System.out.printf(Locale.ROOT, "kernels %s, %d threads, batch %d, T = %d, %s%n", Kernels.get().name(),
                    Backends.threads(), batch, steps, activation);
            if (hiddenPrecision != null) {
                System.out.printf(Locale.ROOT, "%-20s %-6s %12s %10s %10s %10s %12s %10s%n", "model", "alg", "step (us)",
                        "MFLOP", "+MFLOP", "GFLOP/s", "x bp step", "epoch60k s");
            } else {
                System.out.printf(Locale.ROOT, "%-20s %-6s %12s %10s %10s %12s %10s%n", "model", "alg", "step (us)",
                        "MFLOP", "GFLOP/s", "x bp step", "epoch60k s");
            }
        }
        List<String> labels = graph != null ? List.of(graph.getFileName().toString()) : models;
        for (String m : labels) {
            List<Case> cases = new ArrayList<>();
            for (String a : algorithms) {
                cases.add(graph != null ? new Case(Algorithm.parse(a), GraphFiles.load(graph))
                        : new Case(Algorithm.parse(a), MlpSpec.parseSizes(m)));
            }
            // Warm up, count FLOPs, then interleave rounds so every case sees the same machine.
            for (Case c : cases) {
                c.warmup();
            }
            int rounds = 7;
            double perRound = seconds / rounds;
            for (int r = 0; r < rounds; r++) {
                for (Case c : cases) {
                    c.round(perRound);
                }
            }
            double bpMicros = Double.NaN;
            for (Case c : cases) {
                if (c.alg == Algorithm.BP) {
                    bpMicros = c.median();
                }
            }
            for (Case c : cases) {
                double us = c.median();
                // Time is a mean over many steps, so the rate counts the extra products' mean share too.
                double gflops = c.flops.total() / us / 1e3;
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", m);
                row.put("algorithm", c.alg.id());
                row.put("batch", batch);
                row.put("T", steps);
                row.put("threads", Backends.threads());
                row.put("step_us", us);
                row.put("mflop", c.flops.step() / 1e6);
                if (hiddenPrecision != null) {
                    row.put("extra_mflop", c.flops.extra() / 1e6);
                }
                row.put("gflops", gflops);
                row.put("ratio_to_bp", us / bpMicros);
                row.put("epoch_seconds_60000", us * 1e-6 * Math.ceil(60000.0 / batch));
                if (cpuTime) {
                    row.put("clock", "thread-cpu");
                }
                if (stepSchedule != org.pcn4j.model.ParallelSchedule.GEMM) {
                    row.put("parallel", stepSchedule.id());
                }
                if (json) {
                    System.out.println(Json.write(row));
                } else if (hiddenPrecision != null) {
                    System.out.printf(Locale.ROOT, "%-20s %-6s %12.1f %10.1f %10.3f %10.1f %12.2f %10.2f%n", m, c.alg.id(),
                            us, c.flops.step() / 1e6, c.flops.extra() / 1e6, gflops, us / bpMicros,
                            us * 1e-6 * Math.ceil(60000.0 / batch));
                } else {
                    System.out.printf(Locale.ROOT, "%-20s %-6s %12.1f %10.1f %10.1f %12.2f %10.2f%n", m, c.alg.id(), us,
                            c.flops.step() / 1e6, gflops, us / bpMicros, us * 1e-6 * Math.ceil(60000.0 / batch));
                }
            }
        }
        return 0;
    }

    /**
     * A fully connected graph against the layered network of about the same parameter count: the
     * block with self connections (every unit predicts every other), the block over distinct node
     * pairs, that block expanded into one edge per pair (the old form), and an in-H-out MLP per block.
     */
    private void benchFullyConnected(String sizesText) {
        int[] sizes = MlpSpec.parseSizes(sizesText);
        Activation f = Activation.parse(activation);
        List<GraphCase> cases = new ArrayList<>();
        GraphSpec self = fcSpec(sizes, f, true);
        GraphSpec pairs = fcSpec(sizes, f, false);
        cases.add(new GraphCase("fc block, self", Graph.create(self, "default", 1)));
        cases.add(new GraphCase("fc block, pairs", Graph.create(pairs, "default", 1)));
        cases.add(new GraphCase("fc per-edge, pairs", Graph.create(pairs.expanded(), "default", 1)));
        for (GraphSpec g : new GraphSpec[] {self, pairs}) {
            int in = sizes[0];
            int out = sizes[sizes.length - 1];
            // in*H + H + H*out + out parameters, matched to the graph's.
            int h = (int) Math.max(1, Math.round((g.parameterCount() - out) / (double) (in + 1 + out)));
            MlpSpec spec = new MlpSpec(new int[] {in, h, out}, f, Activation.IDENTITY, Convention.POST, Energy.GAUSSIAN);
            Mlp mlp = new Mlp(spec);
            mlp.initialize("default", 1);
            cases.add(new GraphCase("mlp " + in + "-" + h + "-" + out, mlp));
        }
        for (GraphCase c : cases) {
            c.warmup();
        }
        int rounds = 7;
        double perRound = seconds / rounds;
        for (int r = 0; r < rounds; r++) {
            for (GraphCase c : cases) {
                c.round(perRound);
            }
        }
        if (!json) {
            System.out.printf(Locale.ROOT, "fully connected %s (pc, T = %d, batch %d, %s, %d threads)%n", sizesText, steps,
                    batch, Kernels.get().name(), Backends.threads());
            System.out.printf(Locale.ROOT, "  %-22s %10s %14s %14s %10s%n", "model", "params", "train step us",
                    "infer step us", "MFLOP");
        }
        for (GraphCase c : cases) {
            double train = median(c.trainSamples);
            double infer = median(c.inferSamples);
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("fully_connected", sizesText);
                row.put("model", c.label);
                row.put("parameters", c.model.network().parameterCount());
                row.put("batch", batch);
                row.put("T", steps);
                row.put("threads", Backends.threads());
                row.put("train_step_us", train);
                row.put("inference_step_us", infer);
                row.put("mflop", c.flops / 1e6);
                System.out.println(Json.write(row));
            } else {
                System.out.printf(Locale.ROOT, "  %-22s %,10d %14.1f %14.1f %10.1f%n", c.label,
                        c.model.network().parameterCount(), train, infer, c.flops / 1e6);
            }
        }
    }

    /** image (input), h1.., label (target), one fully connected block over all of them. */
    static GraphSpec fcSpec(int[] sizes, Activation f, boolean self) {
        GraphSpec.Builder b = GraphSpec.builder();
        String[] names = new String[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            names[i] = i == 0 ? "image" : i == sizes.length - 1 ? "label" : "h" + i;
            if (i == 0) {
                b.input(names[i], sizes[i]);
            } else if (i == sizes.length - 1) {
                b.target(names[i], sizes[i]);
            } else {
                b.hidden(names[i], sizes[i]);
            }
        }
        return b.fullyConnected(f, Convention.PRE, true, self, names).build();
    }

    private static double median(List<Double> samples) {
        double[] s = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** A training step (pc, T inference steps) and, separately, one inference step of any model. */
    private final class GraphCase {
        final String label;
        final PcModel model;
        final Trainer trainer;
        final float[] x;
        final float[] y;
        final List<Double> trainSamples = new ArrayList<>();
        final List<Double> inferSamples = new ArrayList<>();
        long flops;

        GraphCase(String label, PcModel model) {
            this.label = label;
            this.model = model;
            TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC)
                    .inference(InferenceConfig.builder().steps(steps).lr(0.05).momentum(0).build())
                    .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-4)).build();
            trainer = new Trainer(model.network(), model.input(), model.output(), cfg);
            SplittableRandom rng = new SplittableRandom(7);
            x = new float[batch * model.input().size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble(-1, 1);
            }
            int out = model.output().size();
            y = new float[batch * out];
            for (int b = 0; b < batch; b++) {
                y[b * out + rng.nextInt(out)] = 1f;
            }
        }

        /**
         * One inference step as every algorithm runs it: dF/dx, a plain state step on every free
         * node, new predictions and errors (input and target stay clamped from the last training step).
         */
        void inferenceStep() {
            PcNetwork net = model.network();
            net.computeStateGradients();
            int b = net.batch();
            for (Node n : net.nodes()) {
                if (!n.isClamped()) {
                    float[] st = n.state();
                    float[] g = n.gradient();
                    for (int i = 0; i < b * n.size(); i++) {
                        st[i] -= 0.01f * g[i];
                    }
                    n.touch();
                }
            }
            net.computePredictions();
            net.computeErrors();
        }

        void warmup() {
            warm(() -> {
                trainer.step(x, y, batch);
                inferenceStep();
            });
            flops = flopsOf(() -> trainer.step(x, y, batch));
        }

        void round(double secs) {
            long budget = (long) (secs * 0.5e9);
            trainSamples.add(microsPerCall(budget, () -> trainer.step(x, y, batch)));
            inferSamples.add(microsPerCall(budget, this::inferenceStep));
        }
    }

    private final class Case {
        final Algorithm alg;
        /** Fresh, identical copies of the model: the timed one and those the FLOPs are counted on. */
        final java.util.function.Supplier<PcModel> models;
        final TrainConfig config;
        final Trainer trainer;
        final float[] x;
        final float[] y;
        final List<Double> samples = new ArrayList<>();
        StepFlops flops;

        Case(Algorithm alg, int[] sizes) {
            this(alg, () -> benchMlp(sizes, activation));
        }

        /** A graph file's network, initialized as the benches' MLPs are (default scheme, seed 1). */
        Case(Algorithm alg, GraphSpec spec) {
            this(alg, () -> Graph.create(spec, "default", 1));
        }

        private Case(Algorithm alg, java.util.function.Supplier<PcModel> init) {
            this.alg = alg;
            TrainConfig.Builder cfg = benchConfig(alg, steps).parallel(stepSchedule);
            float growth = Options.Model.checkedGrowth(precisionGrowth, hiddenPrecision);
            if (Options.Model.checkedHiddenPrecision(hiddenPrecision) != null) {
                float pi = hiddenPrecision;
                models = () -> {
                    PcModel m = init.get();
                    m.setHiddenPrecision(pi, growth);
                    return m;
                };
                // The preconditioned step relative to PI, as train's recipe (bit-identical to none at G = 1).
                cfg.inference(InferenceConfig.builder().steps(steps).lr(Options.Inference.HIDDEN_PRECISION_STEP_PRECONDITIONED / hiddenPrecision)
                        .backtrack(true).precondition(true).referencePrecision(pi).offsetStates(true).build());
            } else {
                models = init;
            }
            config = cfg.build();
            PcModel model = models.get();
            trainer = new Trainer(model.network(), model.input(), model.output(), config);
            float[][] xy = randomBatch(new int[] {model.input().size(), model.output().size()}, batch);
            x = xy[0];
            y = xy[1];
        }

        void warmup() {
            warm(() -> trainer.step(x, y, batch), warmupCalls);
            flops = stepFlops(models, config, x, y, batch);
        }

        void round(double secs) {
            samples.add(microsPerCall((long) (secs * 1e9), () -> trainer.step(x, y, batch)));
        }

        double median() {
            double[] s = samples.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(s);
            return s[s.length / 2];
        }
    }

    /** Runs {@code r} for a second and at least 20 times, so the JIT has compiled what it runs. */
    static void warm(Runnable r) {
        warm(r, -1);
    }

    /** As {@link #warm(Runnable)}, or exactly {@code calls} times when {@code calls >= 0}. */
    static void warm(Runnable r, int calls) {
        long end = System.nanoTime() + 1_000_000_000L;
        int n = 0;
        while (calls >= 0 ? n < calls : System.nanoTime() < end || n < 20) {
            r.run();
            n++;
        }
    }

    /** The FLOPs of the matrix products of one call of {@code r}. */
    static long flopsOf(Runnable r) {
        Kernels real = Kernels.get();
        FlopCounter counter = new FlopCounter(real);
        Backends.use(counter);
        try {
            r.run();
        } finally {
            Backends.use(real);
        }
        return counter.flops.sum();
    }

    /**
     * A training step's matrix-product FLOPs: {@code step}, those of T state steps and the weight
     * update; {@code extra}, the mean per step of what backtracking (recomputing an undone step's
     * predictions) and preconditioning (a curvature estimate every {@link Inference#CURVATURE_EVERY}
     * batches) add to them.
     */
    record StepFlops(long step, double extra) {
        /** What a step computes on average: the figure the time, a mean over many steps, goes with. */
        double total() {
            return step + extra;
        }
    }

    /**
     * Counts {@link StepFlops} on fresh copies from {@code models} (so the figures are the same however
     * many steps the timed copy has run): {@code step} on the first step of a copy trained without
     * backtracking and preconditioning (they add products but change none of the step's own); with
     * either on, {@code extra} from the first {@link Inference#CURVATURE_EVERY} steps of a copy
     * trained by {@code config} itself, which hold exactly one curvature estimate (the first step's).
     */
    static StepFlops stepFlops(java.util.function.Supplier<PcModel> models, TrainConfig config, float[] x, float[] y,
                               int batch) {
        InferenceConfig inf = config.inference();
        TrainConfig plain = config.toBuilder().inference(inf.toBuilder().backtrack(false).precondition(false).build()).build();
        long step = flopsOf(fresh(models, plain, x, y, batch));
        if (!inf.backtrack() && !inf.precondition()) {
            return new StepFlops(step, 0);
        }
        Runnable recipe = fresh(models, config, x, y, batch);
        long cycle = flopsOf(() -> {
            for (int i = 0; i < Inference.CURVATURE_EVERY; i++) {
                recipe.run();
            }
        });
        return new StepFlops(step, (cycle - (double) step * Inference.CURVATURE_EVERY) / Inference.CURVATURE_EVERY);
    }

    /** One training step on a fresh copy from {@code models}, trained by {@code config}: a step per call. */
    private static Runnable fresh(java.util.function.Supplier<PcModel> models, TrainConfig config, float[] x, float[] y,
                                  int batch) {
        PcModel m = models.get();
        Trainer t = new Trainer(m.network(), m.input(), m.output(), config);
        return () -> t.step(x, y, batch);
    }

    /** Mean microseconds per call of {@code r}, called for {@code budgetNanos} and at least 3 times. */
    static double microsPerCall(long budgetNanos, Runnable r) {
        java.util.function.LongSupplier now = clock;
        long start = now.getAsLong();
        int n = 0;
        while (now.getAsLong() - start < budgetNanos || n < 3) {
            r.run();
            n++;
        }
        return (now.getAsLong() - start) / 1e3 / n;
    }

    private static final java.util.function.LongSupplier THREAD_CPU =
            java.lang.management.ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime;

    /** The clock rounds are timed by: wall clock, or the calling thread's CPU time (--cpu-time). */
    private static java.util.function.LongSupplier clock = System::nanoTime;

    /**
     * Counts the FLOPs of every matrix product (2 m n k) while delegating the work; an adder, since
     * the layers and batch schedules call products from several threads at once.
     */
    static final class FlopCounter implements Kernels {
        private final Kernels inner;
        final java.util.concurrent.atomic.LongAdder flops = new java.util.concurrent.atomic.LongAdder();

        FlopCounter(Kernels inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                          float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            flops.add(2L * m * n * k);
            inner.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }

        @Override
        public PackedMatrix pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, PackedMatrix reuse) {
            return inner.pack(transB, k, n, b, bOff, ldb, reuse);
        }

        @Override
        public void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, PackedMatrix b, float beta,
                          float[] c, int cOff, int ldc) {
            flops.add(2L * m * b.n() * b.k());
            inner.sgemm(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
        }

        @Override
        public void activate(Activation f, float[] x, int xOff, float[] y, int yOff, int n) {
            inner.activate(f, x, xOff, y, yOff, n);
        }

        @Override
        public void activateDerivative(Activation f, float[] x, int xOff, float[] y, int yOff, int n) {
            inner.activateDerivative(f, x, xOff, y, yOff, n);
        }

        @Override
        public void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
            inner.softmax(x, xOff, y, yOff, rows, cols);
        }

        @Override
        public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
            inner.logSoftmax(x, xOff, y, yOff, rows, cols);
        }

        @Override
        public void adam(float[] w, float[] g, float[] m, float[] v, int from, int to, float b1, float b2, float stepSize,
                         float invSqrtC2, float eps, boolean decoupled, float l2, float decay) {
            inner.adam(w, g, m, v, from, to, b1, b2, stepSize, invSqrtC2, eps, decoupled, l2, decay);
        }

        @Override
        public void sgdMomentum(float[] w, float[] g, float[] v, int from, int to, float lr, float momentum,
                                boolean nesterov, float l2) {
            inner.sgdMomentum(w, g, v, from, to, lr, momentum, nesterov, l2);
        }
    }

    /** The benches' layered network: post convention, linear Gaussian output, default init with seed 1. */
    static Mlp benchMlp(int[] sizes, String activation) {
        Mlp mlp = new Mlp(new MlpSpec(sizes, Activation.parse(activation), Activation.IDENTITY, Convention.POST,
                Energy.GAUSSIAN));
        mlp.initialize("default", 1);
        return mlp;
    }

    /** The benches' training setup: T steps of SGD 0.05/0.5 on the states, AdamW at a constant 1e-4. */
    static TrainConfig.Builder benchConfig(Algorithm alg, int steps) {
        return TrainConfig.builder().algorithm(alg)
                .inference(InferenceConfig.builder().steps(steps).lr(0.05).momentum(0.5).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-4));
    }

    /** A seeded batch: inputs uniform in [-1, 1] and one-hot targets, as {x, y}. */
    static float[][] randomBatch(int[] sizes, int batch) {
        SplittableRandom rng = new SplittableRandom(7);
        float[] x = new float[batch * sizes[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        int out = sizes[sizes.length - 1];
        float[] y = new float[batch * out];
        for (int b = 0; b < batch; b++) {
            y[b * out + rng.nextInt(out)] = 1f;
        }
        return new float[][] {x, y};
    }
}
