package org.pcn4j.fit;

import java.util.Locale;
import org.pcn4j.PcnException;
import org.pcn4j.data.Augment;

/**
 * How {@link Fit} runs: epochs and batches, the validation split, evaluation, which model to keep
 * and what to do when training diverges. Immutable; build with {@link #builder()}, whose defaults
 * are those of {@code pcn4j train}. Every value is range-checked when built.
 */
public final class FitConfig {
    /** Caps that stop a typo from running for ever ({@code --epochs 1e9}). */
    public static final int MAX_EPOCHS = 1_000_000;
    public static final int MAX_EVAL_INFERENCE_STEPS = 100_000;

    /** What the data trains: labels from inputs, or inputs (images) from labels. */
    public enum Task {
        /** Input node clamped to x, output node to the one-hot label; accuracy by the output. */
        CLASSIFY,
        /** A generative graph: the input (label) node clamped to the one-hot label, the output (image) to x. */
        GENERATE;

        public String id() {
            return this == CLASSIFY ? "discriminative" : "generative";
        }
    }

    /** Which model the run keeps (in memory at the end, and as {@link EpochReport#kept()}). */
    public enum Keep {
        /** The last epoch without an unrecovered divergence. */
        LAST,
        /** The epoch with the best validation score (accuracy; energy for generative models). */
        BEST;

        public static Keep parse(String s) {
            return parseEnum(Keep.class, s, "keep", "last or best");
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a divergence event does. */
    public enum OnDivergence {
        /** Restore the last good weights and optimizer state, lower the rates, go on. */
        ROLLBACK,
        /** Stop training; the kept model is the last good one. */
        STOP,
        /** Record the event and go on (a non-finite energy still stops: nothing can continue from NaN). */
        IGNORE;

        public static OnDivergence parse(String s) {
            return parseEnum(OnDivergence.class, s, "on-divergence", "rollback, stop or ignore");
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int epochs;
    private final int batchSize;
    private final boolean shuffle;
    private final Augment augment;
    private final long seed;
    private final long maxSteps;
    private final Integer evalInferenceSteps;
    private final double validation;
    private final Keep keep;
    private final long checkpointEvery;
    private final OnDivergence onDivergence;
    private final double divergenceFactor;
    private final double rateDecay;
    private final int maxRollbacks;
    private final Task task;

    private FitConfig(Builder b) {
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.augment = b.augment;
        this.seed = b.seed;
        this.maxSteps = b.maxSteps;
        this.evalInferenceSteps = b.evalInferenceSteps;
        this.validation = b.validation;
        this.keep = b.keep;
        this.checkpointEvery = b.checkpointEvery;
        this.onDivergence = b.onDivergence;
        this.divergenceFactor = b.divergenceFactor;
        this.rateDecay = b.rateDecay;
        this.maxRollbacks = b.maxRollbacks;
        this.task = b.task;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.shuffle = shuffle;
        b.augment = augment;
        b.seed = seed;
        b.maxSteps = maxSteps;
        b.evalInferenceSteps = evalInferenceSteps;
        b.validation = validation;
        b.keep = keep;
        b.checkpointEvery = checkpointEvery;
        b.onDivergence = onDivergence;
        b.divergenceFactor = divergenceFactor;
        b.rateDecay = rateDecay;
        b.maxRollbacks = maxRollbacks;
        b.task = task;
        return b;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean shuffle() {
        return shuffle;
    }

    /** The seeded augmentation of training batches ({@link Augment#NONE} by default; evaluation never augments). */
    public Augment augment() {
        return augment;
    }

    /** Seeds the shuffling and the validation split (the model's init has its own seed). */
    public long seed() {
        return seed;
    }

    /** Stop after this many weight updates; 0: no limit. */
    public long maxSteps() {
        return maxSteps;
    }

    /**
     * Inference steps of evaluation, or null for the default: {@link Fit#GENERATIVE_EVAL_STEPS} for
     * generative models, 0 (a feedforward pass) for acyclic networks, T for networks with cycles.
     */
    public Integer evalInferenceSteps() {
        return evalInferenceSteps;
    }

    /** Fraction of the training split held out for validation; 0: none. */
    public double validation() {
        return validation;
    }

    public Keep keep() {
        return keep;
    }

    /** Also report a checkpoint every this many weight updates (0: only at epoch ends). */
    public long checkpointEvery() {
        return checkpointEvery;
    }

    public OnDivergence onDivergence() {
        return onDivergence;
    }

    /** A batch whose energy or loss exceeds this multiple of the running reference has diverged. */
    public double divergenceFactor() {
        return divergenceFactor;
    }

    /** Each rollback multiplies the state and weight rates by this. */
    public double rateDecay() {
        return rateDecay;
    }

    /** Rollbacks allowed in one run; the next event stops it. */
    public int maxRollbacks() {
        return maxRollbacks;
    }

    public Task task() {
        return task;
    }

    /** Builds a {@link FitConfig}; each setter names the field in its error. */
    public static final class Builder {
        private int epochs = 20;
        private int batchSize = 64;
        private boolean shuffle = true;
        private Augment augment = Augment.NONE;
        private long seed = 1;
        private long maxSteps;
        private Integer evalInferenceSteps;
        private double validation;
        private Keep keep = Keep.LAST;
        private long checkpointEvery;
        private OnDivergence onDivergence = OnDivergence.ROLLBACK;
        private double divergenceFactor = 10;
        private double rateDecay = 0.5;
        private int maxRollbacks = 5;
        private Task task = Task.CLASSIFY;

        private Builder() {}

        public Builder epochs(int v) {
            if (v < 0 || v > MAX_EPOCHS) {
                throw new PcnException("epochs must be in [0, " + MAX_EPOCHS + "], got " + v);
            }
            epochs = v;
            return this;
        }

        public Builder batchSize(int v) {
            if (v <= 0) {
                throw new PcnException("batch-size must be positive, got " + v);
            }
            batchSize = v;
            return this;
        }

        public Builder augment(Augment v) {
            augment = java.util.Objects.requireNonNull(v, "augment");
            return this;
        }

        public Builder shuffle(boolean v) {
            shuffle = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder maxSteps(long v) {
            if (v < 0) {
                throw new PcnException("max-steps must be >= 0, got " + v);
            }
            maxSteps = v;
            return this;
        }

        /** null: the default for the model (see {@link FitConfig#evalInferenceSteps()}). */
        public Builder evalInferenceSteps(Integer v) {
            if (v != null && (v < 0 || v > MAX_EVAL_INFERENCE_STEPS)) {
                throw new PcnException("eval-inference-steps must be in [0, " + MAX_EVAL_INFERENCE_STEPS + "], got " + v);
            }
            evalInferenceSteps = v;
            return this;
        }

        public Builder validation(double v) {
            if (!(v >= 0 && v < 1)) {
                throw new PcnException("validation must be in [0, 1), got " + v);
            }
            validation = v;
            return this;
        }

        public Builder keep(Keep v) {
            keep = nonNull(v, "keep");
            return this;
        }

        public Builder checkpointEvery(long v) {
            if (v < 0) {
                throw new PcnException("checkpoint-every must be >= 0, got " + v);
            }
            checkpointEvery = v;
            return this;
        }

        public Builder onDivergence(OnDivergence v) {
            onDivergence = nonNull(v, "on-divergence");
            return this;
        }

        public Builder divergenceFactor(double v) {
            if (!(v > 1) || Double.isInfinite(v)) {
                throw new PcnException("divergence factor must be a finite number > 1, got " + v);
            }
            divergenceFactor = v;
            return this;
        }

        public Builder rateDecay(double v) {
            if (!(v > 0 && v < 1)) {
                throw new PcnException("rate decay must be in (0, 1), got " + v);
            }
            rateDecay = v;
            return this;
        }

        public Builder maxRollbacks(int v) {
            if (v < 0) {
                throw new PcnException("max rollbacks must be >= 0, got " + v);
            }
            maxRollbacks = v;
            return this;
        }

        public Builder task(Task v) {
            task = nonNull(v, "task");
            return this;
        }

        public FitConfig build() {
            if (keep == Keep.BEST && validation == 0) {
                // Selecting on the test split would report an optimistic test figure.
                throw new PcnException("keep best selects on the validation split: give a validation fraction > 0");
            }
            return new FitConfig(this);
        }
    }

    private static <T> T nonNull(T v, String field) {
        if (v == null) {
            throw new PcnException(field + " must be given (got null)");
        }
        return v;
    }

    static <E extends Enum<E>> E parseEnum(Class<E> type, String s, String field, String expected) {
        if (s != null) {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s.trim())) {
                    return e;
                }
            }
        }
        throw new PcnException("unknown " + field + " '" + s + "' (expected " + expected + ")");
    }
}
