package org.pcn4j.train;

/** Standard PC: feedforward init with the target clamped, T state steps, then one weight update from the final errors. */
public final class PcRule implements UpdateRule {
    @Override
    public String id() {
        return "pc";
    }

    @Override
    public Trainer.StepResult step(StepContext s, float[] y) {
        double e0 = s.clampTargetAndInitialize(y);                      // init
        double e = s.inference().relax(s.inference().config().steps()); // solve inference
        s.updateWeights();                                              // update
        return new Trainer.StepResult(e0, e0, e, s.inference().energyTrace().size() - 1, s.correct());
    }
}
