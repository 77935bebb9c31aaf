package org.pcn4j.model;

import java.util.Arrays;
import java.util.List;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.kernel.ParallelFor;

/**
 * The {@code batch} schedule of a {@link PcNetwork} ({@link ParallelSchedule#BATCH}): an inference
 * phase runs once per contiguous row range of the batch, the ranges on different threads, each
 * doing every node and edge of the phase for its own samples.
 *
 * <p>Why: inference is independent per sample, so one hand-off per phase replaces the per-product
 * splits of {@code gemm}, and small products (which the kernels do not split at all: under
 * 2^21 multiply-adds) run on every thread. A 784-128-128-10 PC step has about thirty of them.
 *
 * <p>Why results stay bit-identical: each range's calls are the serial phase's calls restricted
 * to its rows, in the same order, and a sample's values never depend on other samples' (the
 * products' rows keep the whole product's path and arithmetic, {@link Kernels#sgemmRows}; the
 * elementwise kernels do not depend on an element's position). Everything that is not per
 * sample stays serial, on the calling thread, before or after the ranges: which edges are stale
 * ({@link Edge#beginRefresh}, which also packs the weights), node versions, the "exactly zero"
 * flags (the ranges' flags or-ed), the energies (summed in node and row order afterwards).
 */
final class BatchSchedule {
    private final PcNetwork net;
    /**
     * Per node: which of its incoming edges recompute their contribution in this phase (the serial
     * pre-pass's answers, in {@code node.in} order).
     */
    private final java.util.IdentityHashMap<Node, boolean[]> recompute = new java.util.IdentityHashMap<>();
    /** Per node and range: settled (wrote x) and non-zero error / gradient flags of the last phase. */
    private boolean[][] settled = new boolean[0][];
    private boolean[][] nonZero = new boolean[0][];
    /** Phases run by rows so far. */
    private long calls;

    BatchSchedule(PcNetwork net) {
        this.net = net;
        for (Node n : net.nodes()) {
            recompute.put(n, new boolean[n.in.size()]);
        }
    }

    long calls() {
        return calls;
    }

    /** Whether every edge, every energy and the kernel backend have exact row-range forms. */
    static boolean supported(PcNetwork net) {
        if (!Kernels.get().rowsExact()) {
            return false;
        }
        for (Edge e : net.edges()) {
            if (!e.rowwise()) {
                return false;
            }
        }
        for (Node n : net.nodes()) {
            if (n.hasPrediction() && !n.energy().rowwise()) {
                return false;
            }
        }
        return true;
    }

    /**
     * How many row ranges a batch of b rows is cut into on {@code threads} threads: at least
     * {@link ScheduleModel#ROWS_MIN} rows each (fewer leave the kernels' micro-panels part empty);
     * below two ranges the network does not use this schedule.
     */
    static int ranges(int b, int threads) {
        return Math.max(1, Math.min(threads, b / ScheduleModel.ROWS_MIN));
    }

    private static int rowStart(int b, int parts, int i) {
        return (int) ((long) b * i / parts);
    }

    /** One phase's work on rows [r0, r1) of range {@code part}. */
    private interface RowTask {
        void run(int part, int r0, int r1);
    }

    /** Runs {@code task} on each of {@code parts} row ranges of a batch of b rows (counted as one call). */
    private void forRows(int b, int parts, int threads, RowTask task) {
        calls++;
        ParallelFor.run(parts, threads, p -> task.run(p, rowStart(b, parts, p), rowStart(b, parts, p + 1)));
    }

    private void ensureFlags(int nodes, int parts) {
        if (settled.length != nodes || (nodes > 0 && settled[0].length != parts)) {
            settled = new boolean[nodes][parts];
            nonZero = new boolean[nodes][parts];
        }
    }

    /** Serial: which of n's incoming edges recompute (all are asked, as {@link PcNetwork#predict} asks them); true if any. */
    private boolean beginPredict(Node n, int b) {
        boolean[] flags = recompute.get(n);
        boolean changed = false;
        for (int j = 0; j < flags.length; j++) {
            boolean r = n.in.get(j).beginRefresh(n, b);
            flags[j] = r;
            changed |= r;
        }
        return changed;
    }

    /** One node's prediction for rows [r0, r1), given the pre-pass; {@code changed} as {@link #beginPredict} said. */
    private void predictRows(Node n, boolean changed, int b, int r0, int r1) {
        if (!changed) {
            return;
        }
        boolean[] flags = recompute.get(n);
        List<Edge> in = n.in;
        for (int j = 0; j < flags.length; j++) {
            if (flags[j]) {
                in.get(j).refreshRows(n, b, r0, r1);
            }
        }
        for (int j = 0; j < in.size(); j++) {
            in.get(j).addPredictionRows(n, b, j == 0, r0, r1);
        }
    }

    /**
     * The feedforward chain ({@link PcNetwork#initFeedforward}'s loop over {@code ord}), every node
     * of it per row range: one hand-off for the whole chain.
     */
    void initFeedforward(List<Node> ord, int threads) {
        int b = net.batch();
        int count = ord.size();
        boolean[] init = new boolean[count];
        boolean[] changed = new boolean[count];
        for (int i = 0; i < count; i++) {
            Node n = ord.get(i);
            if (n.clamped || !n.hasPrediction() || n.keepState) {
                continue;
            }
            init[i] = true;
            changed[i] = beginPredict(n, b);
            n.touch(); // as initNode does after x = mu: later edges from n see a new version
        }
        int parts = ranges(b, threads);
        forRows(b, parts, threads, (p, r0, r1) -> {
            for (int i = 0; i < count; i++) {
                if (!init[i]) {
                    continue;
                }
                Node n = ord.get(i);
                predictRows(n, changed[i], b, r0, r1);
                int size = n.size();
                if (n.mask != null) {
                    float[] m = n.mask;
                    for (int j = r0 * size, hi = r1 * size; j < hi; j++) {
                        if (m[j] == 0f) {
                            n.x[j] = n.mu[j];
                        }
                    }
                } else {
                    n.energy().initialStateRows(n.mu, n.x, r0, r1, size);
                }
            }
        });
    }

    /**
     * {@link PcNetwork#computePredictions} (with {@code predictions}) and then
     * {@link PcNetwork#computeErrors} (with {@code errors}), both per row range in one hand-off.
     */
    void predictionsAndErrors(boolean predictions, boolean errors, int threads) {
        int b = net.batch();
        List<Node> nodes = net.nodes();
        int count = nodes.size();
        boolean[] changed = new boolean[count];
        if (predictions) {
            for (int i = 0; i < count; i++) {
                Node n = nodes.get(i);
                if (n.hasPrediction()) {
                    changed[i] = beginPredict(n, b);
                }
            }
        }
        int parts = ranges(b, threads);
        ensureFlags(count, parts);
        forRows(b, parts, threads, (p, r0, r1) -> {
            if (predictions) {
                for (int i = 0; i < count; i++) {
                    Node n = nodes.get(i);
                    if (n.hasPrediction()) {
                        predictRows(n, changed[i], b, r0, r1);
                    }
                }
            }
            if (errors) {
                for (int i = 0; i < count; i++) {
                    Node n = nodes.get(i);
                    if (n.hasPrediction()) {
                        errorRows(n, i, p, b, r0, r1);
                    }
                }
            }
        });
        if (errors) {
            for (int i = 0; i < count; i++) {
                Node n = nodes.get(i);
                if (n.hasPrediction()) {
                    if (any(settled[i])) {
                        n.touch();
                    }
                    n.epsNonZero = any(nonZero[i]);
                }
            }
        }
    }

    /** {@link PcNetwork#nodeErrors} for rows [r0, r1); its flags go to range p's slots. */
    private void errorRows(Node n, int i, int p, int b, int r0, int r1) {
        int size = n.size();
        Energy en = n.energy();
        settled[i][p] = !n.clamped && en.settleRows(n.mu, n.x, r0, r1, size);
        boolean offset = n.offsetGap(r0 * size, r1 * size); // as PcNetwork#nodeErrors, for these rows
        en.errorsRows(offset ? n.offset : n.x, offset ? n.anchorGap : n.mu, n.eps, n.sampleEnergy, n.prob, r0, r1, size, n.precision());
        float[] eps = n.eps;
        boolean nz = false;
        for (int j = r0 * size, hi = r1 * size; j < hi; j++) {
            if (eps[j] != 0f) {
                nz = true;
                break;
            }
        }
        nonZero[i][p] = nz;
        for (Edge e : n.in) {
            e.errorChangedRows(n, b, r0, r1);
        }
    }

    /**
     * {@link PcNetwork#backwardSweep}'s loop over {@code ord} in reverse, every node of it per row
     * range: each range sends its rows' errors back through the whole chain, one hand-off.
     */
    void backwardSweep(List<Node> ord, int threads) {
        int b = net.batch();
        int count = ord.size();
        boolean[] sweep = new boolean[count];
        for (int i = 0; i < count; i++) {
            Node n = ord.get(i);
            sweep[i] = !n.clamped && !n.out.isEmpty();
            if (sweep[i]) {
                for (Edge e : n.out) {
                    e.beginBackward(b);
                }
            }
        }
        int parts = ranges(b, threads);
        ensureFlags(count, parts);
        forRows(b, parts, threads, (p, r0, r1) -> {
            for (int i = count - 1; i >= 0; i--) {
                if (!sweep[i]) {
                    continue;
                }
                Node n = ord.get(i);
                int lo = r0 * n.size();
                int hi = r1 * n.size();
                Arrays.fill(n.grad, lo, hi, 0f);
                for (Edge e : n.out) {
                    e.accumulateStateGradientRows(n, b, r0, r1);
                }
                float[] eps = n.eps;
                float[] g = n.grad;
                boolean nz = false;
                for (int j = lo; j < hi; j++) {
                    eps[j] = -g[j];
                    nz |= eps[j] != 0f;
                }
                nonZero[i][p] = nz;
                for (Edge e : n.in) {
                    e.errorChangedRows(n, b, r0, r1);
                }
            }
        });
        for (int i = 0; i < count; i++) {
            if (sweep[i]) {
                ord.get(i).epsNonZero = any(nonZero[i]);
            }
        }
    }

    /** {@link PcNetwork#computeStateGradients} per row range. */
    void stateGradients(int threads) {
        int b = net.batch();
        for (Edge e : net.edges()) {
            e.beginStateGradients(b);
        }
        List<Node> nodes = net.nodes();
        int count = nodes.size();
        int parts = ranges(b, threads);
        ensureFlags(count, parts);
        forRows(b, parts, threads, (p, r0, r1) -> {
            for (int i = 0; i < count; i++) {
                Node n = nodes.get(i);
                if (!n.clamped) {
                    nonZero[i][p] = stateGradientRows(n, b, r0, r1);
                }
            }
        });
        for (int i = 0; i < count; i++) {
            Node n = nodes.get(i);
            if (!n.clamped) {
                n.gradNonZero = any(nonZero[i]);
            }
        }
    }

    /** {@link PcNetwork#nodeStateGradient} for rows [r0, r1); returns its gradient-non-zero flag. */
    private static boolean stateGradientRows(Node n, int b, int r0, int r1) {
        int size = n.size();
        int lo = r0 * size;
        int hi = r1 * size;
        boolean nz;
        if (!n.hasPrediction()) {
            Arrays.fill(n.grad, lo, hi, 0f);
            nz = false;
        } else {
            nz = n.energy().stateGradientRows(n.eps, n.epsNonZero, n.grad, lo, hi);
        }
        for (Edge e : n.out) {
            if (e.sendsStateGradient()) {
                e.accumulateStateGradientRows(n, b, r0, r1);
                nz = true;
            }
        }
        if (n.mask != null) {
            float[] m = n.mask;
            float[] g = n.grad;
            for (int j = lo; j < hi; j++) {
                if (m[j] != 0f) {
                    g[j] = 0f;
                }
            }
        }
        return nz;
    }

    private static boolean any(boolean[] flags) {
        for (boolean f : flags) {
            if (f) {
                return true;
            }
        }
        return false;
    }
}
