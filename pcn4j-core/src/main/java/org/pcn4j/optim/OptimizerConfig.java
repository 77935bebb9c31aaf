package org.pcn4j.optim;

import java.util.Locale;
import org.pcn4j.PcnException;

/** An optimizer's hyperparameters (the learning rate comes from a {@link Schedule}). */
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
}
