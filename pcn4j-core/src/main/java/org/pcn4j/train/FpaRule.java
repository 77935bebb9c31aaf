package org.pcn4j.train;

import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.OptimizerConfig;

/**
 * The fixed-prediction assumption (Millidge et al. 2020): predictions frozen at their feedforward
 * values while the errors relax; with unit state steps, depth - 1 steps give backprop's errors.
 */
public final class FpaRule implements UpdateRule {
    @Override
    public String id() {
        return "fpa";
    }

    @Override
    public void check(PcNetwork network) {
        Rules.requireNoBlock(network, id());
    }

    /** Exact only with plain gradient steps of size 1 on the states. */
    @Override
    public OptimizerConfig stateOptimizer(InferenceConfig inference) {
        return OptimizerConfig.sgd(0);
    }

    @Override
    public Trainer.StepResult step(StepContext s, float[] y) {
        PcNetwork net = s.network();
        double e0 = s.clampTargetAndInitialize(y);
        s.snapshotStates();
        net.setFrozen(true);
        try {
            // With predictions frozen, each gamma = 1 step solves one more layer of the triangular
            // system e_l = J_{l+1}^T e_{l+1}: depth - 1 steps reach the exact solution.
            int steps = Math.max(0, Rules.longestPath(net) - 1);
            s.inference().beginStates();
            for (int t = 1; t <= steps; t++) {
                net.computeStateGradients();
                s.inference().stepStates(1.0);
                net.computeErrors();
                s.inference().trace();
            }
            // The weight update multiplies the errors by the feedforward pre-synaptic states.
            s.restoreStates();
            net.computeWeightGradients(1f, false);
        } finally {
            net.setFrozen(false);
            for (Node n : net.nodes()) {
                n.touch();
            }
        }
        s.applyWeights();
        return s.result(e0, e0);
    }
}
