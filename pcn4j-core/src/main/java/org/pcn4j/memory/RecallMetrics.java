package org.pcn4j.memory;

import org.pcn4j.PcnException;

/**
 * Recall quality of a batch of recalled images against their targets, both on [0, 1] values
 * (outputs are scored as given, not clipped).
 *
 * @param perImageMse       per image, the mean squared error over all {@code dim} pixels
 * @param meanMse           mean of {@code perImageMse}
 * @param threshold         the success threshold on per-image MSE
 * @param successRate       share of images with MSE strictly below {@code threshold}
 * @param perImageHiddenMse per image, the MSE over its hidden pixels (mask 0), NaN for an image
 *                          without hidden pixels; null when there was no mask
 * @param hiddenMse         MSE pooled over all hidden pixels of all images (equal to the mean of
 *                          {@code perImageHiddenMse} when every image hides the same number of
 *                          pixels, as the standard cues do); NaN without a mask or hidden pixels
 */
public record RecallMetrics(int count, int dim, float[] perImageMse, double meanMse, double threshold,
        double successRate, float[] perImageHiddenMse, double hiddenMse) {

    /** The experiment's success threshold: an image counts as recalled when its MSE is below it. */
    public static final double DEFAULT_THRESHOLD = 0.005;

    /** Scores with the default threshold 0.005. */
    public static RecallMetrics of(float[] outputs, float[] targets, int count, int dim, float[] mask) {
        return of(outputs, targets, count, dim, mask, DEFAULT_THRESHOLD);
    }

    /** Scores recalled images against the cue's images, using the cue's mask. */
    public static RecallMetrics of(float[] outputs, float[] targets, Cue cue, double threshold) {
        return of(outputs, targets, cue.count(), cue.dim(), cue.mask(), threshold);
    }

    /**
     * Scores {@code count} rows of {@code dim} outputs against targets; {@code mask} (1 = known,
     * 0 = hidden, same layout) adds the hidden-pixel MSE, or is null. Sums run in double.
     */
    public static RecallMetrics of(float[] outputs, float[] targets, int count, int dim, float[] mask,
            double threshold) {
        Cues.check("RecallMetrics outputs", outputs, count, dim);
        Cues.check("RecallMetrics targets", targets, count, dim);
        if (mask != null && mask.length < count * dim) {
            throw new PcnException("RecallMetrics: mask holds " + mask.length + " floats, expected " + count * dim);
        }
        float[] mse = new float[count];
        float[] hid = mask == null ? null : new float[count];
        double total = 0;
        double hiddenSum = 0;
        long hiddenN = 0;
        int ok = 0;
        for (int i = 0; i < count; i++) {
            int o = i * dim;
            double s = 0;
            double h = 0;
            int hn = 0;
            for (int j = 0; j < dim; j++) {
                double d = (double) outputs[o + j] - targets[o + j];
                s += d * d;
                if (mask != null && mask[o + j] <= 0.5f) {
                    h += d * d;
                    hn++;
                }
            }
            double m = s / dim;
            mse[i] = (float) m;
            total += m;
            if (m < threshold) {
                ok++;
            }
            if (hid != null) {
                hid[i] = hn == 0 ? Float.NaN : (float) (h / hn);
                hiddenSum += h;
                hiddenN += hn;
            }
        }
        return new RecallMetrics(count, dim, mse, count == 0 ? Double.NaN : total / count, threshold,
                count == 0 ? Double.NaN : (double) ok / count, hid,
                hiddenN == 0 ? Double.NaN : hiddenSum / hiddenN);
    }
}
