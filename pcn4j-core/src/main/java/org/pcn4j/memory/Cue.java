package org.pcn4j.memory;

import org.pcn4j.PcnException;

/**
 * A batch of recall cues: {@code count} rows of {@code dim} values, row-major, and a known-mask of
 * the same layout (1 = pixel known and clamped, 0 = hidden), or a null mask when no pixel is known
 * exactly (noise cues). Hidden pixels hold 0 in {@code values}. The arrays are shared, not copied.
 */
public record Cue(float[] values, float[] mask, String name, int count, int dim) {

    public Cue {
        if (count < 0 || dim < 1) {
            throw new PcnException("cue '" + name + "': bad shape " + count + " x " + dim);
        }
        if (values == null || values.length != (long) count * dim) {
            throw new PcnException("cue '" + name + "': values hold " + (values == null ? 0 : values.length)
                    + " floats, expected " + count + " x " + dim);
        }
        if (mask != null && mask.length != values.length) {
            throw new PcnException("cue '" + name + "': mask holds " + mask.length + " floats, expected "
                    + values.length);
        }
    }

    /** Whether pixel {@code j} of image {@code i} is known (always false without a mask). */
    public boolean known(int i, int j) {
        return mask != null && mask[i * dim + j] > 0.5f;
    }

    /** Number of hidden pixels over all images (0 without a mask: nothing is "hidden", all is noisy). */
    public long hiddenCount() {
        if (mask == null) {
            return 0;
        }
        long n = 0;
        for (float m : mask) {
            if (m <= 0.5f) {
                n++;
            }
        }
        return n;
    }
}
