package org.pcn4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A value node: a batch of states x, the prediction mu its incoming edges make of them, the error
 * signal eps = -dF/dmu, and the gradient dF/dx used by inference. Like pcx's value node it keeps
 * value, prediction and energy together, so every update reads only local quantities.
 *
 * <p>Arrays are allocated for a batch capacity and addressed as {@code batch x size}, row-major.
 */
public final class Node {
    private final String name;
    private final int size;
    /** [size] for a flat node, [C, H, W] for a shaped one; the state is NCHW-flat either way. */
    private final int[] shape;
    private final Energy energy;
    private float precision;
    /** The edges that predict this node, in connection order (a block it is a member of included). */
    final List<Edge> in = new ArrayList<>();
    /** The edges that read this node, in connection order (a block it is a member of included). */
    final List<Edge> out = new ArrayList<>();

    boolean clamped;
    /** Per-unit clamp (batch x size, 1 = clamped) of a free node, or null: masked units keep their state. */
    float[] mask;
    /** A free node whose state was set by the caller: the feedforward initialization leaves it alone. */
    boolean keepState;
    /** Bumped whenever x changes, so edges know when their cached outputs are stale. */
    long version;

    float[] x = new float[0];
    float[] mu = new float[0];
    /** -dF/dmu: pi (x - mu) for Gaussian nodes, x - softmax(mu) for cross-entropy nodes. */
    float[] eps = new float[0];
    /** dF/dx for free nodes. */
    float[] grad = new float[0];
    /** Scratch for cross-entropy probabilities. */
    float[] prob = new float[0];
    /** Per-sample energy of this node after the last {@link PcNetwork#computeErrors()}. */
    float[] sampleEnergy = new float[0];
    /** False when every entry of eps is exactly zero (as after a feedforward initialization). */
    boolean epsNonZero;
    /** False when grad is known to be exactly zero, so the state need not move. */
    boolean gradNonZero;
    /**
     * Offset states ({@link #beginOffset}): x = anchor + offset, with the error taken from the offset
     * so that it keeps its own precision, not the rounding of x. Null until first used.
     */
    float[] anchor;
    float[] offset;
    /** mu - anchor, the scratch of the offset error. */
    float[] anchorGap;
    /** The {@link #version} the offsets were last applied at; any other write of x (and touch) ends them. */
    long offsetVersion = -1;

    Node(String name, int size, Energy energy, float precision) {
        this(name, new int[] {size}, energy, precision);
    }

    /**
     * A node of {@code shape}: [size] (flat) or [C, H, W] (an image-like node, e.g. a conv edge's
     * target). Each sample's C*H*W values are stored channel-major (NCHW), which is also what
     * PyTorch's {@code flatten} gives, so a dense edge out of a shaped node sees it flattened.
     */
    Node(String name, int[] shape, Energy energy, float precision) {
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("node " + name + " has shape " + java.util.Arrays.toString(shape));
            }
            n *= d;
        }
        if ((shape.length != 1 && shape.length != 3) || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("node " + name + " has shape " + java.util.Arrays.toString(shape)
                    + " (expected [size] or [C, H, W])");
        }
        int size = (int) n;
        this.shape = shape.clone();
        this.name = name;
        this.size = size;
        this.energy = energy;
        this.precision = precision;
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    /** [size] for a flat node, [C, H, W] for a shaped one (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** True for a [C, H, W] node. */
    public boolean isShaped() {
        return shape.length == 3;
    }

    public Energy energy() {
        return energy;
    }

    public float precision() {
        return precision;
    }

    /**
     * Sets the precision pi of this node's Gaussian energy pi/2 |x - mu|^2. A small output precision
     * makes the output a weak, soft target: PC's equilibrium then approaches backprop
     * (Whittington and Bogacz 2017).
     */
    public void setPrecision(float precision) {
        if (!(precision > 0) || !Float.isFinite(precision)) {
            throw new IllegalArgumentException("precision must be positive and finite, got " + precision);
        }
        this.precision = precision;
    }

    public boolean isClamped() {
        return clamped;
    }

    /** The per-unit clamp mask (batch x size, 1 = clamped), or null when no unit is clamped on its own. */
    public float[] clampMask() {
        return mask;
    }

    /** A node with incoming edges (or in a fully connected block) has a prediction and an energy term. */
    public boolean hasPrediction() {
        return !in.isEmpty();
    }

    /** The fully connected blocks this node is a member of. */
    public List<DenseBlock> blocks() {
        List<DenseBlock> b = new ArrayList<>();
        for (Edge e : in) {
            if (e instanceof DenseBlock) {
                b.add((DenseBlock) e);
            }
        }
        return Collections.unmodifiableList(b);
    }

    /** The edges that predict this node (blocks it is a member of included). */
    public List<Edge> incoming() {
        return Collections.unmodifiableList(in);
    }

    /** The edges that read this node (blocks it is a member of included). */
    public List<Edge> outgoing() {
        return Collections.unmodifiableList(out);
    }

    /** False when every entry of the error is exactly zero (as right after a feedforward initialization). */
    public boolean hasError() {
        return epsNonZero;
    }

    /** Bumped whenever the state changes ({@link #touch()}): an edge caches its products by it. */
    public long version() {
        return version;
    }

    /** The live state array (batch x size); callers that write it must call {@link #touch()}. */
    public float[] state() {
        return x;
    }

    public float[] prediction() {
        return mu;
    }

    public float[] error() {
        return eps;
    }

    /** dF/dx after {@link PcNetwork#computeStateGradients()}. */
    public float[] gradient() {
        return grad;
    }

    /** False when the last state gradient was exactly zero. */
    public boolean hasGradient() {
        return gradNonZero;
    }

    /** Marks the state as changed. */
    public void touch() {
        version++;
    }

    /**
     * Starts offset states for the next relaxation: anchor = x (the first {@code batch} rows), offset
     * = 0, and returns the offset array, which a state optimizer then moves in place of x (call
     * {@link #applyOffset} after each move). Why: with a high precision pi a node's error x - mu is
     * about 1/pi of the signal it carries, and next to states of order one float32 rounds x to a
     * grid (2^-24 relative) that such an error falls through; held as an offset from the anchor (the
     * feedforward state, equal to mu there) the error keeps float32's relative precision at any pi.
     * Only for a free Gaussian node without a unit mask, whose error is x - mu; the same arithmetic
     * in exact numbers as moving x itself.
     */
    public float[] beginOffset(int batch) {
        if (!offsetCapable()) {
            throw new IllegalStateException("node " + name + ": offset states need a free Gaussian node without a mask");
        }
        int n = batch * size;
        if (anchor == null || anchor.length < n) {
            anchor = new float[x.length];
            offset = new float[x.length];
            anchorGap = new float[x.length];
        }
        System.arraycopy(x, 0, anchor, 0, n);
        java.util.Arrays.fill(offset, 0, n, 0f);
        offsetVersion = version;
        return offset;
    }

    /** Whether offset states may be used for this node ({@link #beginOffset}). */
    public boolean offsetCapable() {
        return energy instanceof GaussianEnergy && mask == null && !clamped;
    }

    /** x = anchor + offset for the first {@code batch} rows after the offset moved; marks the state changed. */
    public void applyOffset(int batch) {
        int n = batch * size;
        float[] a = anchor;
        float[] d = offset;
        float[] s = x;
        for (int j = 0; j < n; j++) {
            s[j] = a[j] + d[j];
        }
        touch();
        offsetVersion = version;
    }

    /** Ends offset states: later errors are x - mu again. */
    public void endOffset() {
        offsetVersion = -1;
    }

    /** True while the state is anchor + offset and nothing else wrote it since. */
    boolean offsetLive() {
        return offsetVersion == version && offset != null && !clamped;
    }

    /**
     * For the errors of entries [from, to): while the offsets are live, fills {@link #anchorGap}
     * with mu - anchor there and returns true, so the caller takes the error as offset - anchorGap
     * instead of x - mu. mu - anchor is exact while mu is near the anchor (Sterbenz), so the
     * error keeps the offset's precision ({@link #beginOffset}).
     */
    boolean offsetGap(int from, int to) {
        if (!offsetLive()) {
            return false;
        }
        float[] gap = anchorGap;
        float[] a = anchor;
        float[] m = mu;
        for (int j = from; j < to; j++) {
            gap[j] = m[j] - a[j];
        }
        return true;
    }

    void ensureCapacity(int batch) {
        int n = batch * size;
        if (x.length < n) {
            x = grow(x, n);
            mu = new float[n];
            eps = new float[n];
            grad = new float[n];
            prob = new float[n];
            sampleEnergy = new float[batch];
        }
    }

    private static float[] grow(float[] old, int n) {
        float[] a = new float[n];
        System.arraycopy(old, 0, a, 0, Math.min(old.length, n));
        return a;
    }

    @Override
    public String toString() {
        if (isShaped()) {
            return name + "[" + shape[0] + "x" + shape[1] + "x" + shape[2] + "]";
        }
        return name + "[" + size + "]";
    }
}
