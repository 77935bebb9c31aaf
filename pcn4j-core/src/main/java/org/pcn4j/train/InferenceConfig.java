package org.pcn4j.train;

import org.pcn4j.PcnException;
import org.pcn4j.optim.OptimizerConfig;

/**
 * How states relax: {@code steps} updates with the given state optimizer, stopping early when the
 * energy changes by less than {@code energyTolerance} (relative; 0 disables early stopping).
 */
public record InferenceConfig(int steps, OptimizerConfig.Kind optimizer, double lr, double momentum,
                              double energyTolerance) {
    public InferenceConfig {
        if (steps < 0) {
            throw new PcnException("inference steps must be >= 0, got " + steps);
        }
        if (!(lr > 0)) {
            throw new PcnException("state learning rate must be > 0, got " + lr);
        }
        if (momentum < 0 || momentum >= 1) {
            throw new PcnException("state momentum must be in [0, 1), got " + momentum);
        }
    }

    public OptimizerConfig optimizerConfig() {
        switch (optimizer) {
            case SGD: return OptimizerConfig.sgd(momentum);
            case ADAM: return OptimizerConfig.adam();
            case ADAMW: return OptimizerConfig.adamw(0);
            default: throw new AssertionError(optimizer);
        }
    }
}
