package org.pcn4j.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Backends;

/**
 * A predictive coding network over an arbitrary directed graph of {@link Node}s and
 * {@link Edge}s (dense edges, fully connected blocks, or any kind added with {@link #add(Edge)}). It owns the mechanics every algorithm shares, each reading only local
 * quantities: predictions from incoming edges, errors and energies per node, dF/dx per free node
 * from its own error and the errors it predicts, and dF/dW per edge from its pre-synaptic state and
 * post-synaptic error. Algorithms ({@code org.pcn4j.train}) sequence these calls.
 *
 * <p>Energy and weight gradients are averaged over the batch; state gradients are per sample, so a
 * state learning rate means the same thing at any batch size. Nodes own their energies
 * ({@link Energy}), edges their maps and derivatives ({@link Edge}); this class only sequences
 * them and never asks which kind a node or an edge is.
 *
 * <p>Over 400 lines: clamping, ordering, the feedforward init, errors, both gradients and the
 * backward sweep are the one inference step every rule shares, kept together so its order of
 * floating-point operations (which results are bit-identical to) is visible in one file.
 */
public final class PcNetwork {
    private final List<Node> nodes = new ArrayList<>();
    private final List<Edge> edges = new ArrayList<>();
    private final java.util.Set<String> edgeNames = new java.util.HashSet<>();
    private final Map<String, Node> byName = new HashMap<>();
    private List<Node> order;
    private boolean acyclic;
    private int batch;
    private int capacity;
    private boolean frozen;
    private ParallelSchedule parallel = ParallelSchedule.GEMM;
    /** The task groups of the layers and auto schedules, rebuilt when nodes or edges are added. */
    private LayerSchedule layers;
    /** The batch schedule's state, rebuilt when nodes or edges are added. */
    private BatchSchedule rows;
    /** Whether the last feedforward initialization ran by rows: auto's backward sweep follows it (the same chain, reversed). */
    private boolean initByRows;
    private TaskTimer taskTimer;

    public Node addNode(String name, int size, Energy energy, float precision) {
        return addNode(name, new int[] {size}, energy, precision);
    }

    /** A node of shape [size] or [C, H, W] (see {@link Node#shape()}). */
    public Node addNode(String name, int[] shape, Energy energy, float precision) {
        if (byName.containsKey(name)) {
            throw new PcnException("duplicate node name '" + name + "'");
        }
        Node n = new Node(name, shape, energy, precision);
        nodes.add(n);
        byName.put(name, n);
        order = null;
        capacity = 0;
        layers = null;
        rows = null;
        settlingPredictor = null;
        return n;
    }

    public DenseEdge connect(Node from, Node to, Activation activation, Convention convention, boolean bias) {
        return add(new DenseEdge(from.name() + "->" + to.name(), from, to, activation, convention, bias));
    }

    /**
     * Adds an edge of any kind: it reads its {@link Edge#sources()} and predicts its
     * {@link Edge#targets()}, which must be nodes of this network. Returns the edge.
     */
    public <E extends Edge> E add(E e) {
        if (!edgeNames.add(e.name())) {
            throw new PcnException("duplicate edge name '" + e.name() + "'");
        }
        for (Node n : e.sources()) {
            checkMember(n, e);
            n.out.add(e);
        }
        for (Node n : e.targets()) {
            checkMember(n, e);
            n.in.add(e);
        }
        edges.add(e);
        order = null;
        capacity = 0;
        layers = null;
        rows = null;
        settlingPredictor = null;
        return e;
    }

    private void checkMember(Node n, Edge e) {
        if (byName.get(n.name()) != n) {
            throw new PcnException("edge " + e.name() + ": node '" + n.name() + "' is not in this network");
        }
    }

    /**
     * A fully connected block over {@code members} (pre convention): one masked [n, n] weight over
     * their concatenated states; {@code self} also connects units within a member (see {@link DenseBlock}).
     */
    public DenseBlock connectBlock(String name, List<Node> members, Activation activation, boolean self, boolean bias) {
        if (members.isEmpty() || (members.size() < 2 && !self)) {
            throw new PcnException("block " + name + " needs at least two members (or self connections)");
        }
        if (new java.util.HashSet<>(members).size() != members.size()) {
            throw new PcnException("block " + name + " lists a member twice");
        }
        return add(new DenseBlock(name, members, activation, self, bias));
    }

    public Node node(String name) {
        Node n = byName.get(name);
        if (n == null) {
            throw new PcnException("unknown node '" + name + "'");
        }
        return n;
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** Every edge, in the order they were added (dense edges and blocks alike). */
    public List<Edge> edges() {
        return Collections.unmodifiableList(edges);
    }

    /** The edges of one kind, e.g. {@code edges(DenseBlock.class)}, in the order they were added. */
    public <E extends Edge> List<E> edges(Class<E> kind) {
        List<E> out = new ArrayList<>();
        for (Edge e : edges) {
            if (kind.isInstance(e)) {
                out.add(kind.cast(e));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Initializes every edge in order from one {@code SplittableRandom(seed)} (see
     * {@link Mlp#initialize} for the schemes): a chain graph starts bit-identical to the MLP.
     */
    public void initialize(String scheme, long seed) {
        initialize(edges, scheme, seed);
    }

    /** Initializes the given edges in list order from one {@code SplittableRandom(seed)}. */
    public static void initialize(List<? extends Edge> edges, String scheme, long seed) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        for (Edge e : edges) {
            e.initialize(scheme, rng);
        }
    }

    public int batch() {
        return batch;
    }

    /**
     * How inference phases use the kernel threads (see {@link ParallelSchedule}); results are
     * bit-identical under every schedule and thread count. The default is {@code gemm}.
     */
    public void setParallel(ParallelSchedule schedule) {
        this.parallel = java.util.Objects.requireNonNull(schedule, "schedule");
    }

    public ParallelSchedule parallel() {
        return parallel;
    }

    /**
     * What {@code auto} chose per phase so far, e.g. {@code predictions=layers errors=gemm ...}
     * ({@code ?} while measuring), after {@code inference=batch N} when N inference phases ran
     * split by rows ({@code batch}).
     */
    public String parallelChoices() {
        String auto = layers == null ? "" : layers.autoChoices();
        if (rows == null || rows.calls() == 0) {
            return auto;
        }
        return "inference=batch " + rows.calls() + (auto.isEmpty() ? "" : " " + auto);
    }

    /** Receives per-task times of each phase; see {@link #setTaskTimer}. */
    public interface TaskTimer {
        /**
         * One phase ran: each task's thread CPU nanoseconds and modelled cost (multiply-adds,
         * elementwise work converted), in task order.
         */
        void phase(String phase, long[] nanos, long[] costs);

        /**
         * As {@link #phase(String, long[], long[])}, with each task's multiply-adds in matrix
         * products (the part the kernels split); this is the one the network calls.
         */
        default void phase(String phase, long[] nanos, long[] costs, long[] products) {
            phase(phase, nanos, costs);
        }
    }

    /**
     * With a timer set, every phase runs its layer tasks one by one on the caller and reports each
     * task's thread CPU time (a profile to simulate other core counts from); the weight update
     * reports its gradients, optimizer steps and {@link Edge#prepareProducts} as three phases.
     * Null turns it off. Results are the same as without it.
     */
    public void setTaskTimer(TaskTimer timer) {
        this.taskTimer = timer;
    }

    TaskTimer taskTimer() {
        return taskTimer;
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * The calling thread's CPU time in nanoseconds (wall time where the JVM cannot tell): what
     * the task timer reports, so a task that lost its core to another process is not counted slow.
     */
    static long cpuNanos() {
        long t = THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
        return t >= 0 ? t : System.nanoTime();
    }

    /**
     * The batch schedule when it runs this call of {@code phase} (null: the feedforward chain, in
     * the order {@code ord}): under {@code batch}, or under {@code auto} when the cost model
     * prefers it; without a task timer, with threads and rows for two ranges or more
     * ({@link BatchSchedule#ranges}), and row-range forms for every edge, energy and the backend.
     */
    private BatchSchedule batchSchedule(LayerSchedule.Phase phase, List<Node> ord) {
        return batchSchedule(phase, ord, true);
    }

    /** As {@link #batchSchedule(LayerSchedule.Phase, List)}; without {@code ask}, auto does not consult the model. */
    private BatchSchedule batchSchedule(LayerSchedule.Phase phase, List<Node> ord, boolean ask) {
        if ((parallel != ParallelSchedule.BATCH && parallel != ParallelSchedule.AUTO) || taskTimer != null
                || BatchSchedule.ranges(batch, Backends.threads()) < 2 || !BatchSchedule.supported(this)) {
            return null;
        }
        if (parallel == ParallelSchedule.AUTO && ask) {
            LayerSchedule s = layerSchedule();
            boolean rowsWin = phase == null ? s.prefersRowsForInit(initNodes(ord), Backends.threads())
                    : s.prefersRows(phase, Backends.threads());
            if (!rowsWin) {
                return null;
            }
        }
        if (rows == null) {
            rows = new BatchSchedule(this);
        }
        return rows;
    }

    /**
     * How many row ranges the state optimizer's step should run on, each thread moving its own
     * rows of every free node's state (elementwise, so the same bits as one pass); 1: on the
     * caller alone. Under {@code batch} every range; under {@code auto} where the cost model
     * predicts it faster, mostly because the phases around it left each thread's rows in its own
     * cache (see {@link ScheduleModel}); the answer also tells the model that the step ran so.
     * Networks the batch schedule cannot run (conv edges), and a profile, keep the step on the caller under {@code auto}.
     */
    public int stateStepRanges() {
        int threads = Backends.threads();
        int parts = BatchSchedule.ranges(batch, threads);
        if (parts < 2 || parallel == ParallelSchedule.GEMM || parallel == ParallelSchedule.LAYERS) {
            return 1;
        }
        if (parallel == ParallelSchedule.BATCH) {
            return parts;
        }
        if (taskTimer != null || !BatchSchedule.supported(this)) {
            return 1;
        }
        long entries = 0;
        for (Node n : nodes) {
            if (!n.clamped) {
                entries += (long) batch * n.size();
            }
        }
        return layerSchedule().prefersRowsForStateStep(entries, threads) ? parts : 1;
    }

    /** How the layer schedule runs a phase: batch runs what it does not split by rows as auto. */
    private ParallelSchedule layerMode() {
        return parallel == ParallelSchedule.BATCH ? ParallelSchedule.AUTO : parallel;
    }

    /** The layer schedule to run phases with, or null for the plain node-by-node loops. */
    private LayerSchedule layerSchedule() {
        if (taskTimer == null && (parallel == ParallelSchedule.GEMM || Backends.threads() <= 1)) {
            return null;
        }
        if (layers == null) {
            layers = new LayerSchedule(this);
        }
        return layers;
    }

    public long parameterCount() {
        long n = 0;
        for (Edge e : edges) {
            n += e.parameterCount();
        }
        return n;
    }

    /** Nodes in an order where every edge goes forward when the graph is acyclic (Kahn); else BFS from roots. */
    public List<Node> topologicalOrder() {
        if (order == null) {
            computeOrder();
        }
        return order;
    }

    public boolean isAcyclic() {
        topologicalOrder();
        return acyclic;
    }

    private void computeOrder() {
        Map<Node, Integer> indeg = new LinkedHashMap<>();
        for (Node n : nodes) {
            int d = 0;
            for (Edge e : n.in) {
                for (Node s : e.sources()) {
                    if (e.connects(s, n)) {
                        d++;
                    }
                }
            }
            indeg.put(n, d);
        }
        Deque<Node> ready = new ArrayDeque<>();
        for (Node n : nodes) {
            if (!n.hasPrediction()) {
                ready.add(n);
            }
        }
        List<Node> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            out.add(n);
            for (Node t : successors(n)) {
                int d = indeg.merge(t, -1, Integer::sum);
                if (d == 0) {
                    ready.add(t);
                }
            }
        }
        acyclic = out.size() == nodes.size();
        if (!acyclic) {
            // Cycles: breadth-first from the roots (or the first node), then whatever is left.
            List<Node> bfs = new ArrayList<>();
            Deque<Node> q = new ArrayDeque<>();
            for (Node n : nodes) {
                if (!n.hasPrediction()) {
                    q.add(n);
                }
            }
            if (q.isEmpty() && !nodes.isEmpty()) {
                q.add(nodes.get(0));
            }
            java.util.Set<Node> seen = new java.util.HashSet<>(q);
            while (!q.isEmpty()) {
                Node n = q.poll();
                bfs.add(n);
                for (Node t : successors(n)) {
                    if (seen.add(t)) {
                        q.add(t);
                    }
                }
            }
            for (Node n : nodes) {
                if (seen.add(n)) {
                    bfs.add(n);
                }
            }
            out = bfs;
        }
        order = Collections.unmodifiableList(out);
    }

    /** The nodes n predicts, edge by edge in connection order (a block's other members, itself with self connections). */
    private static List<Node> successors(Node n) {
        List<Node> s = new ArrayList<>();
        for (Edge e : n.out) {
            for (Node t : e.targets()) {
                if (e.connects(n, t)) {
                    s.add(t);
                }
            }
        }
        return s;
    }

    /** Sets the batch size for the next operations, growing buffers when needed. */
    public void setBatch(int b) {
        if (b <= 0) {
            throw new IllegalArgumentException("batch must be positive");
        }
        if (b > capacity) {
            for (Node n : nodes) {
                n.ensureCapacity(b);
            }
            for (Edge e : edges) {
                e.ensureCapacity(b);
            }
            capacity = b;
        }
        if (b != batch) {
            for (Node n : nodes) {
                n.touch();
            }
        }
        batch = b;
    }

    /** Clamps a node to the given values (batch x size, copied). */
    public void clamp(Node n, float[] values) {
        int len = batch * n.size();
        if (values.length < len) {
            throw new IllegalArgumentException("clamp " + n.name() + ": need " + len + " values, got " + values.length);
        }
        System.arraycopy(values, 0, n.x, 0, len);
        n.clamped = true;
        n.mask = null;
        n.keepState = false;
        n.touch();
    }

    /** Releases a node: all its units become free, and the feedforward initialization sets it again. */
    public void release(Node n) {
        n.clamped = false;
        n.mask = null;
        n.keepState = false;
    }

    /**
     * Clamps some units of a node: {@code mask} (batch x size) is 1 where a unit is clamped to its
     * value in {@code values}, 0 where it is free. The node stays free: its free units are set by the
     * feedforward initialization and move with inference, its clamped units keep their values (their
     * state gradient is zeroed). Both arrays are copied.
     */
    public void clampUnits(Node n, float[] values, float[] mask) {
        clampUnits(n, values, mask, false);
    }

    /**
     * As {@link #clampUnits(Node, float[], float[])}; with {@code startFree} the free units also
     * start at their entries of {@code values} (kept through the feedforward initialization, as
     * {@link #startAt} does for a whole node) instead of the initialization's.
     */
    public void clampUnits(Node n, float[] values, float[] mask, boolean startFree) {
        int len = batch * n.size();
        if (values.length < len || mask.length < len) {
            throw new IllegalArgumentException("clampUnits " + n.name() + ": need " + len + " values and mask entries");
        }
        System.arraycopy(values, 0, n.x, 0, len);
        n.clamped = false;
        n.keepState = startFree;
        n.mask = java.util.Arrays.copyOf(mask, len);
        n.touch();
    }

    /** Drops every per-unit clamp and kept starting state, so free nodes take the feedforward initialization again. */
    public void clearPartialClamps() {
        for (Node n : nodes) {
            n.mask = null;
            n.keepState = false;
        }
    }

    /**
     * Sets a free node's state and keeps it through the feedforward initialization, so inference
     * starts from it (e.g. a noisy image to denoise).
     */
    public void startAt(Node n, float[] values) {
        int len = batch * n.size();
        if (values.length < len) {
            throw new IllegalArgumentException("startAt " + n.name() + ": need " + len + " values, got " + values.length);
        }
        System.arraycopy(values, 0, n.x, 0, len);
        n.clamped = false;
        n.mask = null;
        n.keepState = true;
        n.touch();
    }

    /**
     * The fixed-prediction assumption: while frozen, predictions and local derivatives keep their
     * current (feedforward) values however the states move.
     */
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
        for (Edge e : edges) {
            e.setFrozen(frozen);
        }
    }

    public boolean isFrozen() {
        return frozen;
    }

    /**
     * Feedforward initialization: in topological order, each free node with a prediction takes
     * x = mu (x = softmax(mu) for a cross-entropy node). In an acyclic network this zeroes every
     * free node's error, the energy minimum when the output is free.
     */
    public void initFeedforward() {
        if (!isAcyclic()) {
            // With cycles some predictions read nodes not initialized yet: start those from zero,
            // not from whatever an earlier batch left, so results do not depend on history.
            // Units clamped one by one and states set by startAt are data, not history: they stay.
            for (Node n : nodes) {
                if (n.clamped || n.keepState) {
                    continue;
                }
                int len = batch * n.size();
                if (n.mask == null) {
                    Arrays.fill(n.x, 0, len, 0f);
                } else {
                    for (int j = 0; j < len; j++) {
                        if (n.mask[j] == 0f) {
                            n.x[j] = 0f;
                        }
                    }
                }
                n.touch();
            }
        }
        TaskTimer timer = taskTimer;
        List<Node> ord = topologicalOrder();
        BatchSchedule bs = timer != null ? null : batchSchedule(null, ord);
        initByRows = bs != null;
        if (bs != null) {
            bs.initFeedforward(ord, Backends.threads());
            return;
        }
        long[] nanos = timer == null ? null : new long[ord.size()];
        long[] costs = timer == null ? null : new long[ord.size()];
        for (int i = 0; i < ord.size(); i++) {
            Node n = ord.get(i);
            if (n.clamped || !n.hasPrediction() || n.keepState) {
                continue;
            }
            long t0 = 0;
            if (timer != null) {
                t0 = cpuNanos();
                for (Edge e : n.in) {
                    costs[i] += e.cached(n, batch) ? 0 : e.productCost(batch);
                }
            }
            initNode(n);
            if (timer != null) {
                nanos[i] = cpuNanos() - t0;
            }
        }
        if (timer != null) {
            timer.phase("init", nanos, costs, costs); // a chain: its tasks run one after another
        }
    }

    /** The nodes of {@code ord} the feedforward initialization sets. */
    private static List<Node> initNodes(List<Node> ord) {
        List<Node> out = new ArrayList<>();
        for (Node n : ord) {
            if (!n.clamped && n.hasPrediction() && !n.keepState) {
                out.add(n);
            }
        }
        return out;
    }

    /** x = mu (or the energy's minimum given mu) for one free node, its free units only under a mask. */
    private void initNode(Node n) {
        predict(n);
        int len = batch * n.size();
        if (n.mask != null) {
            float[] m = n.mask;
            for (int j = 0; j < len; j++) {
                if (m[j] == 0f) {
                    n.x[j] = n.mu[j];
                }
            }
        } else {
            n.energy().initialState(n.mu, n.x, batch, n.size());
        }
        n.touch();
    }

    /**
     * {@link #computePredictions()} then {@link #computeErrors()}, with the same bits; under
     * {@code layers} and {@code auto} one task per target group does both (one barrier, not two)
     * unless a node that predicts others has an energy that moves its state while its errors
     * are computed ({@link Energy#settle}), which another group's prediction would then race with.
     */
    public double computePredictionsAndErrors() {
        BatchSchedule bs = batchSchedule(LayerSchedule.Phase.PREDICTIONS_ERRORS, null);
        if (bs != null) {
            bs.predictionsAndErrors(true, true, Backends.threads());
            return sumEnergies();
        }
        LayerSchedule s = layerSchedule();
        if (s == null || settlingPredictor()) {
            computePredictions();
            return computeErrors();
        }
        s.run(LayerSchedule.Phase.PREDICTIONS_ERRORS, layerMode(), Backends.threads(), () -> {
            predictionsInOrder();
            errorsInOrder();
        });
        return sumEnergies();
    }

    private Boolean settlingPredictor;

    /** Whether some node with outgoing edges has an energy that overrides {@link Energy#settle}. */
    private boolean settlingPredictor() {
        if (settlingPredictor == null) {
            boolean any = false;
            for (Node n : nodes) {
                if (!n.out.isEmpty() && n.hasPrediction() && overridesSettle(n.energy())) {
                    any = true;
                }
            }
            settlingPredictor = any;
        }
        return settlingPredictor;
    }

    private static boolean overridesSettle(Energy e) {
        try {
            return e.getClass().getMethod("settle", float[].class, float[].class, int.class, int.class)
                    .getDeclaringClass() != Energy.class;
        } catch (NoSuchMethodException ex) {
            return true;
        }
    }

    /** Recomputes mu for every node whose inputs changed. */
    public void computePredictions() {
        BatchSchedule bs = batchSchedule(LayerSchedule.Phase.PREDICTIONS, null);
        if (bs != null) {
            bs.predictionsAndErrors(true, false, Backends.threads());
            return;
        }
        LayerSchedule s = layerSchedule();
        if (s != null) {
            s.run(LayerSchedule.Phase.PREDICTIONS, layerMode(), Backends.threads(), this::predictionsInOrder);
        } else {
            predictionsInOrder();
        }
    }

    private void predictionsInOrder() {
        for (Node n : nodes) {
            if (n.hasPrediction()) {
                predict(n);
            }
        }
    }

    void predict(Node n) {
        boolean changed = false;
        for (Edge e : n.in) {
            changed |= e.refresh(n, batch);
        }
        if (changed) {
            boolean first = true;
            for (Edge e : n.in) {
                e.addPrediction(n, batch, first);
                first = false;
            }
        }
    }

    /**
     * Errors and energies of every node with a prediction, then each edge's delta. Returns the
     * total energy, averaged over the batch. A free cross-entropy node first takes x = softmax(mu),
     * its energy minimum.
     */
    public double computeErrors() {
        BatchSchedule bs = batchSchedule(LayerSchedule.Phase.ERRORS, null);
        if (bs != null) {
            bs.predictionsAndErrors(false, true, Backends.threads());
            return sumEnergies();
        }
        LayerSchedule s = layerSchedule();
        if (s != null) {
            s.run(LayerSchedule.Phase.ERRORS, layerMode(), Backends.threads(), this::errorsInOrder);
        } else {
            errorsInOrder();
        }
        return sumEnergies();
    }

    /** The total energy after the errors; throws on a non-finite one. */
    private double sumEnergies() {
        // Summed in node order whichever thread computed each node: the same bits every time.
        double total = 0;
        for (Node n : nodes) {
            if (n.hasPrediction()) {
                total += nodeEnergy(n);
            }
        }
        if (!Double.isFinite(total)) {
            throw new DivergenceException(firstNonFinite());
        }
        return total;
    }

    private void errorsInOrder() {
        for (Node n : nodes) {
            if (n.hasPrediction()) {
                nodeErrors(n);
            }
        }
    }

    /** One node's error, sample energies and its incoming edges' shared deltas. */
    void nodeErrors(Node n) {
        int size = n.size();
        int len = batch * size;
        float[] x = n.x;
        float[] mu = n.mu;
        float[] eps = n.eps;
        float[] se = n.sampleEnergy;
        if (!n.clamped && n.energy().settle(mu, x, batch, size)) {
            n.touch();
        }
        if (n.offsetGap(0, len)) { // x - mu as offset - (mu - anchor)
            x = n.offset;
            mu = n.anchorGap;
        }
        n.energy().errors(x, mu, eps, se, n.prob, batch, size, n.precision());
        n.epsNonZero = anyNonZero(eps, len);
        for (Edge e : n.in) {
            e.errorChanged(n, batch);
        }
    }

    private static boolean anyNonZero(float[] a, int len) {
        for (int i = 0; i < len; i++) {
            if (a[i] != 0f) {
                return true;
            }
        }
        return false;
    }

    private String firstNonFinite() {
        for (Node n : nodes) {
            if (!n.hasPrediction()) {
                continue;
            }
            for (int r = 0; r < batch; r++) {
                if (!Float.isFinite(n.sampleEnergy[r])) {
                    return n.name();
                }
            }
        }
        return "?";
    }

    /** Each sample's total energy (summed over nodes) after the last {@link #computeErrors()}. */
    public double[] sampleEnergies() {
        double[] out = new double[batch];
        for (Node n : nodes) {
            if (n.hasPrediction()) {
                for (int r = 0; r < batch; r++) {
                    out[r] += n.sampleEnergy[r];
                }
            }
        }
        return out;
    }

    /** Mean energy of one node after the last {@link #computeErrors()} (0 for nodes without a prediction). */
    public double nodeEnergy(Node n) {
        if (!n.hasPrediction()) {
            return 0;
        }
        double s = 0;
        for (int r = 0; r < batch; r++) {
            s += n.sampleEnergy[r];
        }
        return s / batch;
    }

    /** dF/dx for every free node: its own error minus what its outgoing edges send back. */
    public void computeStateGradients() {
        BatchSchedule bs = batchSchedule(LayerSchedule.Phase.STATE_GRADIENTS, null);
        if (bs != null) {
            bs.stateGradients(Backends.threads());
            return;
        }
        LayerSchedule s = layerSchedule();
        if (s != null) {
            s.run(LayerSchedule.Phase.STATE_GRADIENTS, layerMode(), Backends.threads(), this::stateGradientsInOrder);
        } else {
            stateGradientsInOrder();
        }
    }

    private void stateGradientsInOrder() {
        for (Edge e : edges) {
            e.prepareStateGradients(batch);
        }
        for (Node n : nodes) {
            nodeStateGradient(n);
        }
    }

    /** dF/dx of one node (nothing for a clamped one); its outgoing edges are prepared. */
    void nodeStateGradient(Node n) {
        if (n.clamped) {
            return;
        }
        int len = batch * n.size();
        boolean nonZero;
        if (!n.hasPrediction()) {
            // A root has a flat prior.
            Arrays.fill(n.grad, 0, len, 0f);
            nonZero = false;
        } else {
            nonZero = n.energy().stateGradient(n.eps, n.epsNonZero, n.grad, len);
        }
        for (Edge e : n.out) {
            // After a feedforward initialization most errors are exactly zero: skip their products.
            if (e.sendsStateGradient()) {
                e.accumulateStateGradient(n, batch);
                nonZero = true;
            }
        }
        if (n.mask != null) {
            float[] m = n.mask;
            float[] g = n.grad;
            for (int j = 0; j < len; j++) {
                if (m[j] != 0f) {
                    g[j] = 0f;
                }
            }
        }
        n.gradNonZero = nonZero;
    }

    /** dF/dtheta of one edge, written (or added with the given scale) into its parameters' gradients. */
    public void computeWeightGradient(Edge e, float scale, boolean accumulate) {
        e.weightGradient(batch, scale, accumulate);
    }

    /** dF/dtheta of every edge, written (or, with accumulate, added with the given scale). */
    public void computeWeightGradients(float scale, boolean accumulate) {
        LayerSchedule s = layerSchedule();
        if (s != null) {
            s.weightArguments(scale, accumulate, null);
            s.run(LayerSchedule.Phase.WEIGHT_GRADIENTS, layerMode(), Backends.threads(), () -> gradientsInOrder(scale, accumulate));
        } else {
            gradientsInOrder(scale, accumulate);
        }
    }

    private void gradientsInOrder(float scale, boolean accumulate) {
        for (Edge e : edges) {
            e.weightGradient(batch, scale, accumulate);
        }
    }

    /**
     * An optimizer step on one edge's parameters, as {@link #updateWeights} and
     * {@link #stepWeights} drive it: the edge is given by its index in {@link #edges()}.
     */
    public interface WeightStep {
        /** How many entries the edge's step moves (its parameters' entries, concatenated in order). */
        long size(int edge);

        /**
         * Moves entries [from, to) of the edge's parameters. Calls on disjoint ranges (of one edge
         * or of different edges) may run at the same time on different threads.
         */
        void step(int edge, long from, long to);
    }

    /**
     * The weight update: dF/dtheta of every edge ({@link #computeWeightGradients}), then
     * {@code step} over every edge, then {@link Edge#weightsChanged()}; the same bits under every
     * schedule. Under {@code layers} and {@code auto} each edge's gradient, step, weightsChanged
     * and {@link Edge#prepareProducts} are one task, so the optimizer runs in parallel and
     * overlaps the other edges' gradient products.
     */
    public void updateWeights(float scale, boolean accumulate, WeightStep step) {
        LayerSchedule s = layerSchedule();
        if (s != null) {
            s.weightArguments(scale, accumulate, step);
            s.run(LayerSchedule.Phase.WEIGHT_UPDATE, layerMode(), Backends.threads(), () -> {
                gradientsInOrder(scale, accumulate);
                stepsInOrder(step);
            });
        } else {
            gradientsInOrder(scale, accumulate);
            stepsInOrder(step);
        }
    }

    /** {@code step} over every edge from the gradients they hold, then weightsChanged; in parallel as {@link #updateWeights}. */
    public void stepWeights(WeightStep step) {
        LayerSchedule s = layerSchedule();
        if (s != null) {
            s.weightArguments(1f, false, step);
            s.run(LayerSchedule.Phase.WEIGHT_STEP, layerMode(), Backends.threads(), () -> stepsInOrder(step));
        } else {
            stepsInOrder(step);
        }
    }

    private void stepsInOrder(WeightStep step) {
        for (int i = 0; i < edges.size(); i++) {
            long n = step.size(i);
            if (n > 0) {
                step.step(i, 0, n);
            }
        }
        for (Edge e : edges) {
            e.weightsChanged();
        }
    }

    /**
     * Backpropagation in PC terms, for acyclic networks: with every free node at its feedforward
     * value and the output errors computed, sets each free hidden node's error to the backprop
     * signal -dL/dx (the sum of what its outgoing edges send back), in reverse topological order.
     * The weight gradients that follow are exactly backprop's. This is also what the
     * fixed-prediction assumption converges to. Under {@code batch} (and under {@code auto} when
     * the initialization before it ran by rows) each thread sweeps its own rows of the batch.
     */
    public void backwardSweep() {
        if (!isAcyclic()) {
            throw new PcnException("backpropagation needs an acyclic network");
        }
        List<Node> ord = topologicalOrder();
        if (taskTimer == null && (parallel == ParallelSchedule.BATCH || (parallel == ParallelSchedule.AUTO && initByRows))) {
            BatchSchedule bs = batchSchedule(LayerSchedule.Phase.STATE_GRADIENTS, ord, false);
            if (bs != null) {
                bs.backwardSweep(ord, Backends.threads());
                return;
            }
        }
        for (int i = ord.size() - 1; i >= 0; i--) {
            Node n = ord.get(i);
            if (n.clamped || n.out.isEmpty()) {
                continue;
            }
            int len = batch * n.size();
            Arrays.fill(n.grad, 0, len, 0f);
            for (Edge e : n.out) {
                e.accumulateStateGradient(n, batch);
            }
            float[] eps = n.eps;
            float[] g = n.grad;
            for (int j = 0; j < len; j++) {
                eps[j] = -g[j];
            }
            n.epsNonZero = anyNonZero(eps, len);
            for (Edge e : n.in) {
                e.errorChanged(n, batch);
            }
        }
    }
}
