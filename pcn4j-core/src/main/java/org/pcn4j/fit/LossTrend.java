package org.pcn4j.fit;

import java.util.Locale;
import java.util.Map;

/**
 * The slow drift that no single batch shows: the mean training loss of the latest stretch of
 * batches risen well above the best stretch's so far. With a state rate too large for where the
 * weights have gone (0.1 with momentum 0.5 on Fashion-MNIST), the batch loss creeps up by a few
 * percent per tenth of an epoch for half an epoch while the test accuracy falls 4-6 points; every
 * batch stays within the running reference, and the epoch mean, diluted by the good first half,
 * stays far below the epoch check's 2x (BENCHMARKS.md, "Divergence guard: the drift check").
 *
 * <p>A stretch is {@link #MIN_SAMPLES} samples or a tenth of an epoch, whichever is more (stretches
 * run on across epochs on small sets). The loss of a batch is measured before its own update, so
 * a stretch's mean follows the weights during that stretch. A rise counts only when it is large ({@link #RISE}), clear of the batch-to-batch noise
 * ({@link #SIGMAS} standard errors of the two means together) and not negligible against where
 * training started ({@link #MIN_SHARE} of the first stretch's loss, so a loss near zero that
 * wobbles by a factor is not an event). On Fashion-MNIST the noise alone reached 1.10x at 2.9
 * standard errors; the drifts that cost test points were at 1.15-1.2x and 5-7.
 */
final class LossTrend {
    static final int MIN_SAMPLES = 4096;
    static final double RISE = 1.12;
    static final double SIGMAS = 4;
    static final double MIN_SHARE = 0.02;

    final int window;
    // The stretch in progress: per-batch losses (each a batch mean) and their squares.
    int batches;
    double sum;
    double sumSq;
    /** The lowest stretch mean so far, its standard error, and the first stretch's mean. */
    double best = Double.POSITIVE_INFINITY;
    double bestSe;
    double first = Double.NaN;

    LossTrend(int batchesPerEpoch, int batchSize) {
        this.window = Math.max(Math.max(1, batchesPerEpoch / 10), (MIN_SAMPLES + batchSize - 1) / batchSize);
    }

    /** A finished stretch: its mean loss and the standard error of that mean. */
    record Stretch(double mean, double se, int batches) {}

    /** Adds a good batch's loss; returns the stretch it completes, else null. */
    Stretch add(double loss) {
        batches++;
        sum += loss;
        sumSq += loss * loss;
        if (batches < window) {
            return null;
        }
        double mean = sum / batches;
        double var = batches > 1 ? Math.max(0, (sumSq - batches * mean * mean) / (batches - 1)) : 0;
        Stretch s = new Stretch(mean, Math.sqrt(var / batches), batches);
        restart();
        return s;
    }

    /** Forgets the stretch in progress (after a rollback its batches belong to weights that are gone). */
    void restart() {
        batches = 0;
        sum = 0;
        sumSq = 0;
    }

    /** Why {@code s} is a drift, or null when it is not. */
    String rise(Stretch s) {
        if (!(best < Double.POSITIVE_INFINITY)) {
            return null;
        }
        double z = (s.mean() - best) / Math.max(Math.hypot(s.se(), bestSe), 1e-300);
        if (s.mean() > RISE * best && z > SIGMAS && s.mean() - best > MIN_SHARE * first) {
            return String.format(Locale.ROOT, "training loss of the last %d batches %.2fx the best stretch's %.4g"
                    + " (%.1f standard errors above):", s.batches(), s.mean() / best, best, z);
        }
        return null;
    }

    /** Takes {@code s} in as good; true when it is the new best (the caller keeps its weights). */
    boolean accept(Stretch s) {
        if (Double.isNaN(first)) {
            first = s.mean();
        }
        if (s.mean() < best) {
            best = s.mean();
            bestSe = s.se();
            return true;
        }
        return false;
    }

    /** An ignored drift: the level it reached becomes the reference, so one drift is one event. */
    void rebase(Stretch s) {
        best = s.mean();
        bestSe = s.se();
    }

    void save(Map<String, Object> m) {
        m.put("trend_batches", batches);
        m.put("trend_sum", sum);
        m.put("trend_sum_sq", sumSq);
        m.put("trend_best", best);
        m.put("trend_best_se", bestSe);
        m.put("trend_first", first);
    }

    void restore(Map<String, Object> m) {
        if (!m.containsKey("trend_batches")) {
            return; // a checkpoint from before the trend check: it starts afresh
        }
        batches = ((Number) m.get("trend_batches")).intValue();
        sum = ((Number) m.get("trend_sum")).doubleValue();
        sumSq = ((Number) m.get("trend_sum_sq")).doubleValue();
        best = ((Number) m.get("trend_best")).doubleValue();
        bestSe = ((Number) m.get("trend_best_se")).doubleValue();
        first = ((Number) m.get("trend_first")).doubleValue();
    }
}
