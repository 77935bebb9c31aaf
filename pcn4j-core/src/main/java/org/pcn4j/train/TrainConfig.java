package org.pcn4j.train;

import org.pcn4j.PcnException;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/**
 * One training setup: the algorithm, its inference, the weight optimizer and schedule, gradient
 * clipping (global L2 norm; 0 disables) and, for pc-nudge, the nudge and its strength beta.
 */
public record TrainConfig(Algorithm algorithm, InferenceConfig inference, OptimizerConfig optimizer,
                          Schedule schedule, double clipNorm, Nudge nudge, double beta) {
    public TrainConfig {
        if (algorithm == Algorithm.PC_NUDGE && !(beta > 0)) {
            throw new PcnException("pc-nudge needs --beta > 0, got " + beta);
        }
    }
}
