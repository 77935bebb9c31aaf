package org.pcn4j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.model.DenseBlock;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.DivergenceException;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.GradClip;
import org.pcn4j.optim.Optimizer;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Param;
import org.pcn4j.tensor.Ops;

/**
 * Trains a PC network on (input, target) batches with one of the {@link Algorithm}s. Each step reads
 * as JPC's: initialize the states, solve inference, update the parameters; every quantity an update
 * uses is local to a node or an edge.
 */
public final class Trainer {
    private final PcNetwork net;
    private final Node input;
    private final Node target;
    private final TrainConfig config;
    private final Optimizer weightOptimizer;
    private final List<Param> weights = new ArrayList<>();
    private final Optimizer stateOptimizer;
    private final List<Node> stateNodes = new ArrayList<>();
    private final List<Param> stateParams = new ArrayList<>();
    private boolean[] stateActive = new boolean[0];
    private long updates;
    private int lastCorrect;

    private final List<double[]> energyTrace = new ArrayList<>();
    private final List<Node> tracedNodes = new ArrayList<>();
    private float[][] snapshot;

    public Trainer(PcNetwork net, Node input, Node target, TrainConfig config) {
        this.net = net;
        this.input = input;
        this.target = target;
        this.config = config;
        Algorithm alg = config.algorithm();
        if (!net.blocks().isEmpty() && (alg == Algorithm.BP || alg == Algorithm.ZIL || alg == Algorithm.FPA)) {
            // A fully connected block is a cycle: these algorithms compute backprop's gradients on acyclic graphs.
            throw new PcnException(alg.id() + " needs an acyclic network; a fully connected block makes it cyclic");
        }
        this.weightOptimizer = Optimizer.of(config.optimizer());
        for (DenseEdge e : net.edges()) {
            weights.add(new Param(e.name() + ".weight", e.weight().data(), e.weightGrad().data()));
            if (e.bias() != null) {
                weights.add(new Param(e.name() + ".bias", e.bias(), e.biasGrad()));
            }
        }
        for (DenseBlock b : net.blocks()) {
            weights.add(new Param(b.name() + ".weight", b.weight().data(), b.weightGrad().data()));
            if (b.bias() != null) {
                weights.add(new Param(b.name() + ".bias", b.bias(), b.biasGrad()));
            }
        }
        this.stateOptimizer = Optimizer.of(stateOptimizerConfig(config));
        for (Node n : net.nodes()) {
            if (n.hasPrediction()) {
                tracedNodes.add(n);
            }
        }
    }

    private static OptimizerConfig stateOptimizerConfig(TrainConfig c) {
        // zil and fpa are exact only with plain gradient steps of size 1 on the states.
        if (c.algorithm() == Algorithm.ZIL || c.algorithm() == Algorithm.FPA) {
            return OptimizerConfig.sgd(0);
        }
        return c.inference().optimizerConfig();
    }

    public TrainConfig config() {
        return config;
    }

    public PcNetwork network() {
        return net;
    }

    /** The weight parameters, in the order the weight optimizer keys its state by. */
    public List<Param> weightParams() {
        return weights;
    }

    /** The optimizer of the weights (its state can be saved and restored). */
    public Optimizer weightOptimizer() {
        return weightOptimizer;
    }

    /** Number of weight updates applied so far. */
    public long updates() {
        return updates;
    }

    /** What one training step measured. */
    public record StepResult(double loss, double initialEnergy, double finalEnergy, int inferenceSteps, int correct) {}

    /**
     * One training step on a batch: x is batch x input size (already normalized), y is batch x
     * target size (one-hot for classification).
     */
    public StepResult step(float[] x, float[] y, int batch) {
        net.setBatch(batch);
        net.clearPartialClamps();
        net.clamp(input, x);
        energyTrace.clear();
        switch (config.algorithm()) {
            case BP: return stepBp(y);
            case PC: return stepPc(y, false);
            case IPC: return stepPc(y, true);
            case FPA: return stepFpa(y);
            case ZIL: return stepZil(y);
            case PC_NUDGE: return stepNudge(y);
            default: throw new AssertionError(config.algorithm());
        }
    }

    /** Feedforward init with the target clamped; returns the output energy there (the backprop loss). */
    private double start(float[] y) {
        net.clamp(target, y);
        net.initFeedforward();
        net.computePredictions();
        double e = net.computeErrors();
        trace();
        lastCorrect = countCorrect(target.prediction(), y);
        return e;
    }

    /** Samples whose feedforward output (before any learning in this step) picks the target's class. */
    private int countCorrect(float[] out, float[] y) {
        int b = net.batch();
        int n = target.size();
        int[] p = Ops.argmaxRows(out, b, n);
        int[] t = Ops.argmaxRows(y, b, n);
        int c = 0;
        for (int i = 0; i < b; i++) {
            if (p[i] == t[i]) {
                c++;
            }
        }
        return c;
    }

    private StepResult stepBp(float[] y) {
        double loss = start(y);
        net.backwardSweep();
        net.computeWeightGradients(1f, false);
        applyWeights();
        return new StepResult(loss, loss, loss, 0, lastCorrect);
    }

    private StepResult stepPc(float[] y, boolean incremental) {
        double e0 = start(y);
        double e = relax(config.inference().steps(), incremental);
        if (!incremental) {
            net.computeWeightGradients(1f, false);
            applyWeights();
        }
        return new StepResult(e0, e0, e, energyTrace.size() - 1, lastCorrect);
    }

    /**
     * T state steps from the current errors; with {@code incremental} the weights also move at every
     * step from the same errors and states. Returns the last energy.
     */
    private double relax(int steps, boolean incremental) {
        prepareStateOptimizer(config.inference().lr());
        double prev = energyTrace.isEmpty() ? Double.NaN : energyTrace.get(energyTrace.size() - 1)[0];
        double e = prev;
        double tol = config.inference().energyTolerance();
        for (int t = 1; t <= steps; t++) {
            net.computeStateGradients();
            if (incremental) {
                net.computeWeightGradients(1f, false);
            }
            stepStates(config.inference().lr());
            if (langevin > 0) {
                addLangevinNoise();
            }
            if (incremental) {
                applyWeights();
            }
            net.computePredictions();
            e = net.computeErrors();
            trace();
            if (tol > 0 && Math.abs(prev - e) <= tol * Math.max(1e-12, Math.abs(prev))) {
                break;
            }
            prev = e;
        }
        return e;
    }

    private StepResult stepFpa(float[] y) {
        double e0 = start(y);
        snapshotStates();
        net.setFrozen(true);
        try {
            // With predictions frozen, each gamma = 1 step solves one more layer of the triangular
            // system e_l = J_{l+1}^T e_{l+1}: depth - 1 steps reach the exact solution.
            int steps = Math.max(0, longestPath() - 1);
            prepareStateOptimizer(1.0);
            for (int t = 1; t <= steps; t++) {
                net.computeStateGradients();
                stepStates(1.0);
                net.computeErrors();
                trace();
            }
            // The weight update multiplies the errors by the feedforward pre-synaptic states.
            restoreStates();
            net.computeWeightGradients(1f, false);
        } finally {
            net.setFrozen(false);
            for (Node n : net.nodes()) {
                n.touch();
            }
        }
        applyWeights();
        return new StepResult(e0, e0, energyTrace.get(energyTrace.size() - 1)[0], energyTrace.size() - 1, lastCorrect);
    }

    private StepResult stepZil(float[] y) {
        double e0 = start(y);
        Map<DenseEdge, Integer> distance = distanceFromTarget();
        int maxK = 0;
        for (int k : distance.values()) {
            maxK = Math.max(maxK, k);
        }
        captureZil(distance, 0);
        prepareStateOptimizer(1.0);
        for (int t = 1; t <= maxK; t++) {
            net.computeStateGradients();
            stepStates(1.0);
            net.computePredictions();
            net.computeErrors();
            trace();
            captureZil(distance, t);
        }
        // Applied only now: a weight changed mid-inference would alter later state updates.
        applyWeights();
        return new StepResult(e0, e0, energyTrace.get(energyTrace.size() - 1)[0], energyTrace.size() - 1, lastCorrect);
    }

    private void captureZil(Map<DenseEdge, Integer> distance, int t) {
        for (Map.Entry<DenseEdge, Integer> en : distance.entrySet()) {
            if (en.getValue() == t) {
                net.computeWeightGradient(en.getKey(), 1f, false);
            }
        }
    }

    private StepResult stepNudge(float[] y) {
        Nudge nudge = config.nudge();
        double beta = config.beta();
        // Feedforward with the output free: mu_L is the network's own answer.
        net.release(target);
        net.initFeedforward();
        net.computePredictions();
        float[] mu = Arrays.copyOf(target.energy() == Energy.CROSS_ENTROPY
                ? target.state() : target.prediction(), net.batch() * target.size());
        double loss = outputLoss(mu, y);
        lastCorrect = countCorrect(mu, y);
        snapshotStates();
        double eFinal = 0;
        int phases = nudge == Nudge.CENTERED ? 2 : 1;
        for (int ph = 0; ph < phases; ph++) {
            boolean positive = nudge == Nudge.POSITIVE || (nudge == Nudge.CENTERED && ph == 0);
            if (ph > 0) {
                restoreStates();
                net.computePredictions();
            }
            float sign = positive ? -1f : 1f;
            float[] nudged = new float[mu.length];
            for (int i = 0; i < mu.length; i++) {
                nudged[i] = mu[i] + sign * (float) beta * (mu[i] - y[i]);
            }
            net.clamp(target, nudged);
            net.computePredictions();
            net.computeErrors();
            trace();
            eFinal = relax(config.inference().steps(), false);
            float scale = (float) ((positive ? 1.0 : -1.0) / (beta * phases));
            net.computeWeightGradients(scale, ph > 0);
        }
        applyWeights();
        return new StepResult(loss, loss, eFinal, energyTrace.size() - 1, lastCorrect);
    }

    private double outputLoss(float[] out, float[] y) {
        int b = net.batch();
        int n = target.size();
        double s = 0;
        if (target.energy() == Energy.CROSS_ENTROPY) {
            for (int i = 0; i < b * n; i++) {
                if (y[i] > 0) {
                    s -= y[i] * Math.log(Math.max(out[i], 1e-30));
                }
            }
        } else {
            for (int i = 0; i < b * n; i++) {
                double d = y[i] - out[i];
                s += 0.5 * d * d;
            }
        }
        return s / b;
    }

    private void snapshotStates() {
        List<Node> nodes = net.nodes();
        snapshot = new float[nodes.size()][];
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!n.isClamped() || n == target) {
                snapshot[i] = Arrays.copyOf(n.state(), net.batch() * n.size());
            }
        }
    }

    private void restoreStates() {
        List<Node> nodes = net.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            if (snapshot[i] != null && !nodes.get(i).isClamped()) {
                System.arraycopy(snapshot[i], 0, nodes.get(i).state(), 0, snapshot[i].length);
                if (!net.isFrozen()) {
                    nodes.get(i).touch();
                }
            }
        }
    }

    /** For each edge, the number of edges on the shortest path from its target node to the output (0 for the output's own edges). */
    private Map<DenseEdge, Integer> distanceFromTarget() {
        Map<Node, Integer> dist = new HashMap<>();
        dist.put(target, 0);
        java.util.ArrayDeque<Node> q = new java.util.ArrayDeque<>();
        q.add(target);
        while (!q.isEmpty()) {
            Node n = q.poll();
            for (DenseEdge e : n.incoming()) {
                if (!dist.containsKey(e.from())) {
                    dist.put(e.from(), dist.get(n) + 1);
                    q.add(e.from());
                }
            }
        }
        Map<DenseEdge, Integer> out = new HashMap<>();
        for (DenseEdge e : net.edges()) {
            Integer d = dist.get(e.to());
            if (d == null) {
                throw new PcnException("zil: edge " + e.name() + " does not lead to the output node");
            }
            out.put(e, d);
        }
        return out;
    }

    private int longestPath() {
        Map<Node, Integer> depth = new HashMap<>();
        int best = 0;
        for (Node n : net.topologicalOrder()) {
            int d = 0;
            for (DenseEdge e : n.incoming()) {
                d = Math.max(d, depth.getOrDefault(e.from(), 0) + 1);
            }
            depth.put(n, d);
            best = Math.max(best, d);
        }
        return best;
    }

    /** Builds the state parameters (the free nodes, which differ between phases) and resets their optimizer. */
    private void prepareStateOptimizer(double lr) {
        int b = net.batch();
        stateNodes.clear();
        stateParams.clear();
        for (Node n : net.nodes()) {
            if (!n.isClamped()) {
                stateNodes.add(n);
                stateParams.add(new Param(n.name(), n.state(), n.gradient(), b * n.size()));
            }
        }
        if (stateActive.length != stateParams.size()) {
            stateActive = new boolean[stateParams.size()];
        }
        Arrays.fill(stateActive, false);
        // Fresh optimizer state for every batch: states are re-initialized, so are their momenta.
        stateOptimizer.reset();
    }

    private void stepStates(double lr) {
        // A node whose gradient has been exactly zero so far (and so its momentum too) stays put:
        // that keeps its outgoing predictions cached.
        for (int i = 0; i < stateNodes.size(); i++) {
            stateActive[i] |= stateNodes.get(i).hasGradient();
        }
        stateOptimizer.step(stateParams, lr, stateActive);
        for (int i = 0; i < stateNodes.size(); i++) {
            if (stateActive[i]) {
                stateNodes.get(i).touch();
            }
        }
    }

    private void applyWeights() {
        // Without clipping the norm is not needed: a non-finite gradient comes from non-finite
        // states or errors, which computeErrors() already stops on.
        if (config.clipNorm() > 0) {
            double norm = GradClip.clipGlobalNorm(weights, config.clipNorm());
            if (!Double.isFinite(norm)) {
                throw new DivergenceException("weights (non-finite gradient)");
            }
        }
        weightOptimizer.step(weights, config.schedule().rate(updates));
        updates++;
        for (DenseEdge e : net.edges()) {
            e.weightsChanged();
        }
        for (DenseBlock b : net.blocks()) {
            b.weightsChanged();
        }
    }

    private void trace() {
        double[] row = new double[1 + tracedNodes.size()];
        double total = 0;
        for (int i = 0; i < tracedNodes.size(); i++) {
            row[i + 1] = net.nodeEnergy(tracedNodes.get(i));
            total += row[i + 1];
        }
        row[0] = total;
        energyTrace.add(row);
    }

    /** Energies of the last step's inference: one row per inference step, [total, node1, node2, ...]. */
    public List<double[]> energyTrace() {
        return energyTrace;
    }

    /** The nodes whose energies {@link #energyTrace()} lists after the total. */
    public List<Node> tracedNodes() {
        return tracedNodes;
    }

    /**
     * Inference with an arbitrary set of clamped nodes: each node in {@code clamps} is clamped to
     * its values (batch x size), every other node is released; free nodes without a prediction
     * (roots) start at zero, the others by a feedforward pass in topological order; then
     * {@code steps} state updates. Read the result from the nodes' states (or predictions).
     * With {@link #setLangevinNoise} set, each state step adds Gaussian noise (Monte-Carlo PC).
     */
    public void infer(Map<Node, float[]> clamps, int batch, int steps) {
        infer(clamps, Map.of(), Map.of(), batch, steps);
    }

    /**
     * As {@link #infer(Map, int, int)}, with per-unit clamps and starting states: a node in
     * {@code unitMasks} has the units where its mask (batch x size) is 1 clamped to its values in
     * {@code clamps} and the others free ({@link PcNetwork#clampUnits}); a free node in
     * {@code starts} begins at the given state instead of the feedforward one
     * ({@link PcNetwork#startAt}); a node with a unit mask and a start has its free units begin
     * at the start's values.
     */
    public void infer(Map<Node, float[]> clamps, Map<Node, float[]> unitMasks, Map<Node, float[]> starts, int batch,
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
        net.computePredictions();
        net.computeErrors();
        energyTrace.clear();
        trace();
        if (steps > 0) {
            relax(steps, false);
        }
    }

    /**
     * The weight update from the states and errors the network holds now (typically after
     * {@link #infer}): dF/dW of every edge, then one step of the weight optimizer. With
     * {@link #infer} this trains on any clamped set, e.g. a memory whose latent states persist
     * between epochs.
     */
    public void learn() {
        net.computeWeightGradients(1f, false);
        applyWeights();
    }

    /**
     * Monte-Carlo PC: after every state step of {@link #infer}, each free state gets Gaussian noise
     * of standard deviation {@code sigma * sqrt(2 gamma)} (gamma the state learning rate), so
     * inference samples instead of settling. 0 (the default) turns it off.
     */
    public void setLangevinNoise(double sigma, long seed) {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new PcnException("noise must be >= 0, got " + sigma);
        }
        this.langevin = sigma;
        this.noiseRng = new java.util.SplittableRandom(seed);
    }

    private double langevin;
    private java.util.SplittableRandom noiseRng;

    private void addLangevinNoise() {
        double sd = langevin * Math.sqrt(2 * config.inference().lr());
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

    /**
     * Predicted class per sample by a feedforward pass with the target free (the energy minimum of
     * an acyclic network), or by inference with the target free when {@code inferenceSteps > 0}.
     */
    public int[] predict(float[] x, int batch, int inferenceSteps) {
        net.setBatch(batch);
        net.clearPartialClamps();
        net.clamp(input, x);
        net.release(target);
        net.initFeedforward();
        if (inferenceSteps > 0) {
            net.computePredictions();
            net.computeErrors();
            energyTrace.clear();
            trace();
            relax(inferenceSteps, false);
        }
        return Ops.argmaxRows(target.state(), batch, target.size());
    }
}
