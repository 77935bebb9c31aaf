package org.pcn4j.memory;

import org.pcn4j.PcnException;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;

/**
 * A modern (dense, continuous) Hopfield memory: the N stored patterns x_i themselves, and recall
 * y = sum_i softmax_i(beta * sim(x_i, q)) x_i (Ramsauer et al. 2020, "Hopfield Networks is All You
 * Need"; Millidge et al. 2022, "Universal Hopfield Networks", for the similarity/separation view).
 *
 * <p>A batch of queries is recalled with two sgemms (scores Q X^T, then P X) and a softmax that
 * subtracts each row's maximum, so even beta = 1e4 does not overflow.
 */
public final class ModernHopfield {

    /**
     * DOT: sim = x_i . q on the cue with hidden pixels at 0 (Ramsauer et al.). EUCLIDEAN_KNOWN:
     * sim = -||m * (x_i - q)||^2, the squared distance over the known pixels only (Millidge et al.),
     * over all pixels when there is no mask. It is computed as 2 (m q) . x_i - m . x_i^2, dropping
     * ||m q||^2, which is the same for every x_i and cancels in the softmax; scores carry float
     * rounding of about 1e-5 of the squared norms, negligible against beta * (distance gaps)
     * between distinct images.
     */
    public enum Similarity { DOT, EUCLIDEAN_KNOWN }

    /** The experiment's beta grid: 1, 2, 5, 10, ..., 1e4. */
    public static final double[] DEFAULT_BETAS = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};

    private final int count;
    private final int dim;
    private final float[] x;
    /** x^2 element-wise, for masked Euclidean scores; made on first use. */
    private float[] xSquared;
    /** ||x_i||^2, for unmasked Euclidean scores; made on first use. */
    private float[] norms;

    /** Stores a copy of {@code count} patterns of {@code dim} values (row-major). */
    public ModernHopfield(float[] patterns, int count, int dim) {
        Cues.check("ModernHopfield", patterns, count, dim);
        if (count < 1) {
            throw new PcnException("ModernHopfield: no patterns to store");
        }
        this.count = count;
        this.dim = dim;
        this.x = java.util.Arrays.copyOf(patterns, count * dim);
    }

    /** Recalls from a cue; see {@link #recall(float[], float[], int, Similarity, double, int, boolean)}. */
    public float[] recall(Cue cue, Similarity sim, double beta, int steps, boolean keepKnown) {
        if (cue.dim() != dim) {
            throw new PcnException("ModernHopfield: cue dim " + cue.dim() + " != memory dim " + dim);
        }
        return recall(cue.values(), cue.mask(), cue.count(), sim, beta, steps, keepKnown);
    }

    /**
     * Recalls {@code queries} rows of {@code dim} values. {@code mask} (1 = known, 0 = hidden, or
     * null) restricts the first step's similarity as {@link Similarity} says; hidden cue pixels
     * are treated as 0 whatever the cue holds. With {@code steps > 1} the output is fed back as the
     * next query with the known pixels re-imposed from the cue, and since its hidden pixels now
     * hold estimates, later steps compare over all pixels.
     *
     * <p>{@code keepKnown} replaces the known pixels of the final output by the cue's: recall then
     * only fills in the hidden pixels, as a memory that clamps its known inputs (the predictive
     * coding memory) does; it changes nothing without a mask or for the hidden-pixel MSE.
     *
     * @return queries x dim recalled images
     */
    public float[] recall(float[] cues, float[] mask, int queries, Similarity sim, double beta, int steps,
            boolean keepKnown) {
        Cues.check("ModernHopfield recall", cues, queries, dim);
        if (mask != null && mask.length < queries * dim) {
            throw new PcnException("ModernHopfield: mask holds " + mask.length + " floats, expected " + queries * dim);
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new PcnException("ModernHopfield: beta must be finite and >= 0, got " + beta);
        }
        if (steps < 1) {
            throw new PcnException("ModernHopfield: steps must be >= 1, got " + steps);
        }
        int n = queries * dim;
        float[] q = java.util.Arrays.copyOf(cues, n);
        if (mask != null) {
            for (int i = 0; i < n; i++) {
                q[i] *= mask[i];
            }
        }
        float[] scores = new float[queries * count];
        float[] out = new float[n];
        Kernels k = Backends.current();
        float b = (float) beta;
        for (int step = 0; step < steps; step++) {
            float[] m = step == 0 ? mask : null;
            if (sim == Similarity.DOT) {
                k.sgemm(false, true, queries, count, dim, b, q, 0, dim, x, 0, dim, 0f, scores, 0, count);
            } else {
                // q is already masked, so 2 (m q) . x_i is one product.
                k.sgemm(false, true, queries, count, dim, 2f * b, q, 0, dim, x, 0, dim, 0f, scores, 0, count);
                if (m != null) {
                    k.sgemm(false, true, queries, count, dim, -b, m, 0, dim, xSquared(), 0, dim, 1f, scores, 0, count);
                } else {
                    float[] nx = norms();
                    for (int r = 0; r < queries; r++) {
                        int o = r * count;
                        for (int i = 0; i < count; i++) {
                            scores[o + i] -= b * nx[i];
                        }
                    }
                }
            }
            // Row-wise, in place, the row maximum subtracted first (the kernels' stable softmax).
            Kernels.get().softmax(scores, 0, scores, 0, queries, count);
            k.sgemm(false, false, queries, dim, count, 1f, scores, 0, count, x, 0, dim, 0f, out, 0, dim);
            if (step + 1 < steps) {
                for (int i = 0; i < n; i++) {
                    q[i] = mask != null && mask[i] > 0.5f ? cues[i] : out[i];
                }
            }
        }
        if (keepKnown && mask != null) {
            for (int i = 0; i < n; i++) {
                if (mask[i] > 0.5f) {
                    out[i] = cues[i];
                }
            }
        }
        return out;
    }

    private float[] xSquared() {
        if (xSquared == null) {
            float[] sq = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                sq[i] = x[i] * x[i];
            }
            xSquared = sq;
        }
        return xSquared;
    }

    private float[] norms() {
        if (norms == null) {
            float[] nx = new float[count];
            for (int i = 0; i < count; i++) {
                double s = 0;
                for (int j = 0; j < dim; j++) {
                    s += (double) x[i * dim + j] * x[i * dim + j];
                }
                nx[i] = (float) s;
            }
            norms = nx;
        }
        return norms;
    }

    /**
     * The result of {@link #tuneBeta}: the chosen beta, its mean MSE, and every candidate's mean MSE
     * (same order as {@code candidates}).
     */
    public record BetaTuning(double beta, double meanMse, double[] candidates, double[] meanMses) {}

    /**
     * Picks the beta from {@code candidates} whose recall of {@code cue} has the lowest mean MSE
     * (over all pixels) against {@code targets}; ties go to the earlier candidate. In the experiment
     * "beta tuned" means exactly this: tuned on the same cues it is scored on, with no held-out
     * split, which is optimistic for this baseline (the comparison errs in its favour).
     */
    public BetaTuning tuneBeta(Cue cue, float[] targets, double[] candidates, Similarity sim, int steps,
            boolean keepKnown) {
        if (candidates == null || candidates.length == 0) {
            throw new PcnException("tuneBeta: no candidate betas");
        }
        double[] mses = new double[candidates.length];
        int best = -1;
        for (int c = 0; c < candidates.length; c++) {
            float[] out = recall(cue, sim, candidates[c], steps, keepKnown);
            mses[c] = RecallMetrics.of(out, targets, cue.count(), dim, cue.mask()).meanMse();
            if (!Double.isNaN(mses[c]) && (best < 0 || mses[c] < mses[best])) {
                best = c;
            }
        }
        if (best < 0) {
            throw new PcnException("tuneBeta: every candidate beta gave a NaN mean MSE");
        }
        return new BetaTuning(candidates[best], mses[best], candidates.clone(), mses);
    }

    /** Number of patterns stored. */
    public int stored() {
        return count;
    }

    public int dim() {
        return dim;
    }

    /** Memory the stored patterns take: N * d floats (the lazily made x^2 copy is not counted). */
    public long footprintBytes() {
        return 4L * count * dim;
    }
}
