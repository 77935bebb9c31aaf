package org.pcn4j.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.pcn4j.model.DivergenceException;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.Parameter;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.GradClip;
import org.pcn4j.optim.Optimizer;
import org.pcn4j.optim.Param;

/**
 * Trains a PC network on (input, target) batches with the config's {@link UpdateRule}. Each step
 * clamps the input and hands over to the rule, which reads as JPC's: initialize the states, solve
 * inference (with this trainer's {@link Inference}), update the parameters; every quantity an
 * update uses is local to a node or an edge. The weights are every edge's
 * {@link Edge#parameters()}, stepped by one optimizer.
 */
public final class Trainer {
    private final PcNetwork net;
    private final Node input;
    private final Node target;
    private final TrainConfig config;
    private final Optimizer weightOptimizer;
    private final List<Param> weights = new ArrayList<>();
    private final Inference inference;
    private final StepContext context;
    private long updates;
    /** weights[edgeFirst[e] .. edgeFirst[e + 1]) are edge e's parameters. */
    private final int[] edgeFirst;
    /** The elementwise part of the optimizer step in progress ({@link #weightStep}). */
    private Optimizer.Update pending;
    private final PcNetwork.WeightStep weightStep = new PcNetwork.WeightStep() {
        @Override
        public long size(int edge) {
            long n = 0;
            for (int p = edgeFirst[edge]; p < edgeFirst[edge + 1]; p++) {
                n += weights.get(p).length();
            }
            return n;
        }

        @Override
        public void step(int edge, long from, long to) {
            long off = 0;
            for (int p = edgeFirst[edge]; p < edgeFirst[edge + 1]; p++) {
                int len = weights.get(p).length();
                long lo = Math.max(from, off);
                long hi = Math.min(to, off + len);
                if (lo < hi) {
                    pending.apply(p, (int) (lo - off), (int) (hi - off));
                }
                off += len;
            }
        }
    };

    public Trainer(PcNetwork net, Node input, Node target, TrainConfig config) {
        this.net = net;
        this.input = input;
        this.target = target;
        this.config = config;
        UpdateRule rule = config.rule();
        rule.check(net);
        if (config.parallel() != null) {
            net.setParallel(config.parallel());
        }
        this.weightOptimizer = Optimizer.of(config.optimizer());
        edgeFirst = new int[net.edges().size() + 1];
        int ei = 0;
        for (Edge e : net.edges()) {
            edgeFirst[ei++] = weights.size();
            for (Parameter p : e.parameters()) {
                weights.add(new Param(e.name() + "." + p.name(), p.value(), p.grad()));
            }
        }
        edgeFirst[ei] = weights.size();
        this.inference = new Inference(net, config.inference(), rule.stateOptimizer(config.inference()));
        this.context = new StepContext(this);
    }

    public TrainConfig config() {
        return config;
    }

    public PcNetwork network() {
        return net;
    }

    /** The node clamped to the data. */
    public Node input() {
        return input;
    }

    /** The node clamped (or nudged) to the target. */
    public Node target() {
        return target;
    }

    /** The inference the rule relaxes with (and {@link #predict}, {@link #infer} use). */
    public Inference inference() {
        return inference;
    }

    /** Number of weight updates applied so far. */
    public long updates() {
        return updates;
    }

    /** The trained parameters, named {@code EDGE.PARAMETER}, in the order the optimizer sees them. */
    public List<Param> weightParams() {
        return Collections.unmodifiableList(weights);
    }

    /** The optimizer that steps {@link #weightParams()} (its moments, e.g. for a checkpoint). */
    public Optimizer weightOptimizer() {
        return weightOptimizer;
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
        inference.clearTrace();
        return config.rule().step(context, y);
    }

    /** One optimizer step on the weights from their gradients; see {@link StepContext#applyWeights()}. */
    void applyWeights() {
        // Without clipping the norm is not needed: a non-finite gradient comes from non-finite
        // states or errors, which computeErrors() already stops on.
        if (config.clipNorm() > 0) {
            double norm = GradClip.clipGlobalNorm(weights, config.clipNorm());
            if (!Double.isFinite(norm)) {
                throw new DivergenceException("weights (non-finite gradient)");
            }
        }
        double rate = config.schedule().rate(updates);
        Optimizer.Update u = edgesUnchanged() ? weightOptimizer.begin(weights, rate, null) : null;
        if (u != null) {
            // Elementwise per edge: the network runs it as tasks under layers and auto.
            pending = u;
            try {
                net.stepWeights(weightStep);
            } finally {
                pending = null;
            }
        } else {
            weightOptimizer.step(weights, rate);
            for (Edge e : net.edges()) {
                e.weightsChanged();
            }
        }
        updates++;
    }

    /**
     * The weight update from the current states and errors: dF/dW of every edge, then
     * {@link #applyWeights()}, with the same bits; without clipping each edge's optimizer step
     * runs right after its own gradient (in one task under layers and auto, see
     * {@link PcNetwork#updateWeights}). See {@link StepContext#updateWeights()}.
     */
    void updateWeights() {
        if (config.clipNorm() > 0 || !edgesUnchanged()) {
            net.computeWeightGradients(1f, false);
            applyWeights();
            return;
        }
        Optimizer.Update u = weightOptimizer.begin(weights, config.schedule().rate(updates), null);
        if (u == null) {
            net.computeWeightGradients(1f, false);
            applyWeights();
            return;
        }
        pending = u;
        try {
            net.updateWeights(1f, false, weightStep);
        } finally {
            pending = null;
        }
        updates++;
    }

    /** Whether the network still has the edges this trainer was built with (then edge i's parameters are known). */
    private boolean edgesUnchanged() {
        return net.edges().size() == edgeFirst.length - 1;
    }

    /** Energies of the last step's inference: one row per inference step, [total, node1, node2, ...]. */
    public List<double[]> energyTrace() {
        return inference.energyTrace();
    }

    /** The nodes whose energies {@link #energyTrace()} lists after the total. */
    public List<Node> tracedNodes() {
        return inference.tracedNodes();
    }

    /**
     * The weight update from the states and errors the network holds now (typically after
     * {@code inference().query(...)}): dF/dW of every edge, then one step of the weight optimizer.
     * With a query this trains on any clamped set, e.g. a memory whose latent states persist
     * between epochs.
     */
    public void learn() {
        updateWeights();
    }

    /**
     * Predicted class per sample by a feedforward pass with the target free (the energy minimum of
     * an acyclic network), or by inference with the target free when {@code inferenceSteps > 0}.
     */
    public int[] predict(float[] x, int batch, int inferenceSteps) {
        return inference.classify(input, target, x, batch, inferenceSteps);
    }
}
