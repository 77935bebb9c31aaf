package org.pcn4j.memory;

import java.util.SplittableRandom;
import org.pcn4j.PcnException;
import org.pcn4j.tensor.Tensor;

/**
 * Deterministic cue construction for recall experiments. Images are float rows (count x dim) in
 * [0, 1]. Masked cues set hidden pixels to 0 (background), so a memory that ignores the mask sees a
 * plain occluded image; seeded cues give the same result for the same seed on every JDK.
 */
public final class Cues {
    /** The share of pixels {@link #randomHidden} hides in the experiment. */
    public static final double DEFAULT_HIDDEN_FRACTION = 0.75;
    /** The noise standard deviation of {@link #gaussianNoise} in the experiment. */
    public static final double DEFAULT_SIGMA = 0.2;

    private Cues() {}

    /**
     * Top half known, bottom half hidden: rows y < height / 2 (rounded down for odd heights) are
     * kept, the rest are 0 in the cue and 0 in the mask.
     */
    public static Cue bottomHalfHidden(float[] images, int count, int width, int height) {
        if (width < 1 || height < 1) {
            throw new PcnException("bottomHalfHidden: bad image size " + width + " x " + height);
        }
        int dim = width * height;
        check("bottomHalfHidden", images, count, dim);
        float[] values = new float[count * dim];
        float[] mask = new float[count * dim];
        int known = (height / 2) * width;
        for (int i = 0; i < count; i++) {
            int o = i * dim;
            System.arraycopy(images, o, values, o, known);
            java.util.Arrays.fill(mask, o, o + known, 1f);
        }
        return new Cue(values, mask, "bottom-half-hidden", count, dim);
    }

    /** {@link #randomHidden(float[], int, int, double, long)} with the experiment's 75 %. */
    public static Cue randomHidden(float[] images, int count, int dim, long seed) {
        return randomHidden(images, count, dim, DEFAULT_HIDDEN_FRACTION, seed);
    }

    /**
     * Per image an independent random subset of exactly round(fraction * dim) pixels is hidden (0 in
     * the cue and in the mask); the subsets come from one generator seeded with {@code seed}, drawn
     * image by image (partial Fisher-Yates), so the same seed and count give the same cues.
     */
    public static Cue randomHidden(float[] images, int count, int dim, double fraction, long seed) {
        check("randomHidden", images, count, dim);
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new PcnException("randomHidden: fraction must be in [0, 1], got " + fraction);
        }
        int hidden = (int) Math.round(fraction * dim);
        float[] values = new float[count * dim];
        System.arraycopy(images, 0, values, 0, count * dim);
        float[] mask = new float[count * dim];
        java.util.Arrays.fill(mask, 1f);
        SplittableRandom rng = new SplittableRandom(seed);
        int[] perm = new int[dim];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < dim; j++) {
                perm[j] = j;
            }
            int o = i * dim;
            for (int j = 0; j < hidden; j++) {
                int r = j + rng.nextInt(dim - j);
                int p = perm[r];
                perm[r] = perm[j];
                perm[j] = p;
                values[o + p] = 0f;
                mask[o + p] = 0f;
            }
        }
        return new Cue(values, mask, "random-" + Math.round(fraction * 100) + "%-hidden", count, dim);
    }

    /** {@link #gaussianNoise(float[], int, int, double, long)} with the experiment's sigma 0.2. */
    public static Cue gaussianNoise(float[] images, int count, int dim, long seed) {
        return gaussianNoise(images, count, dim, DEFAULT_SIGMA, seed);
    }

    /**
     * x + N(0, sigma^2) per pixel, then clipped to [0, 1] so the cue stays a valid image like the
     * stored ones (clipping shrinks the effective noise on the many 0-valued background pixels:
     * about half of their noise is cut away). The mask is null: no pixel is known exactly.
     * Normals come from {@link Tensor#gaussian}, so the cue is identical on every JDK.
     */
    public static Cue gaussianNoise(float[] images, int count, int dim, double sigma, long seed) {
        check("gaussianNoise", images, count, dim);
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new PcnException("gaussianNoise: sigma must be finite and >= 0, got " + sigma);
        }
        float[] values = new float[count * dim];
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < count * dim; i++) {
            double v = images[i] + sigma * Tensor.gaussian(rng);
            values[i] = (float) Math.min(1.0, Math.max(0.0, v));
        }
        return new Cue(values, null, "gaussian-noise-" + sigma, count, dim);
    }

    static void check(String what, float[] images, int count, int dim) {
        if (count < 0 || dim < 1) {
            throw new PcnException(what + ": bad shape " + count + " x " + dim);
        }
        if (images == null || images.length < (long) count * dim) {
            throw new PcnException(what + ": " + (images == null ? 0 : images.length) + " values cannot hold "
                    + count + " images of " + dim);
        }
    }
}
