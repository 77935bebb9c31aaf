package org.pcn4j.data;

import java.util.Locale;
import org.pcn4j.PcnException;

/** How raw feature values map to what a model sees; see {@link InputAffine}. */
public enum Normalization {
    /**
     * Map the value range to [0, 1]. Images use their format's range (0..255 for IDX bytes, 0..16
     * for digits), a single scale for all pixels; CSV data uses per-feature min and max of the
     * training split.
     */
    SCALE01,
    /** Like SCALE01 but onto [-1, 1] (pixels: 2 v / 255 - 1), as pcx's benchmarks feed images. */
    SYMMETRIC,
    /** Per-feature (x - mean) / std with mean and std of the training split only (std 0: x - mean). */
    STANDARDIZE,
    /**
     * Per-channel (x - mean_c) / std_c over all pixels of channel c in the training split (images of
     * shape [C, H, W]; [H, W] is one channel), as torchvision's Normalize with dataset statistics.
     */
    STANDARDIZE_CHANNELS,
    /** Raw values as they are. */
    NONE;

    /** The command-line spelling: scale01, symmetric, standardize, standardize_channels, none. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Normalization parse(String s) {
        for (Normalization n : values()) {
            if (n.id().equalsIgnoreCase(s.trim().replace('-', '_'))) {
                return n;
            }
        }
        throw new PcnException("unknown normalization '" + s + "' (valid: scale01, symmetric, standardize, standardize_channels, none)");
    }
}
