package org.pcn4j.train;

import org.pcn4j.model.PcNetwork;

/** Backpropagation on the same model, for comparison: the feedforward pass, a backward sweep, one update. */
public final class BackpropRule implements UpdateRule {
    @Override
    public String id() {
        return "bp";
    }

    @Override
    public void check(PcNetwork network) {
        Rules.requireNoBlock(network, id());
    }

    @Override
    public Trainer.StepResult step(StepContext s, float[] y) {
        double loss = s.clampTargetAndInitialize(y);
        s.network().backwardSweep();
        s.network().computeWeightGradients(1f, false);
        s.applyWeights();
        return new Trainer.StepResult(loss, loss, loss, 0, s.correct());
    }
}
