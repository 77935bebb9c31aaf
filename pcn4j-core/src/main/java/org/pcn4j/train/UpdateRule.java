package org.pcn4j.train;

import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.OptimizerConfig;

/**
 * A learning rule: what one training step does with a batch, read as JPC's init -> solve
 * inference -> update. The {@link Trainer} has already clamped the input and cleared the energy
 * trace; the rule clamps (or nudges) the target, relaxes with {@link StepContext#inference()} and
 * updates the weights with {@link StepContext#applyWeights()}. The built-in rules are
 * {@link PcRule}, {@link IncrementalPcRule}, {@link FpaRule}, {@link ZilRule}, {@link NudgeRule} and
 * {@link BackpropRule}; a rule of one's own implements this and goes into
 * {@link TrainConfig.Builder#rule}.
 */
public interface UpdateRule {
    /** The rule's name in logs and model metadata (the built-ins use the {@code --algorithm} names). */
    String id();

    /** One training step; {@code y} is the batch of targets (batch x target size). */
    Trainer.StepResult step(StepContext step, float[] y);

    /** Rejects networks the rule cannot train (with a one-line {@code PcnException}); by default none. */
    default void check(PcNetwork network) {}

    /** The state optimizer inference uses: by default the one the inference config names. */
    default OptimizerConfig stateOptimizer(InferenceConfig inference) {
        return inference.optimizerConfig();
    }
}
