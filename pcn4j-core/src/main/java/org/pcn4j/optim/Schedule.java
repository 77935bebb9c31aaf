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

    /**
     * Warmup-cosine over the whole run, the warmup given as a fraction of it: {@link org.pcn4j.fit.Fit}
     * binds it to the run's planned weight updates ({@link OverRun#over}). The default schedule of
     * {@link org.pcn4j.train.TrainConfig#builder()}, so a default config needs no update count.
     */
    static OverRun warmupCosine(double lr, double warmupFraction) {
        return new OverRun(lr, warmupFraction);
    }

    /**
     * Linear warmup over {@code warmupFraction} of the run from 0 to {@code lr}, then cosine decay to
     * 0 at the end of the run, for a run whose length is not known yet. A trainer driven without
     * {@link org.pcn4j.fit.Fit} must bind it first with {@link #over}: its own {@link #rate} refuses,
     * because a rate without the run's length would be a guess.
     */
    record OverRun(double lr, double warmupFraction) implements Schedule {
        public OverRun {
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new PcnException("learning rate must be a finite number >= 0, got " + lr);
            }
            if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
                throw new PcnException("warmup must be in [0, 1], got " + warmupFraction);
            }
        }

        /** This schedule over a run of {@code totalUpdates} weight updates. */
        public Schedule over(long totalUpdates) {
            long total = Math.max(1, totalUpdates);
            return warmupCosine(lr, Math.round(warmupFraction * total), total, 0);
        }

        @Override
        public double rate(long step) {
            throw new PcnException("warmup-cosine with warmup " + warmupFraction + " spans the run: Fit binds it to the"
                    + " run's updates; a Trainer driven directly needs Schedule.warmupCosine(lr, warmup, total, minLr)"
                    + " or OverRun.over(total)");
        }
    }

    static Schedule parse(String name, double lr, long warmup, long total) {
        switch (name.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "constant": return constant(lr);
            case "warmup-cosine": case "cosine": return warmupCosine(lr, warmup, total, 0);
            default: throw new PcnException("unknown schedule '" + name + "' (expected constant or warmup-cosine)");
        }
    }
}
