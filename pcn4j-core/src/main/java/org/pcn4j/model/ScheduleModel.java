package org.pcn4j.model;

import java.util.Arrays;
import java.util.Locale;

/**
 * The cost model the {@code auto} schedule decides by ({@link ParallelSchedule#AUTO}): for each
 * phase call it predicts the time of {@code gemm} (tasks one after another, each product split,
 * elementwise work on one thread) and of {@code layers} (what {@link LayerSchedule#tasks} does:
 * tasks above a fair share alone and split, the rest list-scheduled largest first, one hand-off)
 * from the tasks' modelled costs, and runs {@code layers} only when it is predicted faster by
 * more than the hand-off and a margin. It decides per call, so the inference steps right after a
 * feedforward initialization (few non-zero errors, one product) and the later ones (several)
 * can differ. It decides from costs, not from timings: timing both on a shared machine picks at
 * random (BENCHMARKS.md, "Thread schedules"), and a model gives the same choice every run.
 *
 * <p>Costs are multiply-adds; elementwise work is converted at rates measured here in thread CPU
 * time (AMD EPYC Zen 4, 1 thread, 784-256x8-10, batch 64): a GEMM multiply-add about 0.017 ns,
 * an element of error or state work about 0.8 ns, an optimizer entry (AdamW plus the packing of
 * the new weight) about 1.3 ns.
 */
final class ScheduleModel {
    /** Multiply-adds one element of elementwise node work (errors, activations, copies) costs. */
    static final long ELEM_MACS = 48;
    /** Multiply-adds one parameter entry's optimizer step and re-packing costs. */
    static final long STEP_MACS = 80;
    /** A task runner hand-off (wake, claim, join) in multiply-adds: about 3 us at 65 GMAC/s. */
    static final long HANDOFF_MACS = 200_000;
    /** Below this many entries an optimizer step is not split into chunks. */
    static final long STEP_CHUNK_MIN = 16_384;
    /** Parallel efficiency of a product split by the kernels (as the simulation assumes). */
    static final double SPLIT_EFFICIENCY = 0.8;
    /** layers must win by this fraction of the gemm time too. */
    static final double MARGIN = 0.05;

    private final long[] calls = new long[LayerSchedule.Phase.values().length];
    private final long[] layersCalls = new long[calls.length];

    /** True when layers is predicted faster than gemm for these tasks (costs and their elementwise parts). */
    boolean prefersLayers(LayerSchedule.Phase p, long[] cost, long[] elementwise, int threads) {
        boolean layers = threads > 1 && layersTime(cost, splittable(p, cost, elementwise), threads) + HANDOFF_MACS
                < gemmTime(cost, elementwise, threads) * (1 - MARGIN);
        synchronized (this) {
            calls[p.ordinal()]++;
            if (layers) {
                layersCalls[p.ordinal()]++;
            }
        }
        return layers;
    }

    /** The part of each task that the kernels (or the optimizer's chunks) can split. */
    static long[] splittable(LayerSchedule.Phase p, long[] cost, long[] elementwise) {
        long[] s = new long[cost.length];
        boolean stepSplits = p == LayerSchedule.Phase.WEIGHT_UPDATE || p == LayerSchedule.Phase.WEIGHT_STEP;
        for (int i = 0; i < s.length; i++) {
            s[i] = stepSplits ? cost[i] : cost[i] - elementwise[i];
        }
        return s;
    }

    /** A split product's time: the kernels use min(P, c / 2^20) threads from 2^21 multiply-adds on. */
    static double splitTime(double c, int threads) {
        if (c < LayerSchedule.SPLIT_MIN) {
            return c;
        }
        long ways = Math.max(1, Math.min(threads, (long) c >> 20));
        return c / (1 + (ways - 1) * SPLIT_EFFICIENCY) + (ways > 1 ? HANDOFF_MACS : 0);
    }

    /** gemm: every task in turn, its products split, its elementwise part on one thread. */
    static double gemmTime(long[] cost, long[] elementwise, int threads) {
        double t = 0;
        for (int i = 0; i < cost.length; i++) {
            t += splitTime(cost[i] - elementwise[i], threads) + elementwise[i];
        }
        return t;
    }

    /** layers: as {@link LayerSchedule#tasks} runs them (alone and tail tasks split, the rest list-scheduled). */
    static double layersTime(long[] cost, long[] split, int threads) {
        int n = cost.length;
        if (n <= 1) {
            return n == 0 ? 0 : splitTime(split[0], threads) + cost[0] - split[0];
        }
        Integer[] order = new Integer[n];
        long rest = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            rest += cost[i];
        }
        Arrays.sort(order, (x, y) -> Long.compare(cost[y], cost[x]));
        double t = 0;
        int first = 0;
        while (first < n && split[order[first]] >= LayerSchedule.SPLIT_MIN && cost[order[first]] * threads > rest) {
            int i = order[first];
            t += splitTime(split[i], threads) + cost[i] - split[i];
            rest -= cost[i];
            first++;
        }
        double[] free = new double[threads];
        for (int k = first; k < n; k++) {
            int best = 0;
            for (int q = 1; q < threads; q++) {
                if (free[q] < free[best]) {
                    best = q;
                }
            }
            free[best] += cost[order[k]];
        }
        double makespan = 0;
        for (double f : free) {
            makespan = Math.max(makespan, f);
        }
        return t + makespan;
    }

    /** Per phase that auto ran: {@code NAME=layers L/N} or {@code NAME=gemm} (L of N calls ran layers). */
    synchronized String choices() {
        StringBuilder sb = new StringBuilder();
        for (LayerSchedule.Phase p : LayerSchedule.Phase.values()) {
            long n = calls[p.ordinal()];
            if (n == 0) {
                continue;
            }
            long l = layersCalls[p.ordinal()];
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(p.name().toLowerCase(Locale.ROOT)).append('=');
            sb.append(l == 0 ? "gemm" : l == n ? "layers" : "layers " + l + "/" + n);
        }
        return sb.toString();
    }
}
