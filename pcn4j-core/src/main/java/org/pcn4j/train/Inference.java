package org.pcn4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.Optimizer;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Param;
import org.pcn4j.tensor.Ops;

/**
 * Inference on a {@link PcNetwork}: the free states descend the energy with a state optimizer
 * (the weights stay put). Training rules ({@link UpdateRule}) relax with it between their
 * initialization and their weight update, and every query uses it directly: classification,
 * generation and completion with any clamped nodes, per-unit masks and starting states
 * ({@link #query}), with Langevin noise for sampling ({@link #setLangevinNoise}). It records the
 * energy after every step ({@link #energyTrace()}).
 *
 * <p>Over 400 lines: the relaxation loop carries its step-size controls (backtracking, per-node
 * preconditioning, the batch schedule's row split), and they share its state (the free nodes,
 * their saved states, the rate factor) too closely to live apart without exposing it.
 */
public final class Inference {
    private final PcNetwork net;
    private final InferenceConfig config;
    private final Optimizer stateOptimizer;
    private final List<Node> stateNodes = new ArrayList<>();
    private final List<Param> stateParams = new ArrayList<>();
    /** Per state node: whether its Param moves an offset from its anchor (InferenceConfig#offsetStates). */
    private boolean[] offsetNodes = new boolean[0];
    private boolean[] stateActive = new boolean[0];
    private final List<double[]> energyTrace = new ArrayList<>();
    private final List<Node> tracedNodes = new ArrayList<>();
    private double langevin;
    private SplittableRandom noiseRng;
    /** With backtracking: the state rate's factor, halved by each undone step, regained by a tenth per batch. */
    private double rateFactor = 1;
    private float[][] saved = new float[0][];
    private int backtracks;
    /** Preconditioning: each free node's curvature relative to its precision, and the relaxations since the estimate. */
    private double[] curvature;
    private long sinceCurvature;

    /** Batches (relaxations) between two curvature estimates of preconditioned inference. */
    public static final int CURVATURE_EVERY = 50;

    /** Inference with the config's own state optimizer. */
    public Inference(PcNetwork net, InferenceConfig config) {
        this(net, config, config.optimizerConfig());
    }

    /** Inference with the given state optimizer (zil and fpa use plain unit steps whatever the config says). */
    public Inference(PcNetwork net, InferenceConfig config, OptimizerConfig stateOptimizer) {
        this.net = net;
        this.config = config;
        this.stateOptimizer = Optimizer.of(stateOptimizer);
        for (Node n : net.nodes()) {
            if (n.hasPrediction()) {
                tracedNodes.add(n);
            }
        }
    }

    public PcNetwork network() {
        return net;
    }

    public InferenceConfig config() {
        return config;
    }

    /**
     * Monte-Carlo PC: after every state step of {@link #relax}, each free state gets Gaussian noise
     * of standard deviation {@code sigma * sqrt(2 gamma)} (gamma the state learning rate), so
     * inference samples instead of settling. 0 (the default) turns it off.
     */
    public void setLangevinNoise(double sigma, long seed) {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new PcnException("noise must be >= 0, got " + sigma);
        }
        this.langevin = sigma;
        this.noiseRng = new SplittableRandom(seed);
    }

    // ---- queries --------------------------------------------------------------------------

    /**
     * Inference with an arbitrary set of clamped nodes: each node in {@code clamps} is clamped to
     * its values (batch x size), every other node is released; free nodes without a prediction
     * (roots) start at zero, the others by a feedforward pass in topological order; then
     * {@code steps} state updates. Read the result from the nodes' states (or predictions).
     */
    public void query(Map<Node, float[]> clamps, int batch, int steps) {
        query(clamps, Map.of(), Map.of(), batch, steps);
    }

    /**
     * As {@link #query(Map, int, int)}, with per-unit clamps and starting states: a node in
     * {@code unitMasks} has the units where its mask (batch x size) is 1 clamped to its values in
     * {@code clamps} and the others free ({@link PcNetwork#clampUnits}); a free node in
     * {@code starts} begins at the given state instead of the feedforward one
     * ({@link PcNetwork#startAt}); a node with a unit mask and a start has its free units begin
     * at the start's values.
     */
    public void query(Map<Node, float[]> clamps, Map<Node, float[]> unitMasks, Map<Node, float[]> starts, int batch,
                      int steps) {
        net.setBatch(batch);
        net.clearPartialClamps();
        for (Node n : net.nodes()) {
            float[] v = clamps.get(n);
            float[] m = unitMasks.get(n);
            if (v != null && m != null) {
                float[] s = starts.get(n);
                if (s == null) {
                    net.clampUnits(n, v, m);
                } else {
                    // Clamped units take the clamp's values, free units start at the start's.
                    float[] merged = Arrays.copyOf(v, batch * n.size());
                    for (int j = 0; j < merged.length; j++) {
                        if (m[j] == 0f) {
                            merged[j] = s[j];
                        }
                    }
                    net.clampUnits(n, merged, m, true);
                }
            } else if (m != null) {
                throw new IllegalArgumentException("node " + n.name() + " has a unit mask but no values");
            } else if (v != null) {
                net.clamp(n, v);
            } else if (starts.containsKey(n)) {
                net.startAt(n, starts.get(n));
            } else {
                net.release(n);
                if (!n.hasPrediction()) {
                    Arrays.fill(n.state(), 0, batch * n.size(), 0f);
                    n.touch();
                }
            }
        }
        net.initFeedforward();
        net.computePredictionsAndErrors();
        energyTrace.clear();
        trace();
        if (steps > 0) {
            relax(steps);
        }
    }

    /**
     * Predicted class per sample: {@code input} clamped to x, {@code output} free; a feedforward
     * pass (the energy minimum of an acyclic network), then {@code steps} inference steps when
     * {@code steps > 0}. Other clamps are dropped, the other nodes' clamp flags kept.
     */
    public int[] classify(Node input, Node output, float[] x, int batch, int steps) {
        net.setBatch(batch);
        net.clearPartialClamps();
        net.clamp(input, x);
        net.release(output);
        net.initFeedforward();
        if (steps > 0) {
            net.computePredictionsAndErrors();
            energyTrace.clear();
            trace();
            relax(steps);
        }
        return Ops.argmaxRows(output.state(), batch, output.size());
    }

    // ---- relaxation -----------------------------------------------------------------------

    /** What an update rule does inside each relaxation step (incremental PC moves the weights there). */
    public interface StepHook {
        /** After the state gradients, before the states move. */
        default void afterStateGradients() {}

        /** After the states moved (and any noise), before the new predictions. */
        default void afterStateStep() {}
    }

    /** {@code steps} state updates at the config's rate from the current errors; returns the last energy. */
    public double relax(int steps) {
        return relax(steps, null);
    }

    /**
     * As {@link #relax(int)}, calling {@code hook} inside every step; stops early when the energy
     * changes by less than the config's relative tolerance.
     */
    public double relax(int steps, StepHook hook) {
        beginStates();
        try {
            return relaxFrom(steps, hook);
        } finally {
            endOffsets();
        }
    }

    private double relaxFrom(int steps, StepHook hook) {
        double prev = energyTrace.isEmpty() ? Double.NaN : energyTrace.get(energyTrace.size() - 1)[0];
        double e = prev;
        double tol = config.energyTolerance();
        // Backtracking needs a deterministic descent: not with Langevin noise (sampling may go up)
        // or a hook that moves the weights inside the step (iPC: undoing the states alone is wrong).
        boolean backtrack = config.backtrack() && hook == null && langevin == 0;
        if (backtrack) {
            rateFactor = Math.min(1, rateFactor * 1.1);
        }
        boolean precondition = config.precondition() && hook == null && config.optimizer() == OptimizerConfig.Kind.SGD;
        if (precondition) {
            if (curvature == null || curvature.length != stateNodes.size() || sinceCurvature >= CURVATURE_EVERY) {
                curvature = NodeCurvature.relative(net, stateNodes, 0x5eed + sinceCurvature, config.referencePrecision());
                sinceCurvature = 0;
            }
            sinceCurvature++;
        }
        for (int t = 1; t <= steps; t++) {
            net.computeStateGradients();
            if (precondition) {
                precondition();
            }
            if (hook != null) {
                hook.afterStateGradients();
            }
            if (backtrack) {
                save();
            }
            stepStates(backtrack ? config.lr() * rateFactor : config.lr());
            if (langevin > 0) {
                addLangevinNoise();
            }
            if (hook != null) {
                hook.afterStateStep();
            }
            e = net.computePredictionsAndErrors();
            // A rise within float32's rounding of the energy's sum is not an overshoot.
            if (backtrack && Double.isFinite(prev) && !(e <= prev + 1e-6 * Math.abs(prev))) {
                // The step overshot: back to where it started, at half the rate from here on.
                restore();
                rateFactor *= 0.5;
                backtracks++;
                e = net.computePredictionsAndErrors();
                trace();
                continue; // an undone step is no sign of convergence
            }
            trace();
            if (tol > 0 && Math.abs(prev - e) <= tol * Math.max(1e-12, Math.abs(prev))) {
                break;
            }
            prev = e;
        }
        return e;
    }

    /** Steps undone by backtracking since this inference was made or last asked (each halved the state rate). */
    public int backtracks() {
        return backtracks;
    }

    /** {@link #backtracks()}, counting afresh from now: what a training loop reports per epoch. */
    public int takeBacktracks() {
        int n = backtracks;
        backtracks = 0;
        return n;
    }

    /** With backtracking, the factor the state rate carries now (1 until a step is undone). */
    public double rateFactor() {
        return rateFactor;
    }

    /** Sets {@link #rateFactor()}: a resumed run continues at its checkpoint's, an evaluation leaves training's alone. */
    public void setRateFactor(double factor) {
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("rate factor must be in (0, 1], got " + factor);
        }
        rateFactor = factor;
    }

    /** Each free node's gradient divided by its relative curvature: its own safe step. */
    private void precondition() {
        int b = net.batch();
        for (int i = 0; i < stateNodes.size(); i++) {
            double c = curvature[i];
            if (c != 1) {
                float s = (float) (1 / c);
                float[] g = stateNodes.get(i).gradient();
                for (int j = 0, n = b * stateNodes.get(i).size(); j < n; j++) {
                    g[j] *= s;
                }
            }
        }
    }

    /** Preconditioning's state for a checkpoint: {relaxations since the estimate, then each node's curvature}, or null. */
    public double[] curvatureState() {
        if (curvature == null) {
            return null;
        }
        double[] s = new double[curvature.length + 1];
        s[0] = sinceCurvature;
        System.arraycopy(curvature, 0, s, 1, curvature.length);
        return s;
    }

    /** Restores {@link #curvatureState()}: a resumed run steps as the uninterrupted one would. */
    public void setCurvatureState(double[] s) {
        sinceCurvature = (long) s[0];
        curvature = java.util.Arrays.copyOfRange(s, 1, s.length);
    }

    /** Saves what the state optimizer moves: each node's state, or its offset under offset states. */
    private void save() {
        if (saved.length != stateNodes.size()) {
            saved = new float[stateNodes.size()][];
        }
        for (int i = 0; i < saved.length; i++) {
            int len = stateParams.get(i).length();
            if (saved[i] == null || saved[i].length < len) {
                saved[i] = new float[len];
            }
            System.arraycopy(stateParams.get(i).value(), 0, saved[i], 0, len);
        }
    }

    private void restore() {
        int b = net.batch();
        for (int i = 0; i < saved.length; i++) {
            System.arraycopy(saved[i], 0, stateParams.get(i).value(), 0, stateParams.get(i).length());
            moved(i, b);
        }
        stateOptimizer.reset(); // the momentum pointed up the energy
    }

    /**
     * Makes the free nodes (which differ between phases) the state parameters and resets the state
     * optimizer: states are re-initialized every batch, so are their momenta.
     */
    public void beginStates() {
        int b = net.batch();
        stateNodes.clear();
        stateParams.clear();
        // Langevin noise writes the states themselves, so offsets (which would overwrite it) stay off.
        boolean offsets = config.offsetStates() && langevin == 0;
        for (Node n : net.nodes()) {
            if (!n.isClamped()) {
                stateNodes.add(n);
            }
        }
        if (offsetNodes.length != stateNodes.size()) {
            offsetNodes = new boolean[stateNodes.size()];
        }
        for (int i = 0; i < stateNodes.size(); i++) {
            Node n = stateNodes.get(i);
            offsetNodes[i] = offsets && n.hasPrediction() && n.offsetCapable();
            float[] value = offsetNodes[i] ? n.beginOffset(b) : n.state();
            stateParams.add(new Param(n.name(), value, n.gradient(), b * n.size()));
        }
        if (stateActive.length != stateParams.size()) {
            stateActive = new boolean[stateParams.size()];
        }
        Arrays.fill(stateActive, false);
        stateOptimizer.reset();
    }

    /** One state-optimizer step at rate {@code lr} from the gradients {@link PcNetwork#computeStateGradients()} left. */
    public void stepStates(double lr) {
        // A node whose gradient has been exactly zero so far (and so its momentum too) stays put:
        // that keeps its outgoing predictions cached.
        for (int i = 0; i < stateNodes.size(); i++) {
            stateActive[i] |= stateNodes.get(i).hasGradient();
        }
        int threads = org.pcn4j.kernel.Backends.threads();
        int parts = net.stateStepRanges(); // batch, or auto between phases run by rows
        Optimizer.Update u = parts > 1 ? stateOptimizer.begin(stateParams, lr, stateActive) : null;
        if (u != null) {
            // Each thread moves its rows of every state (elementwise, so the same bits as one
            // pass), instead of the caller alone pulling them out of the other cores' caches.
            org.pcn4j.kernel.ParallelFor.run(parts, threads, part -> {
                for (int i = 0; i < stateNodes.size(); i++) {
                    if (stateActive[i]) {
                        long size = stateNodes.get(i).size();
                        long rows = stateParams.get(i).length() / size;
                        u.apply(i, (int) (rows * part / parts * size), (int) (rows * (part + 1) / parts * size));
                    }
                }
            });
        } else {
            stateOptimizer.step(stateParams, lr, stateActive);
        }
        for (int i = 0; i < stateNodes.size(); i++) {
            if (stateActive[i]) {
                moved(i, net.batch());
            }
        }
    }

    /** After state node i's Param moved: x = anchor + offset under offset states, else the state itself moved. */
    private void moved(int i, int batch) {
        if (offsetNodes[i]) {
            stateNodes.get(i).applyOffset(batch);
        } else {
            stateNodes.get(i).touch();
        }
    }

    /** After a relaxation: the states stay where the offsets put them; later errors are x - mu again. */
    private void endOffsets() {
        for (int i = 0; i < stateNodes.size() && i < offsetNodes.length; i++) {
            if (offsetNodes[i]) {
                stateNodes.get(i).endOffset();
            }
        }
    }

    private void addLangevinNoise() {
        double sd = langevin * Math.sqrt(2 * config.lr());
        int b = net.batch();
        for (Node n : stateNodes) {
            float[] x = n.state();
            float[] mask = n.clampMask();
            for (int i = 0; i < b * n.size(); i++) {
                if (mask == null || mask[i] == 0f) {
                    x[i] += (float) (sd * gaussian());
                }
            }
            n.touch();
        }
    }

    private double gaussian() {
        double u = 1 - noiseRng.nextDouble();
        double v = noiseRng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    // ---- energy trace ---------------------------------------------------------------------

    /** Appends the energies after the last {@link PcNetwork#computeErrors()}: [total, node1, node2, ...]. */
    public void trace() {
        double[] row = new double[1 + tracedNodes.size()];
        double total = 0;
        for (int i = 0; i < tracedNodes.size(); i++) {
            row[i + 1] = net.nodeEnergy(tracedNodes.get(i));
            total += row[i + 1];
        }
        row[0] = total;
        energyTrace.add(row);
    }

    public void clearTrace() {
        energyTrace.clear();
    }

    /** The total energy of the last traced row. */
    public double lastEnergy() {
        return energyTrace.get(energyTrace.size() - 1)[0];
    }

    /** Energies of the last inference: one row per step, [total, node1, node2, ...]. */
    public List<double[]> energyTrace() {
        return energyTrace;
    }

    /** The nodes whose energies {@link #energyTrace()} lists after the total. */
    public List<Node> tracedNodes() {
        return Collections.unmodifiableList(tracedNodes);
    }
}
