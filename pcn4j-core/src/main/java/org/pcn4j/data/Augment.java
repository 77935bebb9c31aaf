package org.pcn4j.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;

/**
 * Seeded training-time augmentation of image batches, applied by {@link Batches} after
 * normalization: a random crop of the image padded by {@link #padding()} pixels on each side (the
 * padding is raw value 0, i.e. the affine's offset, as torchvision's RandomCrop(padding=4) before
 * Normalize), and a horizontal flip with probability 1/2. Images are [C, H, W] (or [H, W]).
 *
 * <p>Each sample's crop and flip are drawn from (seed, epoch, the sample's index in its split)
 * alone, so a run is repeatable and independent of the batch size and of thread counts.
 * Immutable.
 */
public final class Augment {
    private final boolean crop;
    private final boolean flip;
    private final int padding;

    private Augment(boolean crop, boolean flip, int padding) {
        if (padding < 0) {
            throw new PcnException("augment: crop padding must be >= 0, got " + padding);
        }
        this.crop = crop;
        this.flip = flip;
        this.padding = padding;
    }

    /** No augmentation. */
    public static final Augment NONE = new Augment(false, false, 0);

    public static Augment of(boolean crop, boolean flip, int padding) {
        return new Augment(crop, flip, padding);
    }

    /**
     * Parses the {@code --augment} list: "crop", "flip", "crop,flip" (crop padding 4), "crop:P" for
     * another padding, "none" or empty for none.
     */
    public static Augment parse(String spec) {
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return NONE;
        }
        boolean c = false;
        boolean f = false;
        int pad = 4;
        for (String part : spec.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.equals("flip")) {
                f = true;
            } else if (p.equals("crop")) {
                c = true;
            } else if (p.startsWith("crop:")) {
                c = true;
                try {
                    pad = Integer.parseInt(p.substring(5));
                } catch (NumberFormatException e) {
                    throw new PcnException("augment: '" + part.trim() + "' needs a whole number of pixels, as in crop:4");
                }
            } else {
                throw new PcnException("augment: unknown transform '" + part.trim() + "' (valid: crop, crop:P, flip, none)");
            }
        }
        return new Augment(c, f, pad);
    }

    public boolean crop() {
        return crop;
    }

    public boolean flip() {
        return flip;
    }

    public int padding() {
        return padding;
    }

    public boolean isNone() {
        return !flip && (!crop || padding == 0);
    }

    /**
     * Throws a one-line PcnException unless {@code shape} is an image this can transform ([C, H, W]
     * or [H, W]); {@code what} names the dataset.
     */
    public void check(String what, int[] shape) {
        if (!isNone() && shape.length != 2 && shape.length != 3) {
            throw new PcnException(what + ": --augment needs images ([C, H, W] or [H, W]), but samples have shape "
                    + Arrays.toString(shape));
        }
    }

    /**
     * Transforms n normalized samples in x[0 .. n * features) in place. Sample k is split index
     * {@code indices[k]}; its draws depend on (seed, epoch, indices[k]) only. {@code offset} holds
     * each feature's normalized value of raw 0 (the fill of the padding).
     */
    public void apply(float[] x, int n, int[] shape, float[] offset, int[] indices, long seed, int epoch,
            float[] scratch) {
        if (isNone()) {
            return;
        }
        int c = shape.length == 3 ? shape[0] : 1;
        int h = shape[shape.length - 2];
        int w = shape[shape.length - 1];
        int f = c * h * w;
        for (int k = 0; k < n; k++) {
            SplittableRandom r = new SplittableRandom(mix(seed, epoch, indices[k]));
            int dy = crop ? r.nextInt(2 * padding + 1) - padding : 0;
            int dx = crop ? r.nextInt(2 * padding + 1) - padding : 0;
            boolean mirror = flip && r.nextBoolean();
            if (dy == 0 && dx == 0 && !mirror) {
                continue;
            }
            int base = k * f;
            System.arraycopy(x, base, scratch, 0, f);
            // Output pixel (i, j) is input pixel (i + dy, j' + dx), j' = mirrored j; outside: raw 0.
            for (int ch = 0; ch < c; ch++) {
                int pl = ch * h * w;
                for (int i = 0; i < h; i++) {
                    int si = i + dy;
                    for (int j = 0; j < w; j++) {
                        int sj = (mirror ? w - 1 - j : j) + dx;
                        int dst = pl + i * w + j;
                        x[base + dst] = si < 0 || si >= h || sj < 0 || sj >= w ? offset[dst] : scratch[pl + si * w + sj];
                    }
                }
            }
        }
    }

    /** A 64-bit mix of the three (SplitMix64's finalizer over a combination). */
    static long mix(long seed, int epoch, int index) {
        long z = seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L)) ^ (0xC2B2AE3D27D4EB4FL * (index + 1L));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        return (crop && padding > 0 ? "crop:" + padding : "") + (crop && padding > 0 && flip ? "," : "")
                + (flip ? "flip" : "");
    }
}
