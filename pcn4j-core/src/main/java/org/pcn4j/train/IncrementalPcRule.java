package org.pcn4j.train;

/**
 * Incremental PC (Salvatori et al. 2024): states and weights move at every inference step, both
 * from the same errors and states; one weight update per step.
 */
public final class IncrementalPcRule implements UpdateRule {
    @Override
    public String id() {
        return "ipc";
    }

    @Override
    public Trainer.StepResult step(StepContext s, float[] y) {
        double e0 = s.clampTargetAndInitialize(y);
        double e = s.inference().relax(s.inference().config().steps(), new Inference.StepHook() {
            @Override
            public void afterStateGradients() {
                s.network().computeWeightGradients(1f, false); // from the errors before the state step
            }

            @Override
            public void afterStateStep() {
                s.applyWeights();
            }
        });
        return new Trainer.StepResult(e0, e0, e, s.inference().energyTrace().size() - 1, s.correct());
    }
}
