package org.pcn4j.optim;

import java.util.Locale;
import org.pcn4j.PcnException;

/** A learning-rate schedule: the rate for weight update number {@code step} (0-based). */
public interface Schedule {

    double rate(long step);

    static Schedule constant(double lr) {
        return step -> lr;
    }

    /**
     * Linear warmup from 0 to lr over {@code warmup} steps, then cosine decay to {@code minLr} at
     * {@code total} steps (and minLr after).
     */
    static Schedule warmupCosine(double lr, long warmup, long total, double minLr) {
        return step -> {
            if (step < warmup) {
                return lr * (step + 1) / warmup;
            }
            if (step >= total) {
                return minLr;
            }
            double progress = (double) (step - warmup) / Math.max(1, total - warmup);
            return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
        };
    }

    static Schedule parse(String name, double lr, long warmup, long total) {
        switch (name.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "constant": return constant(lr);
            case "warmup-cosine": case "cosine": return warmupCosine(lr, warmup, total, 0);
            default: throw new PcnException("unknown schedule '" + name + "' (expected constant or warmup-cosine)");
        }
    }
}
