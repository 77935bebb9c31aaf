package org.pcn4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pcn4j.util.Json;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.model.ParallelSchedule;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * {@code pcn4j bench step --parallel gemm,layers,auto}: per model, the PC step at 1 thread, under
 * each schedule at --threads, and the in-engine BP step at --threads, interleaved in one run so
 * machine drift hits all alike; then a simulation of 8 and 32 cores from per-task times measured
 * on one thread (see {@link #simulate}).
 */
final class ParallelBench {
    private final int batch;
    private final int steps;
    private final String activation;
    private final double seconds;
    private final int threads;
    private final boolean json;
    /** Parallel efficiency of a split product in the simulation (a model input). */
    private static final double ASSUMED_EFFICIENCY = 0.8;

    ParallelBench(int batch, int steps, String activation, double seconds, int threads, boolean json) {
        this.batch = batch;
        this.steps = steps;
        this.activation = activation;
        this.seconds = seconds;
        this.threads = threads;
        this.json = json;
    }

    private final class Case {
        final String label;
        final Algorithm alg;
        final ParallelSchedule schedule;
        final int threads;
        final Mlp mlp;
        final Trainer trainer;
        final float[] x;
        final float[] y;
        final List<Double> samples = new ArrayList<>();
        long flops;

        Case(int[] sizes, Algorithm alg, ParallelSchedule schedule, int threads) {
            this.alg = alg;
            this.schedule = schedule;
            this.threads = threads;
            this.label = alg.id() + " " + schedule.id() + " x" + threads;
            mlp = BenchStepCommand.benchMlp(sizes, activation);
            TrainConfig cfg = BenchStepCommand.benchConfig(alg, steps).parallel(schedule).build();
            trainer = new Trainer(mlp.network(), mlp.input(), mlp.output(), cfg);
            float[][] xy = BenchStepCommand.randomBatch(sizes, batch);
            x = xy[0];
            y = xy[1];
        }

        void step() {
            trainer.step(x, y, batch);
        }

        void warmup() {
            Backends.setThreads(threads);
            BenchStepCommand.warm(this::step);
            // auto decides per phase after its warm-up and timed samples: finish that before measuring.
            long end = System.nanoTime() + 20_000_000_000L;
            while (mlp.network().parallelChoices().contains("?") && System.nanoTime() < end) {
                step();
            }
            if (schedule == ParallelSchedule.GEMM) {
                // The counter is not thread-safe: count on a gemm case, whose products are called in turn.
                flops = BenchStepCommand.flopsOf(this::step);
            }
        }

        void round(double secs) {
            Backends.setThreads(threads);
            samples.add(BenchStepCommand.microsPerCall((long) (secs * 1e9), this::step));
        }

        double median() {
            double[] s = samples.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(s);
            return s[s.length / 2];
        }
    }

    void run(String model, List<ParallelSchedule> schedules) {
        int saved = Backends.threads();
        try {
            int[] sizes = MlpSpec.parseSizes(model);
            List<Case> cases = new ArrayList<>();
            Case one = new Case(sizes, Algorithm.PC, ParallelSchedule.GEMM, 1);
            cases.add(one);
            for (ParallelSchedule s : schedules) {
                Case c = new Case(sizes, Algorithm.PC, s, threads);
                cases.add(c);
            }
            Case bp = new Case(sizes, Algorithm.BP, ParallelSchedule.GEMM, threads);
            cases.add(bp);
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
            double base = one.median();
            double bpPerFlop = bp.median() / bp.flops;
            if (!json) {
                System.out.printf(Locale.ROOT, "%s (kernels %s, batch %d, T = %d, %s; medians of %d interleaved rounds)%n",
                        model, Kernels.get().name(), batch, steps, activation, rounds);
                System.out.printf(Locale.ROOT, "  %-18s %10s %9s %9s %12s  %s%n", "case", "ms/step", "x 1 thr",
                        "GFLOP/s", "us/GFLOP/bp", "auto choices");
            }
            for (Case c : cases) {
                double us = c.median();
                long flops = c.alg == Algorithm.BP ? bp.flops : one.flops;
                double perFlopVsBp = (us / flops) / bpPerFlop;
                String choices = c.schedule == ParallelSchedule.AUTO ? c.mlp.network().parallelChoices() : "";
                if (json) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("model", model);
                    row.put("algorithm", c.alg.id());
                    row.put("parallel", c.schedule.id());
                    row.put("threads", c.threads);
                    row.put("step_ms", us / 1e3);
                    row.put("speedup_over_1_thread", base / us);
                    row.put("mflop", flops / 1e6);
                    row.put("time_per_flop_vs_bp", perFlopVsBp);
                    if (!choices.isEmpty()) {
                        row.put("auto", choices);
                    }
                    System.out.println(Json.write(row));
                } else {
                    System.out.printf(Locale.ROOT, "  %-18s %10.3f %9.2f %9.1f %12.2f  %s%n", c.label, us / 1e3, base / us,
                            flops / us / 1e3, perFlopVsBp, choices);
                }
            }
            simulate(model, sizes);
        } finally {
            Backends.setThreads(saved);
        }
    }

    /** One phase call as profiled: each task's nanoseconds and modelled multiply-adds. */
    private record PhaseRun(String phase, long[] nanos, long[] costs) {}

    /**
     * A simulation, not a measurement: per-task times of every phase measured one by one on one
     * thread, replayed on P cores. Layers: tasks list-scheduled largest first on the earliest free
     * core (what the dynamic claiming does), a task above a fair share split as the kernels would;
     * gemm: tasks in turn, each split. A split product of c multiply-adds runs on at most
     * min(P, c / 2^20) cores (the kernels' rule) at an assumed parallel efficiency of 0.8. Task
     * and step times are medians over 30 profiled steps. The feedforward init is a chain of split products under both; the rest
     * of the step (weight optimizer, clamps) stays serial, as it is in the code. Barriers, memory
     * bandwidth and cache effects cost nothing here: an upper bound.
     */
    private void simulate(String model, int[] sizes) {
        Case c = new Case(sizes, Algorithm.PC, ParallelSchedule.GEMM, 1);
        Backends.setThreads(1);
        List<List<PhaseRun>> perStep = new ArrayList<>();
        List<PhaseRun> current = new ArrayList<>();
        PcNetwork net = c.mlp.network();
        for (int i = 0; i < 20; i++) {
            c.step(); // warm this instance's caches
        }
        net.setTaskTimer((phase, nanos, costs) -> current.add(new PhaseRun(phase, nanos, costs)));
        int n = 30;
        double[] stepNanos = new double[n];
        for (int i = 0; i < n; i++) {
            current.clear();
            long t0 = System.nanoTime();
            c.step();
            stepNanos[i] = System.nanoTime() - t0;
            perStep.add(new ArrayList<>(current));
        }
        net.setTaskTimer(null);
        // The median step, with its own phases.
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(stepNanos[a], stepNanos[b]));
        int mid = idx[n / 2];
        // Per task, the median over the profiled steps (every step runs the same phases and tasks):
        // a task that lost its core once to another process must not count as slow.
        List<PhaseRun> phases = medianTasks(perStep, perStep.get(mid));
        double phaseSum = 0;
        for (PhaseRun p : phases) {
            for (long t : p.nanos) {
                phaseSum += t;
            }
        }
        // The part outside the profiled phases, also as a median over the steps.
        double[] rests = new double[n];
        for (int i = 0; i < n; i++) {
            double inPhases = 0;
            for (PhaseRun p : perStep.get(i)) {
                for (long t : p.nanos) {
                    inPhases += t;
                }
            }
            rests[i] = Math.max(0, stepNanos[i] - inPhases);
        }
        Arrays.sort(rests);
        double rest = rests[n / 2];
        double s1 = phaseSum + rest;
        // A split product's parallel efficiency is a model input, not taken from this run's gemm
        // figure: on a shared machine that shows the load, not the kernels.
        double e = ASSUMED_EFFICIENCY;
        if (!json) {
            System.out.printf(Locale.ROOT, "  simulation (not measured): 1-thread step %.3f ms (task medians), %.0f%% in init and layer phases;"
                    + " split products at efficiency %.2f (%s)%n", s1 / 1e6, 100 * phaseSum / s1, e,
                    "assumed");
        }
        for (int p : new int[] {2, 8, 32}) {
            // The rest (weight optimizer, clamps, bookkeeping) runs on the caller in both schedules.
            double layers = rest;
            double gemmT = rest;
            for (PhaseRun ph : phases) {
                if (ph.phase.equals("init")) {
                    // The feedforward chain runs as gemm under both schedules.
                    for (int i = 0; i < ph.nanos.length; i++) {
                        layers += splitTime(ph.nanos[i], ph.costs[i], p, e);
                    }
                } else {
                    layers += layersMakespan(ph, p, e);
                }
                for (int i = 0; i < ph.nanos.length; i++) {
                    gemmT += splitTime(ph.nanos[i], ph.costs[i], p, e);
                }
            }
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", model);
                row.put("simulated_cores", p);
                row.put("layers_speedup", s1 / layers);
                row.put("gemm_speedup", s1 / gemmT);
                row.put("split_efficiency", e);
                System.out.println(Json.write(row));
            } else {
                System.out.printf(Locale.ROOT, "    %2d cores: layers %.2fx, gemm %.2fx over 1 thread%n", p, s1 / layers, s1 / gemmT);
            }
        }
    }

    private static List<PhaseRun> medianTasks(List<List<PhaseRun>> perStep, List<PhaseRun> fallback) {
        for (List<PhaseRun> st : perStep) {
            if (st.size() != fallback.size()) {
                return fallback;
            }
            for (int k = 0; k < st.size(); k++) {
                if (st.get(k).nanos.length != fallback.get(k).nanos.length || !st.get(k).phase.equals(fallback.get(k).phase)) {
                    return fallback;
                }
            }
        }
        List<PhaseRun> out = new ArrayList<>();
        for (int k = 0; k < fallback.size(); k++) {
            PhaseRun f = fallback.get(k);
            long[] nanos = new long[f.nanos.length];
            for (int i = 0; i < nanos.length; i++) {
                long[] v = new long[perStep.size()];
                for (int s = 0; s < v.length; s++) {
                    v[s] = perStep.get(s).get(k).nanos[i];
                }
                Arrays.sort(v);
                nanos[i] = v[v.length / 2];
            }
            out.add(new PhaseRun(f.phase, nanos, f.costs));
        }
        return out;
    }

    /** A product of {@code cost} multiply-adds taking {@code t} alone, split as the kernels split it. */
    private static double splitTime(double t, long cost, int p, double e) {
        long ways = Math.max(1, Math.min(p, cost >> 20));
        return t / (1 + (ways - 1) * e);
    }

    private static double layersMakespan(PhaseRun ph, int p, double e) {
        int n = ph.nanos.length;
        Integer[] order = new Integer[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            total += ph.costs[i];
        }
        Arrays.sort(order, (a, b) -> Long.compare(ph.costs[b], ph.costs[a]));
        double time = 0;
        int first = 0;
        double rest = total;
        // As LayerSchedule.tasks: a task above a fair share runs alone, split.
        if (n == 1) {
            return splitTime(ph.nanos[0], ph.costs[0], p, e);
        }
        while (first < n && ph.costs[order[first]] >= (1L << 21) && ph.costs[order[first]] * (double) p > rest) {
            time += splitTime(ph.nanos[order[first]], ph.costs[order[first]], p, e);
            rest -= ph.costs[order[first]];
            first++;
        }
        if (n - first == 1) {
            return time + splitTime(ph.nanos[order[first]], ph.costs[order[first]], p, e);
        }
        // The large tasks of a last, partial round run split afterwards (as LayerSchedule.tasks).
        int big = 0;
        while (first + big < n && ph.costs[order[first + big]] >= (1L << 21)) {
            big++;
        }
        int tail = big % p;
        List<Integer> parallel = new ArrayList<>();
        for (int k = first; k < n; k++) {
            boolean inTail = tail > 0 && big > tail && k >= first + big - tail && k < first + big;
            if (inTail) {
                time += splitTime(ph.nanos[order[k]], ph.costs[order[k]], p, e);
            } else {
                parallel.add(order[k]);
            }
        }
        if (parallel.size() == 1) {
            return time + splitTime(ph.nanos[parallel.get(0)], ph.costs[parallel.get(0)], p, e);
        }
        double[] free = new double[p];
        for (int k : parallel) {
            int best = 0;
            for (int q = 1; q < p; q++) {
                if (free[q] < free[best]) {
                    best = q;
                }
            }
            free[best] += ph.nanos[k];
        }
        double makespan = 0;
        for (double f : free) {
            makespan = Math.max(makespan, f);
        }
        return time + makespan;
    }
}
