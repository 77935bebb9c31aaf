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
 * the new weight) about 1.3 ns, a state optimizer entry (SGD with momentum) about 0.13 ns.
 *
 * <p>Rows of the batch ({@link BatchSchedule}) against the others: only a range's products lose
 * speed ({@link #ROWS_EFFICIENCY}: they reuse the packed weights over fewer rows); its elementwise
 * loops run as fast on half the rows. And where the data is: a phase run by rows leaves each
 * thread's rows of every state, prediction, error and gradient in its own core's cache, so the
 * next phase run any other way (one task per node, or the caller alone) first moves the other
 * threads' rows over, and a phase by rows after one that was not moves them back. Measured on
 * 784-128-128-10 at 2 threads (medians of per-call wall times, 2026-12-01): the state optimizer's
 * step on the caller between two row-split phases took 10.6 us against 2.1 us at 1 thread, and a
 * predictions-and-errors call run as layers there 26.5 us against 14.1 us by rows. The model
 * charges {@link #MOVE_MACS} per element pass whose rows another thread holds, so it keeps the
 * schedule the data is laid out for unless another wins by more than the move.
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

    /**
     * The batch schedule cuts a batch into ranges of at least this many rows: below it a product's
     * micro-panels (6 or 8 rows) run part empty and the packed weights are streamed once per few rows.
     */
    static final int ROWS_MIN = 8;
    /** Speed of a product run on a range of the rows against the whole batch's (smaller products reuse B less). */
    static final double ROWS_EFFICIENCY = 0.9;
    /** Multiply-adds one state entry's optimizer step costs (SGD with momentum: 2.1 us for 16,384 entries). */
    static final long STATE_STEP_MACS = 8;
    /**
     * Multiply-adds to bring one element pass into a thread's cache from the core that wrote it
     * (about 0.7 ns: the measurements in the class comment give 0.5-1 ns).
     */
    static final long MOVE_MACS = 48;

    /**
     * Where the last inference phase left the rows: {@code TRUE} by rows (each thread's rows in
     * its own cache), {@code FALSE} another way, null before the first (no move charged either
     * way). Only {@link #prefersRows} and {@link #prefersRowsForStateStep} set it; the weight
     * phases only read the states and errors and leave it as it is.
     */
    private Boolean rowsLayout;

    /** The counting slots of the feedforward chain and the state optimizer's step, after the phases'. */
    private static final int INIT = LayerSchedule.Phase.values().length;
    private static final int STATE_STEP = INIT + 1;
    /** Per phase (and the chain and the state step): calls, layers calls, rows calls. */
    private final long[] calls = new long[STATE_STEP + 1];
    private final long[] layersCalls = new long[calls.length];
    private final long[] rowsCalls = new long[calls.length];

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

    /**
     * True when running the tasks by rows of the batch (every task on every range, one hand-off)
     * is predicted faster than both gemm and layers by the margin, each charged for moving the
     * rows where the last inference phase left them in another layout ({@link #MOVE_MACS}).
     * {@code p} null is the feedforward chain (which layers cannot run: there only gemm
     * competes). A true answer counts the call as a batch call; a false one leaves the counting
     * to {@link #prefersLayers}, which the caller asks next (for the chain, the call is counted
     * here as gemm). Either answer sets the layout the next call starts from.
     */
    synchronized boolean prefersRows(LayerSchedule.Phase p, long[] cost, long[] elementwise, int threads, int batch) {
        double move = moveTime(elementwise, threads, batch);
        double rows = rowsTime(cost, elementwise, threads, batch) + (Boolean.FALSE.equals(rowsLayout) ? move : 0);
        double other = gemmTime(cost, elementwise, threads);
        if (p != null) {
            other = Math.min(other, layersTime(cost, splittable(p, cost, elementwise), threads) + HANDOFF_MACS);
        }
        other += Boolean.TRUE.equals(rowsLayout) ? move : 0;
        boolean r = rows < other * (1 - MARGIN);
        int slot = p == null ? INIT : p.ordinal();
        rowsLayout = r;
        if (r || p == null) {
            calls[slot]++;
            if (r) {
                rowsCalls[slot]++;
            }
        }
        return r;
    }

    /**
     * True when the state optimizer's step over {@code entries} state entries should run by rows
     * (each thread its own rows of every state) rather than on the caller: the step itself is
     * light ({@link #STATE_STEP_MACS} an entry), so it is mostly the move of the rows that
     * decides, which way the phase before it left them. Counted as the {@code state_step} phase.
     */
    synchronized boolean prefersRowsForStateStep(long entries, int threads, int batch) {
        int ways = Math.min(threads, batch / ROWS_MIN);
        boolean r = false;
        if (ways > 1) {
            double work = (double) entries * STATE_STEP_MACS;
            double move = (double) entries * MOVE_MACS * (ways - 1) / ways;
            double rows = work / ways + HANDOFF_MACS + (Boolean.FALSE.equals(rowsLayout) ? move : 0);
            double serial = work + (Boolean.TRUE.equals(rowsLayout) ? move : 0);
            r = rows < serial * (1 - MARGIN);
        }
        rowsLayout = r;
        calls[STATE_STEP]++;
        if (r) {
            rowsCalls[STATE_STEP]++;
        }
        return r;
    }

    /**
     * batch: every task on each of min(P, batch / ROWS_MIN) ranges at once, one hand-off; the
     * products at {@link #ROWS_EFFICIENCY}, the elementwise work at full speed.
     */
    static double rowsTime(long[] cost, long[] elementwise, int threads, int batch) {
        int ways = Math.min(threads, batch / ROWS_MIN);
        if (ways <= 1) {
            return Double.POSITIVE_INFINITY;
        }
        double products = 0;
        double elems = 0;
        for (int i = 0; i < cost.length; i++) {
            products += cost[i] - elementwise[i];
            elems += elementwise[i];
        }
        return products / (ways * ROWS_EFFICIENCY) + elems / ways + HANDOFF_MACS;
    }

    /**
     * Moving the rows between the row layout and another: the share (ways - 1) / ways of the
     * phase's element passes ({@code elementwise} / {@link #ELEM_MACS}) another core wrote.
     */
    static double moveTime(long[] elementwise, int threads, int batch) {
        int ways = Math.min(threads, batch / ROWS_MIN);
        if (ways <= 1) {
            return 0;
        }
        double passes = 0;
        for (long e : elementwise) {
            passes += (double) e / ELEM_MACS;
        }
        return passes * MOVE_MACS * (ways - 1) / ways;
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

    /**
     * Per phase that auto ran: {@code NAME=gemm}, {@code NAME=layers}, {@code NAME=batch} when
     * every call ran that way, else e.g. {@code NAME=layers 3/6} or {@code NAME=batch 4/6,layers 2/6}
     * (calls of each non-gemm kind out of all); the feedforward chain is {@code init}, the state
     * optimizer's step {@code state_step} ({@code gemm} there: on the caller).
     */
    synchronized String choices() {
        StringBuilder sb = new StringBuilder();
        LayerSchedule.Phase[] phases = LayerSchedule.Phase.values();
        for (int k = 0; k < calls.length; k++) {
            // the chain first, then the phases in order, then the state step
            int slot = k == 0 ? INIT : k <= INIT ? k - 1 : STATE_STEP;
            long n = calls[slot];
            if (n == 0) {
                continue;
            }
            long l = layersCalls[slot];
            long r = rowsCalls[slot];
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(slot == INIT ? "init" : slot == STATE_STEP ? "state_step" : phases[slot].name().toLowerCase(Locale.ROOT))
                    .append('=');
            if (l == 0 && r == 0) {
                sb.append("gemm");
            } else if (l == n) {
                sb.append("layers");
            } else if (r == n) {
                sb.append("batch");
            } else {
                String rs = r == 0 ? "" : "batch " + r + "/" + n;
                String ls = l == 0 ? "" : "layers " + l + "/" + n;
                sb.append(rs).append(r > 0 && l > 0 ? "," : "").append(ls);
            }
        }
        return sb.toString();
    }
}
