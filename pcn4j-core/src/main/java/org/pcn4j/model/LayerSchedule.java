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
 * <p>Over 400 lines: the task graph of every phase, its cost model, the splitting of large tasks
 * and the timing that auto uses belong together; split apart they would share most of their state.
 */
final class LayerSchedule {
    enum Phase { PREDICTIONS, ERRORS, STATE_GRADIENTS, WEIGHT_GRADIENTS }

    /** Below this many multiply-adds a product is not split by the kernels either. */
    static final long SPLIT_MIN = 1L << 21;

    private final PcNetwork net;
    private final Node[][] targetGroups;
    private final Node[][] sourceGroups;
    private final Edge[][] ownedEdges;
    /** Edges without sources (none of the built-in kinds): prepared on the caller first. */
    private final Edge[] orphanEdges;
    private final Edge[] edges;
    private final Auto[] auto = new Auto[Phase.values().length];
    /** The weight-gradient phase's arguments, set just before it runs. */
    private float wScale;
    private boolean wAccumulate;

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
        for (int p = 0; p < auto.length; p++) {
            auto[p] = new Auto();
        }
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
                return targetGroups.length;
            case STATE_GRADIENTS:
                return sourceGroups.length;
            default:
                return edges.length;
        }
    }

    // ---- the phases ------------------------------------------------------------------------

    /** Runs a phase by the network's schedule: {@code serial} (gemm) or as tasks (layers). */
    void run(Phase p, ParallelSchedule mode, int threads, Runnable serial) {
        PcNetwork.TaskTimer timer = net.taskTimer();
        if (timer != null) {
            profile(p, timer);
            return;
        }
        if (mode == ParallelSchedule.LAYERS) {
            layered(p, threads);
            return;
        }
        Auto a = auto[p.ordinal()];
        int choice = a.choose(threads);
        if (choice < 0) {
            if (a.layers) {
                layered(p, threads);
            } else {
                serial.run();
            }
            return;
        }
        long t0 = System.nanoTime();
        if (choice == 1) {
            layered(p, threads);
        } else {
            serial.run();
        }
        a.record(choice, System.nanoTime() - t0);
    }

    private void layered(Phase p, int threads) {
        int b = net.batch();
        if (p == Phase.STATE_GRADIENTS) {
            for (Edge e : orphanEdges) {
                e.prepareStateGradients(b);
            }
        }
        tasks(tasks(p), threads, i -> cost(p, i, b), i -> runTask(p, i));
    }

    /** The modelled cost of task i: multiply-adds (errors: elementwise work only, by size). */
    private long cost(Phase p, int i, int b) {
        switch (p) {
            case PREDICTIONS: return predictionCost(targetGroups[i], b);
            case ERRORS: return elements(targetGroups[i], b);
            case STATE_GRADIENTS: return gradientCost(i, b);
            default: return edges[i].productCost(b);
        }
    }

    private void runTask(Phase p, int i) {
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
            case STATE_GRADIENTS:
                stateGradients(i);
                break;
            default:
                edges[i].weightGradient(net.batch(), wScale, wAccumulate);
                break;
        }
    }

    /** The weight-gradient phase's arguments ({@link PcNetwork#computeWeightGradients}). */
    void weightArguments(float scale, boolean accumulate) {
        wScale = scale;
        wAccumulate = accumulate;
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

    private static long elements(Node[] group, int batch) {
        long c = 0;
        for (Node n : group) {
            c += (long) batch * n.size();
        }
        return c;
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
        long c = elements(sourceGroups[g], batch);
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

    /**
     * Runs body(0..n-1): tasks too large to balance first, one by one with split products, then
     * the rest as parallel tasks, largest first.
     */
    static void tasks(int n, int threads, IntToLongFunction cost, IntConsumer body) {
        if (n <= 1 || threads <= 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        Integer[] order = new Integer[n];
        long[] c = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            c[i] = cost.applyAsLong(i);
            total += c[i];
        }
        Arrays.sort(order, (x, y) -> Long.compare(c[y], c[x]));
        int first = 0;
        long rest = total;
        while (first < n && c[order[first]] >= SPLIT_MIN && c[order[first]] * threads > rest) {
            body.accept(order[first]);
            rest -= c[order[first]];
            first++;
        }
        // Large tasks that would leave threads idle in a last, partial round (3 products on 2
        // threads) run split after the others instead: the smallest of them, largest first.
        int big = 0;
        while (first + big < n && c[order[first + big]] >= SPLIT_MIN) {
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
            body.accept(order[first]);
        } else if (left > 1) {
            int from = first;
            ParallelFor.run(left, threads, i -> body.accept(order[from + i]));
        }
        for (int i = end; i < n; i++) {
            body.accept(order[i]);
        }
    }

    /** One thread, tasks timed one by one: what {@code pcn4j bench step --parallel} simulates more cores from. */
    private void profile(Phase p, PcNetwork.TaskTimer timer) {
        int b = net.batch();
        int n = tasks(p);
        long[] nanos = new long[n];
        long[] costs = new long[n];
        if (p == Phase.STATE_GRADIENTS) {
            for (Edge e : orphanEdges) {
                e.prepareStateGradients(b);
            }
        }
        for (int i = 0; i < n; i++) {
            costs[i] = cost(p, i, b);
            long t0 = System.nanoTime();
            runTask(p, i);
            nanos[i] = System.nanoTime() - t0;
        }
        timer.phase(p.name().toLowerCase(java.util.Locale.ROOT), nanos, costs);
    }

    /** Which schedule {@code auto} runs a phase with: both timed alternately after a warm-up, then the faster. */
    static final class Auto {
        static final int WARMUP = 30;
        static final int SAMPLES = 15;
        private int threads = -1;
        private int calls;
        private final long[][] samples = new long[2][SAMPLES];
        private final int[] counts = new int[2];
        boolean decided;
        boolean layers;

        /** -1: run the decided schedule untimed; 0 or 1: time gemm or layers. */
        int choose(int t) {
            if (t != threads) {
                threads = t;
                calls = 0;
                counts[0] = 0;
                counts[1] = 0;
                decided = false;
                layers = false;
            }
            if (decided) {
                return -1;
            }
            calls++;
            if (calls <= WARMUP) {
                return -1; // not decided yet: gemm
            }
            return (calls & 1);
        }

        void record(int choice, long nanos) {
            if (counts[choice] < SAMPLES) {
                samples[choice][counts[choice]++] = nanos;
            }
            if (counts[0] == SAMPLES && counts[1] == SAMPLES) {
                long g = median(samples[0]);
                long l = median(samples[1]);
                // Layers only when it is measurably faster: gemm is never the slower choice.
                layers = l < g;
                decided = true;
            }
        }

        private static long median(long[] s) {
            long[] c = s.clone();
            Arrays.sort(c);
            return c[c.length / 2];
        }
    }

    /** What {@code auto} chose per phase so far ("gemm", "layers" or "?" while measuring). */
    String autoChoices() {
        StringBuilder sb = new StringBuilder();
        for (Phase p : Phase.values()) {
            Auto a = auto[p.ordinal()];
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(p.name().toLowerCase(java.util.Locale.ROOT)).append('=')
                    .append(!a.decided ? "?" : a.layers ? "layers" : "gemm");
        }
        return sb.toString();
    }
}
