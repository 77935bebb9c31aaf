package org.pcn4j.train;

import org.pcn4j.PcnException;
import org.pcn4j.optim.OptimizerConfig;

/**
 * How states relax: {@code steps} updates with the given state optimizer, stopping early when the
 * energy changes by less than {@code energyTolerance} (relative; 0 disables early stopping).
 * With {@code backtrack}, a step that raises the energy is undone and the state rate halved
 * ({@link Inference#relax}): an adaptive step size, as JPC's ODE solvers have, for hidden
 * precisions or weights that make the fixed rate overshoot. With {@code precondition}, each
 * node's step is divided by its own curvature relative to its precision (NodeCurvature), so the
 * stiffest node no longer sets every node's rate; a {@code referencePrecision} P > 0 makes it relative
 * to P instead (step lr P / lambda_n), so that nodes of different precisions share one relative rate
 * lr P (precisions that grow away from the target, {@link org.pcn4j.model.PcModel#setHiddenPrecision(float, float)}).
 * Build it with named fields: {@code InferenceConfig.builder().steps(20).lr(0.05).build()}.
 */
public record InferenceConfig(int steps, OptimizerConfig.Kind optimizer, double lr, double momentum,
                              double energyTolerance, boolean backtrack, boolean precondition,
                              double referencePrecision, boolean offsetStates) {
    /** A config without offset states. */
    public InferenceConfig(int steps, OptimizerConfig.Kind optimizer, double lr, double momentum,
                           double energyTolerance, boolean backtrack, boolean precondition,
                           double referencePrecision) {
        this(steps, optimizer, lr, momentum, energyTolerance, backtrack, precondition, referencePrecision, false);
    }

    /** A config whose preconditioned steps are relative to each node's own precision. */
    public InferenceConfig(int steps, OptimizerConfig.Kind optimizer, double lr, double momentum,
                           double energyTolerance, boolean backtrack, boolean precondition) {
        this(steps, optimizer, lr, momentum, energyTolerance, backtrack, precondition, 0);
    }

    /** A config without backtracking or preconditioning. */
    public InferenceConfig(int steps, OptimizerConfig.Kind optimizer, double lr, double momentum,
                           double energyTolerance) {
        this(steps, optimizer, lr, momentum, energyTolerance, false, false);
    }

    /** A config without preconditioning. */
    public InferenceConfig(int steps, OptimizerConfig.Kind optimizer, double lr, double momentum,
                           double energyTolerance, boolean backtrack) {
        this(steps, optimizer, lr, momentum, energyTolerance, backtrack, false);
    }

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
        if (!(referencePrecision >= 0) || Double.isInfinite(referencePrecision)) {
            throw new PcnException("reference precision must be a finite number >= 0, got " + referencePrecision);
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

    /**
     * Defaults (the CLI's, in both modes): 8 steps of SGD at rate 0.03 with momentum 0.1, no early
     * stopping. The rates are pcx's published Fashion-MNIST state settings; 0.1 with momentum 0.5
     * (the defaults before) overshot after a few epochs at weight rate 1e-3 (BENCHMARKS.md, "Default
     * hyperparameters").
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * iPC's own state settings (the CLI's defaults with {@code --algorithm ipc} in discriminative
     * mode): rate 0.8 with momentum 0.25, pcx's published iPC recipe. iPC updates the weights at every
     * inference step, so its states must settle within few steps; with the PC defaults above it
     * reached 91-92 % on MNIST and 82-83 % on Fashion-MNIST after 5 epochs, with these 96.7 % and
     * 87.1 % (validation-chosen; BENCHMARKS.md, "Default hyperparameters"). Pair with
     * {@link TrainConfig#IPC_LR} and {@link TrainConfig#IPC_WEIGHT_DECAY}.
     */
    public static Builder ipcBuilder() {
        return new Builder().lr(0.8).momentum(0.25);
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return builder().steps(steps).optimizer(optimizer).lr(lr).momentum(momentum).energyTolerance(energyTolerance)
                .backtrack(backtrack).precondition(precondition).referencePrecision(referencePrecision)
                .offsetStates(offsetStates);
    }

    /** This config with another step count. */
    public InferenceConfig withSteps(int steps) {
        return toBuilder().steps(steps).build();
    }

    /** Builds an {@link InferenceConfig}; see {@link InferenceConfig#builder()}. */
    public static final class Builder {
        private int steps = 8;
        private OptimizerConfig.Kind optimizer = OptimizerConfig.Kind.SGD;
        private double lr = 0.03;
        private double momentum = 0.1;
        private double energyTolerance;
        private boolean backtrack;
        private boolean precondition;
        private double referencePrecision;
        private boolean offsetStates;

        private Builder() {}

        /**
         * Move each free Gaussian node's offset from its state at the start of inference rather than
         * the state itself, and take its error from the offset ({@link org.pcn4j.model.Node#beginOffset}):
         * the same steps in exact arithmetic, but errors of about 1/pi of the signal survive float32
         * at precisions pi of 10^5 and above (precisions that grow away from the target). Off by
         * default: it costs two passes over the states per step.
         */
        public Builder offsetStates(boolean offsetStates) {
            this.offsetStates = offsetStates;
            return this;
        }

        /** State updates per batch, T. */
        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        /** The state optimizer: SGD (with {@link #momentum}), Adam or AdamW. */
        public Builder optimizer(OptimizerConfig.Kind optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** The state learning rate gamma. */
        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        /** The state SGD momentum, in [0, 1). */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** Stop when the energy changes by less than this fraction (0: never). */
        public Builder energyTolerance(double energyTolerance) {
            this.energyTolerance = energyTolerance;
            return this;
        }

        /**
         * Undo a state step that raises the energy and halve the rate for the rest of the batch
         * (and the next, which starts at a tenth above it, up to {@link #lr}); off by default.
         */
        public Builder backtrack(boolean backtrack) {
            this.backtrack = backtrack;
            return this;
        }

        /**
         * Divide each free node's state step by its curvature lambda_n / pi_n (at least 1), estimated
         * every {@link Inference#CURVATURE_EVERY} batches by power iteration; SGD state optimizer
         * only (Adam normalizes the step itself); off by default.
         */
        public Builder precondition(boolean precondition) {
            this.precondition = precondition;
            return this;
        }

        /**
         * With {@link #precondition}: each node's step is {@code lr P / max(pi_n, lambda_n)} for this P
         * instead of {@code lr pi_n / max(pi_n, lambda_n)}, one relative rate {@code lr P} for nodes of
         * different precisions; 0 (the default): each node's own precision. Equal precisions P give
         * the same steps either way.
         */
        public Builder referencePrecision(double referencePrecision) {
            this.referencePrecision = referencePrecision;
            return this;
        }

        public InferenceConfig build() {
            return new InferenceConfig(steps, optimizer, lr, momentum, energyTolerance, backtrack, precondition,
                    referencePrecision, offsetStates);
        }
    }
}
