package org.pcn4j.train;

import java.util.Map;
import org.pcn4j.model.Edge;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.OptimizerConfig;

/**
 * Zero-divergence inference learning (Song et al. 2020): unit state steps from the feedforward
 * init; an edge k edges from the output takes its weight gradient at step k, and all updates are
 * applied at the end. Equals backprop.
 */
public final class ZilRule implements UpdateRule {
    @Override
    public String id() {
        return "zil";
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
        Map<Edge, Integer> distance = Rules.distanceFromTarget(net, s.target());
        int maxK = 0;
        for (int k : distance.values()) {
            maxK = Math.max(maxK, k);
        }
        capture(net, distance, 0);
        s.inference().beginStates();
        for (int t = 1; t <= maxK; t++) {
            net.computeStateGradients();
            s.inference().stepStates(1.0);
            net.computePredictions();
            net.computeErrors();
            s.inference().trace();
            capture(net, distance, t);
        }
        // Applied only now: a weight changed mid-inference would alter later state updates.
        s.applyWeights();
        return s.result(e0, e0);
    }

    private static void capture(PcNetwork net, Map<Edge, Integer> distance, int t) {
        for (Map.Entry<Edge, Integer> en : distance.entrySet()) {
            if (en.getValue() == t) {
                net.computeWeightGradient(en.getKey(), 1f, false);
            }
        }
    }
}
