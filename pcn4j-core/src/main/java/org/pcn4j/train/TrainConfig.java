package org.pcn4j.train;

import java.util.Objects;
import org.pcn4j.model.ParallelSchedule;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/**
 * One training setup, built with named fields: the update rule (which carries its own
 * hyperparameters, e.g. {@link NudgeRule}'s beta), its inference, the weight optimizer and
 * schedule, and gradient clipping (global L2 norm; 0 disables).
 * <pre>{@code
 * TrainConfig c = TrainConfig.builder().rule(new IncrementalPcRule())
 *         .inference(InferenceConfig.builder().steps(20).lr(0.05).build())
 *         .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-3)).build();
 * }</pre>
 */
public final class TrainConfig {
    private final UpdateRule rule;
    private final InferenceConfig inference;
    private final OptimizerConfig optimizer;
    private final Schedule schedule;
    private final double clipNorm;
    private final ParallelSchedule parallel;

    private TrainConfig(Builder b) {
        this.rule = Objects.requireNonNull(b.rule, "rule");
        this.inference = Objects.requireNonNull(b.inference, "inference");
        this.optimizer = Objects.requireNonNull(b.optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(b.schedule, "schedule");
        this.clipNorm = b.clipNorm;
        this.parallel = b.parallel;
    }

    /** The default weight learning rate (the CLI's {@code --lr} in discriminative mode). */
    public static final double DEFAULT_LR = 1e-3;

    /**
     * The generative models' weight-rate budget: their default peak rate is this divided by the
     * run's planned weight updates (capped at {@link #GENERATIVE_LR_MAX}); see {@link #generativeLr}.
     * 0.938 = 1e-4 x 9,380 updates: the documented MNIST recipe (10 epochs of 60,000 images at
     * batch 64, peak rate 1e-4, 87.56 %), which the default therefore reproduces.
     */
    public static final double GENERATIVE_LR_BUDGET = 0.938;

    /** The largest default weight rate for generative models (the small sets' best). */
    public static final double GENERATIVE_LR_MAX = 1e-3;

    /**
     * The default peak weight rate of a generative model (the CLI's {@code --lr} with {@code --mode
     * generative}) for a run of {@code plannedUpdates} weight updates: {@code min(1e-3, 0.938 /
     * plannedUpdates)}. A label-to-image model trained for long enough drifts until its hidden
     * states explain the images without the label, and how far it has gone depends on the distance
     * the weights have travelled, about rate x updates: Fashion-MNIST at a fixed 3e-4 reached 79 %
     * (epoch 2) and then fell to 43 % in epoch 4 of 10, MNIST at 1e-3 fell from 86.6 % to 44 % in
     * epoch 3, while 10 epochs at 1e-4 (8,440 updates) train steadily on both, and the small sets
     * (digits, a CSV table: 400-600 updates in 20 epochs) are best at 1e-3 (BENCHMARKS.md,
     * "Default hyperparameters"). Use it as {@code schedule(Schedule.warmupCosine(generativeLr(n),
     * DEFAULT_WARMUP))}.
     */
    public static double generativeLr(long plannedUpdates) {
        return Math.min(GENERATIVE_LR_MAX, GENERATIVE_LR_BUDGET / Math.max(1, plannedUpdates));
    }

    /**
     * iPC's weight rate and AdamW weight decay (the CLI's defaults with {@code --algorithm ipc} in
     * discriminative mode; with {@link InferenceConfig#ipcBuilder()}): pcx's published iPC recipe.
     * iPC takes T weight steps per batch, so the PC rate 1e-3 is T times too large for it.
     */
    public static final double IPC_LR = 2.7e-4;

    /** See {@link #IPC_LR}. */
    public static final double IPC_WEIGHT_DECAY = 0.0116;

    /** The default warmup, as a fraction of the run (the CLI's {@code --warmup}). */
    public static final double DEFAULT_WARMUP = 0.1;

    /**
     * Defaults (the CLI's, discriminative mode): standard PC, {@link InferenceConfig#builder() the
     * default inference}, AdamW without weight decay, warmup-cosine from 0 to {@link #DEFAULT_LR}
     * over the first {@link #DEFAULT_WARMUP} of the run and down to 0 at its end (a
     * {@link Schedule.OverRun} that {@link org.pcn4j.fit.Fit} binds to the run's length; a
     * {@link Trainer} driven directly needs a schedule of its own), no clipping. Generative models
     * want {@link #generativeLr}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config's values. */
    public Builder toBuilder() {
        return builder().rule(rule).inference(inference).optimizer(optimizer).schedule(schedule).clipNorm(clipNorm)
                .parallel(parallel);
    }

    public UpdateRule rule() {
        return rule;
    }

    /** The built-in algorithm this config's rule is, or null for a rule defined elsewhere. */
    public Algorithm algorithm() {
        return Algorithm.of(rule);
    }

    public InferenceConfig inference() {
        return inference;
    }

    public OptimizerConfig optimizer() {
        return optimizer;
    }

    public Schedule schedule() {
        return schedule;
    }

    public double clipNorm() {
        return clipNorm;
    }

    /** The thread schedule the trainer sets on its network, or null to keep the network's own. */
    public ParallelSchedule parallel() {
        return parallel;
    }

    @Override
    public String toString() {
        return "TrainConfig[rule=" + rule.id() + ", inference=" + inference + ", optimizer=" + optimizer
                + ", schedule=" + schedule + ", clipNorm=" + clipNorm + "]";
    }

    /** Builds a {@link TrainConfig}; every field has a default (see {@link TrainConfig#builder()}). */
    public static final class Builder {
        private UpdateRule rule = new PcRule();
        private InferenceConfig inference = InferenceConfig.builder().build();
        private OptimizerConfig optimizer = OptimizerConfig.adamw(0);
        private Schedule schedule = Schedule.warmupCosine(DEFAULT_LR, DEFAULT_WARMUP);
        private double clipNorm;
        private ParallelSchedule parallel;

        private Builder() {}

        public Builder rule(UpdateRule rule) {
            this.rule = rule;
            return this;
        }

        /** A built-in algorithm with its default hyperparameters (pc-nudge: centered, beta 0.1). */
        public Builder algorithm(Algorithm algorithm) {
            this.rule = algorithm.rule();
            return this;
        }

        public Builder inference(InferenceConfig inference) {
            this.inference = inference;
            return this;
        }

        public Builder optimizer(OptimizerConfig optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public Builder schedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Clips the weight gradient's global L2 norm to this (0: off). */
        public Builder clipNorm(double clipNorm) {
            this.clipNorm = clipNorm;
            return this;
        }

        /**
         * How inference uses the kernel threads ({@link ParallelSchedule}: gemm, layers, auto); the
         * same results under each. Unset (null): the network keeps its own ({@code gemm} by default).
         */
        public Builder parallel(ParallelSchedule parallel) {
            this.parallel = parallel;
            return this;
        }

        public TrainConfig build() {
            return new TrainConfig(this);
        }
    }
}
