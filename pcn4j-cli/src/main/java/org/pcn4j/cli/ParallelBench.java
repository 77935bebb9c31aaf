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
    /** Speed of an inference phase on a range of the batch's rows against the whole batch (the auto cost model's 0.9). */
    private static final double ROWS_EFFICIENCY = 0.9;

    private final boolean simulationOnly;

    ParallelBench(int batch, int steps, String activation, double seconds, int threads, boolean json) {
        this(batch, steps, activation, seconds, threads, json, false);
    }

    ParallelBench(int batch, int steps, String activation, double seconds, int threads, boolean json,
                  boolean simulationOnly) {
        this.simulationOnly = simulationOnly;
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
            if (schedule == ParallelSchedule.GEMM) {
                // Count once per model, on the gemm case: the other schedules run the same products.
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
            if (simulationOnly) {
                if (!json) {
                    System.out.printf(Locale.ROOT, "%s (kernels %s, batch %d, T = %d, %s; simulation only)%n",
                            model, Kernels.get().name(), batch, steps, activation);
                }
                simulate(model, sizes);
                return;
            }
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

    /** One phase call as profiled: each task's thread CPU nanoseconds, modelled cost and product multiply-adds. */
    private record PhaseRun(String phase, long[] nanos, long[] costs, long[] products) {}

    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * A simulation, not a measurement: per-task thread CPU times of every phase measured one by
     * one on one thread, replayed on P cores as the code runs them. Layers: tasks above a fair
     * share of their phase alone with their products split, the rest list-scheduled largest
     * first on the earliest free core; the weight update is one task per edge (gradient,
     * optimizer step, packing of the new weights), alone ones with the step in chunks; gemm:
     * tasks in turn, products split, elementwise work and the optimizer on one thread, the
     * packing split (it runs inside the next forward product there). A split product of c
     * multiply-adds runs on at most min(P, c / 2^20) cores (the kernels' rule) at an assumed
     * parallel efficiency of 0.8; the feedforward init is a chain of split products under both
     * (its elementwise work counted as split too); the rest of the step (state optimizer, clamps,
     * traces) stays serial; batch: the init chain, predictions with errors and state gradients each
     * on min(P, batch / 8) row ranges at an efficiency of 0.9, the weight update as under layers.
     * Task and step times are medians over 30 profiled steps. Barriers,
     * memory bandwidth and caches cost nothing: an upper bound.
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
        // The real 1-thread step (no timer) in thread CPU time, printed next to the profile's sum as
        // a check. Plain and profiled steps alternate, so load that comes and goes hits both alike.
        PcNetwork.TaskTimer timer = new PcNetwork.TaskTimer() {
            @Override
            public void phase(String phase, long[] nanos, long[] costs) {
                phase(phase, nanos, costs, costs);
            }

            @Override
            public void phase(String phase, long[] nanos, long[] costs, long[] products) {
                current.add(new PhaseRun(phase, nanos, costs, products));
            }
        };
        int n = 30;
        double[] plain = new double[n];
        double[] stepNanos = new double[n];
        for (int i = 0; i < n; i++) {
            // Each recorded step follows one of its own kind: a profiled step packs the new weights
            // in its weight tasks, a plain one in its next feedforward chain.
            c.step();
            long t0 = MX.getCurrentThreadCpuTime();
            c.step();
            plain[i] = MX.getCurrentThreadCpuTime() - t0;
            net.setTaskTimer(timer);
            c.step();
            current.clear();
            t0 = MX.getCurrentThreadCpuTime();
            c.step();
            stepNanos[i] = MX.getCurrentThreadCpuTime() - t0;
            perStep.add(new ArrayList<>(current));
            net.setTaskTimer(null);
        }
        Arrays.sort(plain);
        double plainStep = plain[n / 2];
        net.setTaskTimer(null);
        // A thread-CPU-time reading is a system call (about 0.6 us here): each task's figure holds
        // one; take it out so it does not count as work.
        double o = timerOverhead();
        // The rest of each profiled step: its total less its tasks and the timer readings (two
        // per task), from the same step, so the load it ran under is the same.
        double[] rests = new double[n];
        for (int i = 0; i < n; i++) {
            double inTasks = 0;
            int count = 0;
            for (PhaseRun p : perStep.get(i)) {
                for (int k = 0; k < p.nanos.length; k++) {
                    inTasks += p.nanos[k];
                    count++;
                }
            }
            rests[i] = Math.max(0, stepNanos[i] - inTasks - o * count);
        }
        Arrays.sort(rests);
        double rest = rests[n / 2];
        for (List<PhaseRun> st : perStep) {
            for (PhaseRun p : st) {
                for (int i = 0; i < p.nanos.length; i++) {
                    p.nanos[i] = Math.max(0, p.nanos[i] - (long) o);
                }
            }
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(stepNanos[a], stepNanos[b]));
        int mid = idx[n / 2];
        // Per task, the median over the profiled steps (every step runs the same phases and tasks).
        List<PhaseRun> phases = medianTasks(perStep, perStep.get(mid));
        double phaseSum = 0;
        double init = 0;
        double steps = 0;
        for (PhaseRun p : phases) {
            for (long t : p.nanos) {
                phaseSum += t;
                if (p.phase.equals("init")) {
                    init += t;
                } else if (p.phase.equals("weight_steps")) {
                    steps += t;
                }
            }
        }
        double s1 = phaseSum + rest;
        double e = ASSUMED_EFFICIENCY;
        if (!json) {
            System.out.printf(Locale.ROOT, "  simulation (not measured): 1-thread step %.3f ms (thread CPU time, task medians,"
                    + " %.2f us timer cost removed): init chain %.0f%%, weight optimizer %.0f%%, serial rest %.0f%%;"
                    + " split products at efficiency %.2f (assumed)%n",
                    s1 / 1e6, o / 1e3, 100 * init / s1, 100 * steps / s1, 100 * rest / s1, e);
            Map<String, Double> byPhase = new LinkedHashMap<>();
            for (PhaseRun p : phases) {
                double t = 0;
                for (long x : p.nanos) {
                    t += x;
                }
                byPhase.merge(p.phase, t, Double::sum);
            }
            StringBuilder sb = new StringBuilder("    per phase, us per step:");
            byPhase.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.0f,", k, v / 1e3)));
            sb.append(String.format(Locale.ROOT, " rest %.0f (1-thread step without the profile %.0f)", rest / 1e3,
                    plainStep / 1e3));
            System.out.println(sb);
        }
        for (int p : new int[] {2, 8, 32}) {
            double layers = rest;
            double gemmT = rest;
            // batch: the inference phases on min(P, batch / 8) row ranges at the cost model's row
            // efficiency, the weight update as under layers (auto runs it there).
            double batchT = rest;
            int ways = Math.max(1, Math.min(p, batch / 8));
            for (int k = 0; k < phases.size(); k++) {
                PhaseRun ph = phases.get(k);
                if (ph.phase.equals("weight_gradients") || ph.phase.equals("weight_steps")) {
                    // The weight update: gradient (if any), step and packing of edge i are one task.
                    PhaseRun g = ph.phase.equals("weight_gradients") ? ph : null;
                    PhaseRun st = g == null ? ph : phases.get(k + 1);
                    PhaseRun pr = phases.get(g == null ? k + 1 : k + 2);
                    k += g == null ? 1 : 2;
                    int m = st.nanos.length;
                    long[] nanos = new long[m];
                    long[] costs = new long[m];
                    for (int i = 0; i < m; i++) {
                        nanos[i] = st.nanos[i] + pr.nanos[i] + (g == null ? 0 : g.nanos[i]);
                        costs[i] = st.costs[i] + (g == null ? 0 : g.costs[i]);
                        gemmT += st.nanos[i] + splitTime(pr.nanos[i], pr.products[i], p, e)
                                + (g == null ? 0 : splitTime(g.nanos[i], g.products[i], p, e));
                    }
                    // The optimizer splits into chunks when its task runs alone: all of it is splittable.
                    double w = layersMakespan(new PhaseRun("weight_update", nanos, costs, costs), p, e);
                    layers += w;
                    batchT += w;
                    continue;
                }
                for (int i = 0; i < ph.nanos.length; i++) {
                    gemmT += gemmTaskTime(ph, i, p, e);
                    batchT += ways > 1 ? ph.nanos[i] / (ways * ROWS_EFFICIENCY) : ph.nanos[i];
                }
                if (ph.phase.equals("init")) {
                    // The feedforward chain runs its split products one after another under both schedules.
                    for (int i = 0; i < ph.nanos.length; i++) {
                        layers += splitTime(ph.nanos[i], ph.costs[i], p, e);
                    }
                } else {
                    layers += layersMakespan(ph, p, e);
                }
            }
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", model);
                row.put("simulated_cores", p);
                row.put("layers_speedup", s1 / layers);
                row.put("gemm_speedup", s1 / gemmT);
                row.put("batch_speedup", s1 / batchT);
                row.put("split_efficiency", e);
                row.put("step_ms_1_thread", s1 / 1e6);
                row.put("init_fraction", init / s1);
                row.put("serial_rest_fraction", rest / s1);
                System.out.println(Json.write(row));
            } else {
                System.out.printf(Locale.ROOT, "    %2d cores: layers %.2fx, gemm %.2fx, batch %.2fx over 1 thread%n", p,
                        s1 / layers, s1 / gemmT, s1 / batchT);
            }
        }
    }

    /** The thread CPU time one reading of the thread CPU time costs (median of 9 runs of 2000). */
    private static double timerOverhead() {
        double[] r = new double[9];
        long sink = 0;
        for (int k = 0; k < r.length; k++) {
            long t0 = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < 2000; i++) {
                sink += MX.getCurrentThreadCpuTime();
            }
            r[k] = (MX.getCurrentThreadCpuTime() - t0) / 2001.0;
        }
        Arrays.sort(r);
        return sink == 42 ? 0 : r[r.length / 2];
    }

    /** Under gemm: the product part split, the elementwise part on one thread. */
    private static double gemmTaskTime(PhaseRun ph, int i, int p, double e) {
        double t = ph.nanos[i];
        if (ph.costs[i] <= 0) {
            return t;
        }
        double productShare = ph.phase.equals("init") ? 1 : Math.min(1, (double) ph.products[i] / ph.costs[i]);
        return splitTime(t * productShare, ph.products[i], p, e) + t * (1 - productShare);
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
            out.add(new PhaseRun(f.phase, nanos, f.costs, f.products));
        }
        return out;
    }

    /** A product of {@code cost} multiply-adds taking {@code t} alone, split as the kernels split it. */
    private static double splitTime(double t, long cost, int p, double e) {
        long ways = Math.max(1, Math.min(p, cost >> 20));
        return t / (1 + (ways - 1) * e);
    }

    /**
     * A phase under layers, as LayerSchedule.tasks runs it: a task whose product part is at least
     * 2^21 multiply-adds and above a fair share runs alone, split (its product part; all of it for
     * the weight update); the large tasks of a last partial round likewise; the rest list-scheduled.
     */
    private static double layersMakespan(PhaseRun ph, int p, double e) {
        int n = ph.nanos.length;
        boolean all = ph.phase.equals("weight_update");
        Integer[] order = new Integer[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            total += ph.costs[i];
        }
        Arrays.sort(order, (a, b) -> Long.compare(ph.costs[b], ph.costs[a]));
        if (n == 1) {
            return splitTask(ph, 0, p, e, all);
        }
        double time = 0;
        int first = 0;
        double rest = total;
        while (first < n && ph.products[order[first]] >= (1L << 21) && ph.costs[order[first]] * (double) p > rest) {
            time += splitTask(ph, order[first], p, e, all);
            rest -= ph.costs[order[first]];
            first++;
        }
        if (n - first == 1) {
            return time + splitTask(ph, order[first], p, e, all);
        }
        int big = 0;
        while (first + big < n && ph.products[order[first + big]] >= (1L << 21)) {
            big++;
        }
        int tail = big % p;
        List<Integer> parallel = new ArrayList<>();
        for (int k = first; k < n; k++) {
            boolean inTail = tail > 0 && big > tail && k >= first + big - tail && k < first + big;
            if (inTail) {
                time += splitTask(ph, order[k], p, e, all);
            } else {
                parallel.add(order[k]);
            }
        }
        if (parallel.size() == 1) {
            return time + splitTask(ph, parallel.get(0), p, e, all);
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

    /** A task run alone: its product part split (all of it with {@code all}), the rest on one thread. */
    private static double splitTask(PhaseRun ph, int i, int p, double e, boolean all) {
        if (all) {
            return splitTime(ph.nanos[i], ph.costs[i], p, e);
        }
        return gemmTaskTime(ph, i, p, e);
    }
}
