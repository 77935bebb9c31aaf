package org.pcn4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.IntToLongFunction;
import org.pcn4j.kernel.ParallelFor;

/**
 * The {@code layers} and {@code auto} schedules of a {@link PcNetwork} ({@link ParallelSchedule}):
 * each inference phase as independent tasks on the kernel threads.
 *
 * <p>Why results stay bit-identical: a task writes only its own nodes' arrays and its own edges'
 * buffers, and reads what no task of the same phase writes; every product keeps its arithmetic
 * order (a GEMM called inside a task runs on that task's thread, one split by the kernels gives
 * the same bits). Tasks are therefore grouped so that one edge is only ever driven by one task:
 * the targets of an edge with several targets (a block) share a prediction and error task, the
 * sources of an edge with several sources share a state-gradient task, which also runs those
 * edges' {@link Edge#prepareStateGradients}.
 *
 * <p>Balance: tasks are claimed largest first (modelled multiply-adds, {@link Edge#productCost},
 * 0 for a cached prediction), so the dynamic claiming of {@code ParallelFor} approximates
 * longest-processing-time scheduling. A task larger than a fair share of its phase cannot be
 * balanced: it runs alone first, its products split over every thread as in {@code gemm}; so do
 * the large tasks of a last, partial round (the third of three equal products on two threads).
 * With a feedforward initialization the errors reach one more layer per inference step, so early
 * steps have few large tasks: the split keeps both threads busy there.
 *
 * <p>The weight update is one task per edge: its gradient, its optimizer step (in chunks over the
 * threads when the task runs alone) and {@link Edge#prepareProducts}, so the optimizer, about a
 * tenth of a step, is no longer serial and the packing of the new weights leaves the feedforward
 * chain. {@code auto} asks {@link ScheduleModel} per call.
 *
 * <p>Over 400 lines: the task graph of every phase, its costs, the splitting of large tasks and
 * the per-task profile belong together; split apart they would share most of their state.
 */
final class LayerSchedule {
    /**
     * The phases: {@code PREDICTIONS_ERRORS} is both in one task per target group (one barrier
     * instead of two); {@code WEIGHT_UPDATE} is each edge's gradient, optimizer step and
     * {@link Edge#prepareProducts} in one task, {@code WEIGHT_STEP} the same without the gradient.
     */
    enum Phase { PREDICTIONS, ERRORS, PREDICTIONS_ERRORS, STATE_GRADIENTS, WEIGHT_GRADIENTS, WEIGHT_UPDATE, WEIGHT_STEP }

    /** Below this many multiply-adds a product is not split by the kernels either. */
    static final long SPLIT_MIN = 1L << 21;

    private final PcNetwork net;
    private final Node[][] targetGroups;
    private final Node[][] sourceGroups;
    private final Edge[][] ownedEdges;
    /** Edges without sources (none of the built-in kinds): prepared on the caller first. */
    private final Edge[] orphanEdges;
    private final Edge[] edges;
    private final ScheduleModel model;
    /** The weight phases' arguments, set just before they run. */
    private float wScale;
    private boolean wAccumulate;
    private PcNetwork.WeightStep wStep;

    LayerSchedule(PcNetwork net) {
        this.net = net;
        List<Node> nodes = net.nodes();
        List<Edge> es = net.edges();
        edges = es.toArray(new Edge[0]);
        int[] parent = new int[nodes.size()];
        java.util.Map<Node, Integer> index = new java.util.IdentityHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i), i);
        }
        // Targets of one edge share a task in the prediction and error phases.
        reset(parent);
        for (Edge e : es) {
            unionAll(parent, index, e.targets());
        }
        List<List<Node>> tg = groups(parent, nodes, true);
        targetGroups = toArrays(tg);
        // Sources of one edge share a task in the state-gradient phase.
        reset(parent);
        for (Edge e : es) {
            unionAll(parent, index, e.sources());
        }
        List<List<Node>> sg = groups(parent, nodes, false);
        sourceGroups = toArrays(sg);
        List<List<Edge>> owned = new ArrayList<>();
        for (int g = 0; g < sg.size(); g++) {
            owned.add(new ArrayList<>());
        }
        List<Edge> orphans = new ArrayList<>();
        for (Edge e : es) {
            if (e.sources().isEmpty()) {
                orphans.add(e);
                continue;
            }
            Node first = e.sources().get(0);
            for (int g = 0; g < sg.size(); g++) {
                if (sg.get(g).contains(first)) {
                    owned.get(g).add(e);
                    break;
                }
            }
        }
        ownedEdges = new Edge[owned.size()][];
        for (int g = 0; g < owned.size(); g++) {
            ownedEdges[g] = owned.get(g).toArray(new Edge[0]);
        }
        orphanEdges = orphans.toArray(new Edge[0]);
        model = new ScheduleModel();
    }

    private static void reset(int[] parent) {
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void unionAll(int[] parent, java.util.Map<Node, Integer> index, List<Node> ns) {
        for (int j = 1; j < ns.size(); j++) {
            int a = find(parent, index.get(ns.get(0)));
            int b = find(parent, index.get(ns.get(j)));
            if (a != b) {
                parent[Math.max(a, b)] = Math.min(a, b);
            }
        }
    }

    /** The union-find classes in network order; {@code predicted}: only nodes with a prediction. */
    private static List<List<Node>> groups(int[] parent, List<Node> nodes, boolean predicted) {
        java.util.Map<Integer, List<Node>> byRoot = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!predicted || n.hasPrediction()) {
                byRoot.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(n);
            }
        }
        return new ArrayList<>(byRoot.values());
    }

    private static Node[][] toArrays(List<List<Node>> gs) {
        Node[][] out = new Node[gs.size()][];
        for (int i = 0; i < gs.size(); i++) {
            out[i] = gs.get(i).toArray(new Node[0]);
        }
        return out;
    }

    /** The number of tasks of a phase (for profiles and tests). */
    int tasks(Phase p) {
        switch (p) {
            case PREDICTIONS:
            case ERRORS:
            case PREDICTIONS_ERRORS:
                return targetGroups.length;
            case STATE_GRADIENTS:
                return sourceGroups.length;
            default:
                return edges.length;
        }
    }

    // ---- the phases ------------------------------------------------------------------------

    /**
     * Runs a phase by the network's schedule: {@code serial} (gemm) or as tasks (layers); auto
     * asks the cost model, per call, which of the two it predicts faster on {@code threads}.
     */
    void run(Phase p, ParallelSchedule mode, int threads, Runnable serial) {
        PcNetwork.TaskTimer timer = net.taskTimer();
        if (timer != null) {
            profile(p, timer);
            return;
        }
        if (mode == ParallelSchedule.AUTO) {
            long[][] ce = costs(p);
            if (!model.prefersLayers(p, ce[0], ce[1], threads)) {
                serial.run();
                return;
            }
        }
        layered(p, threads);
    }

    /** The modelled cost of each task of p and its elementwise part, as {c, elementwise}. */
    private long[][] costs(Phase p) {
        int b = net.batch();
        int n = tasks(p);
        long[] c = new long[n];
        long[] elems = new long[n];
        for (int i = 0; i < n; i++) {
            c[i] = cost(p, i, b);
            elems[i] = elementwise(p, i, b);
        }
        return new long[][] {c, elems};
    }

    /**
     * For {@code auto}: whether this call of an inference phase should run by rows of the batch
     * ({@link BatchSchedule}) rather than as gemm or layers, by the cost model.
     */
    boolean prefersRows(Phase p, int threads) {
        long[][] ce = costs(p);
        return model.prefersRows(p, ce[0], ce[1], threads, net.batch());
    }

    /**
     * For {@code auto}: whether the feedforward chain over {@code init} should run by rows: its
     * tasks are the nodes' products (the stale ones) and their elementwise work, one after another.
     */
    boolean prefersRowsForInit(List<Node> init, int threads) {
        int b = net.batch();
        long[] c = new long[init.size()];
        long[] elems = new long[init.size()];
        for (int i = 0; i < c.length; i++) {
            Node n = init.get(i);
            elems[i] = 2 * elements(new Node[] {n}, b);
            c[i] = predictionCost(new Node[] {n}, b) + elems[i];
        }
        return model.prefersRows(null, c, elems, threads, b);
    }

    /** For {@code auto}: whether the state optimizer's step over {@code entries} entries should run by rows. */
    boolean prefersRowsForStateStep(long entries, int threads) {
        return model.prefersRowsForStateStep(entries, threads, net.batch());
    }

    private void layered(Phase p, int threads) {
        int b = net.batch();
        if (p == Phase.STATE_GRADIENTS) {
            for (Edge e : orphanEdges) {
                e.prepareStateGradients(b);
            }
        }
        boolean stepSplits = p == Phase.WEIGHT_UPDATE || p == Phase.WEIGHT_STEP;
        tasks(tasks(p), threads, i -> cost(p, i, b), i -> stepSplits ? cost(p, i, b) : cost(p, i, b) - elementwise(p, i, b),
                (i, alone) -> runTask(p, i, alone, threads));
    }

    /**
     * The modelled cost of task i in multiply-adds; elementwise work (errors, optimizer entries)
     * is converted at the rates {@link ScheduleModel} was calibrated with.
     */
    private long cost(Phase p, int i, int b) {
        switch (p) {
            case PREDICTIONS: return predictionCost(targetGroups[i], b);
            case ERRORS: return elements(targetGroups[i], b);
            case PREDICTIONS_ERRORS: return predictionCost(targetGroups[i], b) + elements(targetGroups[i], b);
            case STATE_GRADIENTS: return gradientCost(i, b);
            case WEIGHT_GRADIENTS: return edges[i].productCost(b);
            case WEIGHT_UPDATE: return edges[i].productCost(b) + ScheduleModel.STEP_MACS * stepSize(i);
            default: return ScheduleModel.STEP_MACS * stepSize(i);
        }
    }

    /** The part of task i's cost that is elementwise (not a matrix product): gemm runs it on one thread. */
    private long elementwise(Phase p, int i, int b) {
        switch (p) {
            case PREDICTIONS: return elements(targetGroups[i], b);
            case ERRORS: return elements(targetGroups[i], b);
            case PREDICTIONS_ERRORS: return 2 * elements(targetGroups[i], b);
            case STATE_GRADIENTS: return freeElements(sourceGroups[i], b);
            case WEIGHT_GRADIENTS: return 0;
            default: return ScheduleModel.STEP_MACS * stepSize(i);
        }
    }

    private long stepSize(int edge) {
        return wStep == null ? 0 : wStep.size(edge);
    }

    private void runTask(Phase p, int i, boolean alone, int threads) {
        switch (p) {
            case PREDICTIONS:
                for (Node n : targetGroups[i]) {
                    net.predict(n);
                }
                break;
            case ERRORS:
                for (Node n : targetGroups[i]) {
                    net.nodeErrors(n);
                }
                break;
            case PREDICTIONS_ERRORS:
                // The group's predictions, then its errors, as the two phases would: what another
                // group's prediction reads (states, weights) no error task writes (see PcNetwork).
                for (Node n : targetGroups[i]) {
                    net.predict(n);
                }
                for (Node n : targetGroups[i]) {
                    net.nodeErrors(n);
                }
                break;
            case STATE_GRADIENTS:
                stateGradients(i);
                break;
            case WEIGHT_GRADIENTS:
                edges[i].weightGradient(net.batch(), wScale, wAccumulate);
                break;
            case WEIGHT_UPDATE:
                edges[i].weightGradient(net.batch(), wScale, wAccumulate);
                step(i, alone, threads);
                break;
            default:
                step(i, alone, threads);
                break;
        }
    }

    /**
     * Edge i's optimizer step (in chunks over the threads when the task runs alone), then its
     * weightsChanged and prepareProducts, on this task's thread: the packing of the new weights
     * runs here in parallel instead of at the head of the next feedforward chain.
     */
    private void step(int i, boolean alone, int threads) {
        PcNetwork.WeightStep w = wStep;
        long size = w.size(i);
        int chunks = alone ? (int) Math.min(threads, size / ScheduleModel.STEP_CHUNK_MIN) : 1;
        if (chunks > 1) {
            ParallelFor.run(chunks, threads, c -> w.step(i, size * c / chunks, size * (c + 1) / chunks));
        } else if (size > 0) {
            w.step(i, 0, size);
        }
        edges[i].weightsChanged();
        edges[i].prepareProducts(net.batch());
    }

    /** The weight phases' arguments ({@link PcNetwork#computeWeightGradients}, {@link PcNetwork#updateWeights}). */
    void weightArguments(float scale, boolean accumulate, PcNetwork.WeightStep step) {
        wScale = scale;
        wAccumulate = accumulate;
        wStep = step;
    }

    private void stateGradients(int g) {
        int b = net.batch();
        for (Edge e : ownedEdges[g]) {
            e.prepareStateGradients(b);
        }
        for (Node n : sourceGroups[g]) {
            net.nodeStateGradient(n);
        }
    }

    /** The group's elementwise work, in multiply-adds ({@link ScheduleModel#ELEM_MACS} per element). */
    private static long elements(Node[] group, int batch) {
        long c = 0;
        for (Node n : group) {
            c += (long) batch * n.size();
        }
        return c * ScheduleModel.ELEM_MACS;
    }

    /** {@link #elements} of the free nodes only: a clamped node's state gradient is not computed (no work). */
    private static long freeElements(Node[] group, int batch) {
        long c = 0;
        for (Node n : group) {
            if (!n.clamped) {
                c += (long) batch * n.size();
            }
        }
        return c * ScheduleModel.ELEM_MACS;
    }

    private static long predictionCost(Node[] group, int batch) {
        long c = elements(group, batch);
        for (Node n : group) {
            for (Edge e : n.in) {
                if (!e.cached(n, batch)) {
                    c += e.productCost(batch);
                }
            }
        }
        return c;
    }

    private long gradientCost(int g, int batch) {
        long c = freeElements(sourceGroups[g], batch);
        for (Node n : sourceGroups[g]) {
            if (n.clamped) {
                continue;
            }
            for (Edge e : n.out) {
                if (e.sendsStateGradient()) {
                    c += e.productCost(batch);
                }
            }
        }
        return c;
    }

    /** What a task runner calls: task i, and whether it runs alone on the caller (its products split). */
    interface TaskBody {
        void run(int task, boolean alone);
    }

    /** As {@link #tasks(int, int, IntToLongFunction, TaskBody)}, for bodies that do not care whether they run alone. */
    static void tasks(int n, int threads, IntToLongFunction cost, IntConsumer body) {
        tasks(n, threads, cost, cost, (i, alone) -> body.accept(i));
    }

    /**
     * Runs body(0..n-1): tasks too large to balance first, one by one with split products, then
     * the rest as parallel tasks, largest first. {@code split}: the part of a task's cost that can
     * be split (its products; an error task has none, so it never runs alone).
     */
    static void tasks(int n, int threads, IntToLongFunction cost, IntToLongFunction split, TaskBody body) {
        if (n <= 1 || threads <= 1) {
            for (int i = 0; i < n; i++) {
                body.run(i, true);
            }
            return;
        }
        Integer[] order = new Integer[n];
        long[] c = new long[n];
        long[] sp = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            c[i] = cost.applyAsLong(i);
            sp[i] = split == cost ? c[i] : split.applyAsLong(i);
            total += c[i];
        }
        Arrays.sort(order, (x, y) -> Long.compare(c[y], c[x]));
        int first = 0;
        long rest = total;
        while (first < n && sp[order[first]] >= SPLIT_MIN && c[order[first]] * threads > rest) {
            body.run(order[first], true);
            rest -= c[order[first]];
            first++;
        }
        // Large tasks that would leave threads idle in a last, partial round (3 products on 2
        // threads) run split after the others instead: the smallest of them, largest first.
        int big = 0;
        while (first + big < n && sp[order[first + big]] >= SPLIT_MIN) {
            big++;
        }
        int tail = big % threads;
        int end = n;
        if (tail > 0 && big > tail) {
            // Move the tail's tasks behind the small ones, so the parallel batch is [first, end).
            Integer[] moved = Arrays.copyOfRange(order, first + big - tail, first + big);
            System.arraycopy(order, first + big, order, first + big - tail, n - first - big);
            System.arraycopy(moved, 0, order, n - tail, tail);
            end = n - tail;
        } else {
            tail = 0;
        }
        int left = end - first;
        if (left == 1) {
            body.run(order[first], true);
        } else if (left > 1) {
            int from = first;
            ParallelFor.run(left, threads, i -> body.run(order[from + i], false));
        }
        for (int i = end; i < n; i++) {
            body.run(order[i], true);
        }
    }

    /** One thread, tasks timed one by one: what {@code pcn4j bench step --parallel} simulates more cores from. */
    private void profile(Phase p, PcNetwork.TaskTimer timer) {
        int b = net.batch();
        int n = tasks(p);
        long[] nanos = new long[n];
        long[] costs = new long[n];
        long[] products = new long[n];
        if (p == Phase.STATE_GRADIENTS) {
            for (Edge e : orphanEdges) {
                e.prepareStateGradients(b);
            }
        }
        if (p == Phase.WEIGHT_UPDATE || p == Phase.WEIGHT_STEP) {
            profileWeights(p, timer);
            return;
        }
        for (int i = 0; i < n; i++) {
            costs[i] = cost(p, i, b);
            products[i] = costs[i] - elementwise(p, i, b);
            long t0 = PcNetwork.cpuNanos();
            runTask(p, i, false, 1);
            nanos[i] = PcNetwork.cpuNanos() - t0;
        }
        timer.phase(p.name().toLowerCase(java.util.Locale.ROOT), nanos, costs, products);
    }

    /**
     * A weight phase's tasks in three parts, each timed: the gradient products, the optimizer
     * steps, and {@link Edge#prepareProducts} (reported with the edge's product cost: under gemm
     * that packing runs inside the next forward product, split as it is).
     */
    private void profileWeights(Phase p, PcNetwork.TaskTimer timer) {
        int b = net.batch();
        int n = edges.length;
        long[] g = new long[n];
        long[] st = new long[n];
        long[] pr = new long[n];
        long[] products = new long[n];
        long[] stepCosts = new long[n];
        long[] none = new long[n];
        for (int i = 0; i < n; i++) {
            products[i] = edges[i].productCost(b);
            stepCosts[i] = ScheduleModel.STEP_MACS * stepSize(i);
            long t0 = PcNetwork.cpuNanos();
            if (p == Phase.WEIGHT_UPDATE) {
                edges[i].weightGradient(b, wScale, wAccumulate);
            }
            long t1 = PcNetwork.cpuNanos();
            long size = wStep.size(i);
            if (size > 0) {
                wStep.step(i, 0, size);
            }
            edges[i].weightsChanged();
            long t2 = PcNetwork.cpuNanos();
            edges[i].prepareProducts(b);
            long t3 = PcNetwork.cpuNanos();
            g[i] = t1 - t0;
            st[i] = t2 - t1;
            pr[i] = t3 - t2;
        }
        if (p == Phase.WEIGHT_UPDATE) {
            timer.phase("weight_gradients", g, products, products);
        }
        timer.phase("weight_steps", st, stepCosts, none);
        timer.phase("weight_prepare", pr, products, products);
    }

    /** What {@code auto} chose per phase so far: e.g. {@code predictions_errors=layers 6/6} (layers calls / calls). */
    String autoChoices() {
        return model.choices();
    }
}
