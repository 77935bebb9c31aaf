package org.pcn4j.memory;

import java.util.SplittableRandom;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;

/**
 * The classical (Hopfield 1982) binary associative memory: d neurons with states +-1, a symmetric
 * d x d weight matrix with zero diagonal, and recall by s_i <- sign(sum_j W_ij s_j). Images in
 * [0, 1] are binarized (pixel > 0.5 -> +1, else -1) to store and to cue, and recalled states are
 * mapped back to {0, 1}.
 *
 * <p>Two learning rules: Hebbian, W = (1/N) sum_mu p_mu p_mu^T (one sgemm), and Storkey's (1997)
 * incremental rule, which subtracts the local fields of the patterns already stored and so stores
 * correlated patterns (like digits) better. Both hold the diagonal at zero.
 */
public final class ClassicalHopfield {

    public enum Rule { HEBBIAN, STORKEY }

    /**
     * SYNCHRONOUS updates every free neuron from the same fields (one sgemm per sweep for the whole
     * batch; may end in a two-cycle, then stops at the sweep limit); ASYNCHRONOUS updates one
     * neuron at a time in a seeded random order per sweep, which always converges (the energy
     * never rises).
     */
    public enum Update { SYNCHRONOUS, ASYNCHRONOUS }

    private final int dim;
    private final int stored;
    private final Rule rule;
    /** d x d, row-major, symmetric, zero diagonal. */
    private final float[] w;

    private ClassicalHopfield(int dim, int stored, Rule rule, float[] w) {
        this.dim = dim;
        this.stored = stored;
        this.rule = rule;
        this.w = w;
    }

    /** Stores {@code count} images of {@code dim} pixels in [0, 1] (binarized at 0.5). */
    public static ClassicalHopfield train(float[] images, int count, int dim, Rule rule) {
        Cues.check("ClassicalHopfield", images, count, dim);
        if (count < 1) {
            throw new PcnException("ClassicalHopfield: no patterns to store");
        }
        float[] p = binarize(images, count * dim);
        float[] w = new float[dim * dim];
        if (rule == Rule.HEBBIAN) {
            Backends.current().sgemm(true, false, dim, dim, count, 1f / count, p, 0, dim, p, 0, dim, 0f, w, 0, dim);
            for (int i = 0; i < dim; i++) {
                w[i * dim + i] = 0f;
            }
        } else {
            float[] h = new float[dim];
            for (int mu = 0; mu < count; mu++) {
                storkeyStep(w, dim, p, mu * dim, h);
            }
        }
        return new ClassicalHopfield(dim, count, rule, w);
    }

    /**
     * One pattern xi by Storkey's rule, w_ij += (xi_i xi_j - xi_i h_ji - h_ij xi_j) / d with
     * h_ij = sum_{k != i, j} w_ik xi_k. With a symmetric, zero-diagonal W and h = W xi,
     * h_ij = h_i - w_ij xi_j, and since xi_i^2 = 1 the update becomes
     * w_ij += (xi_i xi_j - xi_i h_j - h_i xi_j + 2 w_ij) / d: O(d^2) per pattern instead of O(d^3).
     */
    private static void storkeyStep(float[] w, int d, float[] p, int off, float[] h) {
        for (int i = 0; i < d; i++) {
            int r = i * d;
            float s = 0f;
            for (int j = 0; j < d; j++) {
                s += w[r + j] * p[off + j];
            }
            h[i] = s;
        }
        float inv = 1f / d;
        float keep = 1f + 2f * inv;
        for (int i = 0; i < d; i++) {
            int r = i * d;
            float xi = p[off + i];
            float hi = h[i];
            for (int j = 0; j < d; j++) {
                float xj = p[off + j];
                w[r + j] = w[r + j] * keep + (xi * (xj - h[j]) - hi * xj) * inv;
            }
            w[r + i] = 0f;
        }
    }

    /** Recalls from a cue; see {@link #recall(float[], float[], int, Update, int, long)}. */
    public float[] recall(Cue cue, Update update, int maxSweeps, long seed) {
        if (cue.dim() != dim) {
            throw new PcnException("ClassicalHopfield: cue dim " + cue.dim() + " != memory dim " + dim);
        }
        return recall(cue.values(), cue.mask(), cue.count(), update, maxSweeps, seed);
    }

    /**
     * Recalls {@code count} images. The start state is the binarized cue with hidden pixels (mask 0)
     * at -1, the background; known pixels (mask 1) stay fixed at their binarized cue value, and
     * without a mask every neuron is free. Sweeps run until a sweep changes nothing or
     * {@code maxSweeps} is reached. A neuron whose field is exactly 0 keeps its state. The seed
     * orders asynchronous updates (one generator, image by image); synchronous recall ignores it.
     *
     * @return count x dim recalled images in {0, 1}
     */
    public float[] recall(float[] cues, float[] mask, int count, Update update, int maxSweeps, long seed) {
        Cues.check("ClassicalHopfield recall", cues, count, dim);
        if (mask != null && mask.length < count * dim) {
            throw new PcnException("ClassicalHopfield: mask holds " + mask.length + " floats, expected " + count * dim);
        }
        if (maxSweeps < 1) {
            throw new PcnException("ClassicalHopfield: maxSweeps must be >= 1, got " + maxSweeps);
        }
        int n = count * dim;
        float[] s = new float[n];
        boolean[] fixed = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean known = mask != null && mask[i] > 0.5f;
            boolean hiddenPixel = mask != null && !known;
            s[i] = hiddenPixel ? -1f : (cues[i] > 0.5f ? 1f : -1f);
            fixed[i] = known;
        }
        if (update == Update.SYNCHRONOUS) {
            synchronous(s, fixed, count, maxSweeps);
        } else {
            asynchronous(s, fixed, count, maxSweeps, new SplittableRandom(seed));
        }
        for (int i = 0; i < n; i++) {
            s[i] = s[i] > 0 ? 1f : 0f;
        }
        return s;
    }

    /** Sweeps only the rows still changing: gather them, one sgemm for their fields, update. */
    private void synchronous(float[] s, boolean[] fixed, int count, int maxSweeps) {
        Kernels k = Backends.current();
        int[] active = new int[count];
        for (int i = 0; i < count; i++) {
            active[i] = i;
        }
        int nActive = count;
        float[] buf = new float[count * dim];
        float[] fields = new float[count * dim];
        for (int sweep = 0; sweep < maxSweeps && nActive > 0; sweep++) {
            for (int a = 0; a < nActive; a++) {
                System.arraycopy(s, active[a] * dim, buf, a * dim, dim);
            }
            // W is symmetric, so the fields of the rows of S are S W.
            k.sgemm(false, false, nActive, dim, dim, 1f, buf, 0, dim, w, 0, dim, 0f, fields, 0, dim);
            int still = 0;
            for (int a = 0; a < nActive; a++) {
                int o = active[a] * dim;
                int fo = a * dim;
                boolean changed = false;
                for (int j = 0; j < dim; j++) {
                    if (fixed[o + j]) {
                        continue;
                    }
                    float h = fields[fo + j];
                    float v = h > 0 ? 1f : h < 0 ? -1f : s[o + j];
                    if (v != s[o + j]) {
                        s[o + j] = v;
                        changed = true;
                    }
                }
                if (changed) {
                    active[still++] = active[a];
                }
            }
            nActive = still;
        }
    }

    /**
     * The fields of every row come from one sgemm; afterwards a flip of neuron i by +-2 adds
     * +-2 W_i to the row's fields, so a sweep costs O(d) plus O(d) per flip instead of O(d^2).
     */
    private void asynchronous(float[] s, boolean[] fixed, int count, int maxSweeps, SplittableRandom rng) {
        float[] fields = new float[count * dim];
        Backends.current().sgemm(false, false, count, dim, dim, 1f, s, 0, dim, w, 0, dim, 0f, fields, 0, dim);
        int[] order = new int[dim];
        for (int r = 0; r < count; r++) {
            int o = r * dim;
            for (int sweep = 0; sweep < maxSweeps; sweep++) {
                for (int j = 0; j < dim; j++) {
                    order[j] = j;
                }
                for (int j = dim - 1; j > 0; j--) {
                    int x = rng.nextInt(j + 1);
                    int t = order[x];
                    order[x] = order[j];
                    order[j] = t;
                }
                boolean changed = false;
                for (int t = 0; t < dim; t++) {
                    int i = order[t];
                    if (fixed[o + i]) {
                        continue;
                    }
                    float h = fields[o + i];
                    float v = h > 0 ? 1f : h < 0 ? -1f : s[o + i];
                    if (v != s[o + i]) {
                        s[o + i] = v;
                        changed = true;
                        float delta = 2f * v;
                        int wr = i * dim;
                        for (int j = 0; j < dim; j++) {
                            fields[o + j] += delta * w[wr + j];
                        }
                    }
                }
                if (!changed) {
                    break;
                }
            }
        }
    }

    /** +-1 copies of the first n values: > 0.5 -> +1, else -1. */
    public static float[] binarize(float[] values, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = values[i] > 0.5f ? 1f : -1f;
        }
        return out;
    }

    public int dim() {
        return dim;
    }

    /** Number of patterns stored. */
    public int stored() {
        return stored;
    }

    public Rule rule() {
        return rule;
    }

    /** A copy of the d x d weight matrix, row-major. */
    public float[] weights() {
        return w.clone();
    }

    /** Memory the weights take: d * d floats. */
    public long footprintBytes() {
        return 4L * dim * dim;
    }
}
