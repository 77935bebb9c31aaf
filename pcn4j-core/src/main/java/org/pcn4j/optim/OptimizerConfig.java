package org.pcn4j.optim;

import java.util.Locale;
import org.pcn4j.PcnException;

/**
 * An optimizer's hyperparameters (the learning rate comes from a {@link Schedule}). Build it with
 * named fields, {@code OptimizerConfig.builder().kind(Kind.SGD).momentum(0.9).nesterov(true).build()},
 * or with the {@link #sgd}, {@link #adam} and {@link #adamw} shorthands.
 */
public record OptimizerConfig(Kind kind, double momentum, boolean nesterov, double weightDecay,
                              double beta1, double beta2, double epsilon) {

    public enum Kind {
        SGD, ADAM, ADAMW;

        public static Kind parse(String s) {
            switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "sgd": return SGD;
                case "adam": return ADAM;
                case "adamw": return ADAMW;
                default: throw new PcnException("unknown optimizer '" + s + "' (expected sgd, adam or adamw)");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public OptimizerConfig {
        if (momentum < 0 || momentum >= 1) {
            throw new PcnException("momentum must be in [0, 1), got " + momentum);
        }
        if (weightDecay < 0) {
            throw new PcnException("weight decay must be >= 0, got " + weightDecay);
        }
        if (nesterov && momentum == 0) {
            throw new PcnException("Nesterov momentum needs a momentum > 0");
        }
    }

    public static OptimizerConfig sgd(double momentum) {
        return new OptimizerConfig(Kind.SGD, momentum, false, 0, 0.9, 0.999, 1e-8);
    }

    public static OptimizerConfig adam() {
        return new OptimizerConfig(Kind.ADAM, 0, false, 0, 0.9, 0.999, 1e-8);
    }

    public static OptimizerConfig adamw(double weightDecay) {
        return new OptimizerConfig(Kind.ADAMW, 0, false, weightDecay, 0.9, 0.999, 1e-8);
    }

    /** Defaults: AdamW without weight decay, betas 0.9 and 0.999, epsilon 1e-8 (SGD: no momentum). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link OptimizerConfig}; see {@link OptimizerConfig#builder()}. */
    public static final class Builder {
        private Kind kind = Kind.ADAMW;
        private double momentum;
        private boolean nesterov;
        private double weightDecay;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-8;

        private Builder() {}

        public Builder kind(Kind kind) {
            this.kind = kind;
            return this;
        }

        /** SGD momentum, in [0, 1). */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /** Nesterov momentum for SGD (needs a momentum > 0). */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** Decoupled for AdamW, L2 for SGD and Adam. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public Builder betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        public Builder epsilon(double epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        public OptimizerConfig build() {
            return new OptimizerConfig(kind, momentum, nesterov, weightDecay, beta1, beta2, epsilon);
        }
    }
}
