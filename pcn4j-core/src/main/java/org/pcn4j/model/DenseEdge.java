package org.pcn4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.tensor.Init;
import org.pcn4j.tensor.Tensor;

/**
 * A dense edge from one node to another: a parametric map with its local derivatives.
 * <ul>
 *   <li>{@code post}: contribution = f(W x + b); with g = f'(a) * eps_to,
 *       dF/dx_from = -W^T g and dF/dW = -g x_from^T.</li>
 *   <li>{@code pre}: contribution = W f(x) + b;
 *       dF/dx_from = -f'(x_from) * (W^T eps_to) and dF/dW = -eps_to f(x_from)^T.</li>
 * </ul>
 * W is stored [to.size, from.size], PyTorch's nn.Linear layout; batches are rows, so the forward
 * product is X W^T. Outputs are cached and recomputed only when the source state or the weights
 * changed: a clamped input's edge is computed once per batch, not once per inference step.
 * Graph specs name this kind {@code op: dense} (the default).
 *
 * <p>Over 400 lines: both conventions' forward, delta, state and weight products (whole batch and
 * the batch schedule's row ranges), with the packed
 * weight and output caches that make them fast, share the buffers declared here.
 */
public final class DenseEdge implements Edge {
    private final String name;
    final Node from;
    final Node to;
    private final Activation activation;
    private final Convention convention;
    private final List<Node> sources;
    private final List<Node> targets;
    private final List<Parameter> parameters;
    final Tensor weight;
    final float[] bias;
    final Tensor gradW;
    final float[] gradB;

    /** post: pre-activation W x + b (batch x to). */
    float[] a = new float[0];
    /** pre: f(x_from) (batch x from). */
    float[] fx = new float[0];
    /** The contribution to mu_to (batch x to); aliases to.mu when this is to's only edge. */
    float[] out = new float[0];
    /** post: f'(a) (batch x to); pre: f'(x_from) (batch x from). */
    float[] deriv = new float[0];
    /** post: f'(a) * eps_to (batch x to); pre: eps_to W (batch x from). */
    float[] delta = new float[0];

    /** W prepared as the right-hand side of X W^T (forward) and of G W (backward), per weight version. */
    private Kernels.PackedMatrix packedForward;
    private Kernels.PackedMatrix packedBackward;
    private long packedForwardVersion = Long.MIN_VALUE;
    private long packedBackwardVersion = Long.MIN_VALUE;

    private long seenSourceVersion = Long.MIN_VALUE;
    private long weightVersion;
    private long seenWeightVersion = Long.MIN_VALUE;
    private int seenBatch = -1;
    /** While frozen, the contribution and derivative keep their values (fixed-prediction assumption). */
    boolean frozen;

    DenseEdge(String name, Node from, Node to, Activation activation, Convention convention, boolean hasBias) {
        this.name = name;
        this.from = from;
        this.to = to;
        this.activation = activation;
        this.convention = convention;
        this.weight = new Tensor(to.size(), from.size());
        this.bias = hasBias ? new float[to.size()] : null;
        this.gradW = new Tensor(to.size(), from.size());
        this.gradB = hasBias ? new float[to.size()] : null;
        this.sources = List.of(from);
        this.targets = List.of(to);
        List<Parameter> ps = new ArrayList<>();
        ps.add(new Parameter("weight", new int[] {to.size(), from.size()}, weight.data(), gradW.data()));
        if (hasBias) {
            ps.add(new Parameter("bias", new int[] {to.size()}, bias, gradB));
        }
        this.parameters = Collections.unmodifiableList(ps);
    }

    @Override
    public String name() {
        return name;
    }

    public Node from() {
        return from;
    }

    public Node to() {
        return to;
    }

    @Override
    public List<Node> sources() {
        return sources;
    }

    @Override
    public List<Node> targets() {
        return targets;
    }

    /** {@code weight} [to, from], then {@code bias} [to] when the edge has one. */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    public Activation activation() {
        return activation;
    }

    public Convention convention() {
        return convention;
    }

    /** [to, from] weights; call {@link #weightsChanged()} after writing them. */
    public Tensor weight() {
        return weight;
    }

    /** The bias (length to.size), or null for an edge without one. */
    public float[] bias() {
        return bias;
    }

    public Tensor weightGrad() {
        return gradW;
    }

    public float[] biasGrad() {
        return gradB;
    }

    @Override
    public void weightsChanged() {
        weightVersion++;
    }

    /** Whether the backward product ran since the last {@link #prepareProducts}: then it is likely to run again. */
    private boolean backwardUsed;

    /** Packs the new weights for the next forward product (and the backward one if it ran last step). */
    @Override
    public void prepareProducts(int batch) {
        Kernels k = Kernels.get();
        k.prepare(forwardWeights(k), batch);
        if (backwardUsed) {
            k.prepare(backwardWeights(k), batch);
            backwardUsed = false;
        }
    }

    @Override
    public long parameterCount() {
        return weight.size() + (bias == null ? 0 : bias.length);
    }

    /**
     * {@code default} is PyTorch's and Equinox's nn.Linear: W and b uniform in +-1/sqrt(fan_in);
     * any other {@link Init#apply} scheme sets W and zeroes b.
     */
    @Override
    public void initialize(String scheme, SplittableRandom rng) {
        initialize(weight, bias, from.size(), scheme, rng);
        weightsChanged();
    }

    /** The dense initialization shared with {@link DenseBlock} (fan-in {@code fanIn}). */
    static void initialize(Tensor weight, float[] bias, int fanIn, String scheme, SplittableRandom rng) {
        String s = normalizeScheme(scheme);
        if (s.equals("default")) {
            double lim = 1.0 / Math.sqrt(fanIn);
            Init.uniform(weight, rng, lim);
            for (int j = 0; bias != null && j < bias.length; j++) {
                bias[j] = (float) ((rng.nextDouble() * 2 - 1) * lim);
            }
        } else {
            Init.apply(s, weight, rng);
            if (bias != null) {
                Arrays.fill(bias, 0f);
            }
        }
    }

    /** {@code xavier} and {@code kaiming} are short for xavier_uniform and kaiming_normal. */
    static String normalizeScheme(String scheme) {
        String s = scheme.trim().toLowerCase(Locale.ROOT);
        if (s.equals("xavier")) {
            return "xavier_uniform";
        } else if (s.equals("kaiming")) {
            return "kaiming_normal";
        }
        return s;
    }

    @Override
    public void ensureCapacity(int batch) {
        ensureCapacity(batch, to.in.size() == 1);
    }

    private void ensureCapacity(int batch, boolean soleEdge) {
        int nTo = batch * to.size();
        int nFrom = batch * from.size();
        if (convention == Convention.POST) {
            if (a.length < nTo) {
                a = new float[nTo];
                deriv = new float[nTo];
                delta = new float[nTo];
            }
        } else {
            if (fx.length < nFrom) {
                fx = new float[nFrom];
                deriv = new float[nFrom];
                delta = new float[nFrom];
            }
        }
        if (soleEdge) {
            out = to.mu;
        } else if (out.length < nTo || out == to.mu) {
            out = new float[Math.max(nTo, to.mu.length)];
        }
        seenBatch = -1;
    }

    /** op(B) = W^T for the forward product, packed once per weight update. */
    private Kernels.PackedMatrix forwardWeights(Kernels k) {
        if (packedForwardVersion != weightVersion || packedForward == null) {
            packedForward = k.pack(true, from.size(), to.size(), weight.data(), 0, from.size(), packedForward);
            packedForwardVersion = weightVersion;
        }
        return packedForward;
    }

    /** op(B) = W for the products that send errors back to the source, packed once per weight update. */
    private Kernels.PackedMatrix backwardWeights(Kernels k) {
        if (packedBackwardVersion != weightVersion || packedBackward == null) {
            packedBackward = k.pack(false, to.size(), from.size(), weight.data(), 0, from.size(), packedBackward);
            packedBackwardVersion = weightVersion;
        }
        return packedBackward;
    }

    boolean stale(int batch) {
        return !frozen && (seenSourceVersion != from.version || seenWeightVersion != weightVersion || seenBatch != batch);
    }

    @Override
    public boolean refresh(Node target, int batch) {
        return forward(batch);
    }

    @Override
    public void addPrediction(Node target, int batch, boolean overwrite) {
        float[] mu = to.mu;
        if (out == mu) {
            return; // the sole edge into its target writes mu directly
        }
        int len = batch * to.size();
        if (overwrite) {
            System.arraycopy(out, 0, mu, 0, len);
        } else {
            for (int j = 0; j < len; j++) {
                mu[j] += out[j];
            }
        }
    }

    @Override
    public void errorChanged(Node target, int batch) {
        computeDelta(batch);
    }

    @Override
    public boolean sendsStateGradient() {
        return to.epsNonZero;
    }

    @Override
    public void accumulateStateGradient(Node source, int batch) {
        accumulateStateGradient(batch);
    }

    /** Recomputes the contribution (and the local derivative) if the source or weights changed. */
    boolean forward(int batch) {
        if (!stale(batch)) {
            return false;
        }
        Kernels k = Kernels.get();
        int nIn = from.size();
        int nOut = to.size();
        if (convention == Convention.POST) {
            // a = X W^T + b, contribution = f(a)
            fillBias(a, batch);
            k.sgemm(false, batch, 1f, from.x, 0, nIn, forwardWeights(k), bias == null ? 0f : 1f, a, 0, nOut);
            int n = batch * nOut;
            if (activation == Activation.IDENTITY) {
                System.arraycopy(a, 0, out, 0, n);
            } else {
                activateSplit(k, n);
            }
        } else {
            int n = batch * nIn;
            float[] src;
            if (activation == Activation.IDENTITY) {
                src = from.x;
            } else {
                // f(x) and f'(x) in one pass (one exponential for tanh/sigmoid), same bits as two calls
                k.activateWithDerivative(activation, from.x, 0, fx, 0, deriv, 0, n);
                src = fx;
            }
            fillBias(out, batch);
            k.sgemm(false, batch, 1f, src, 0, nIn, forwardWeights(k), bias == null ? 0f : 1f, out, 0, nOut);
        }
        seenSourceVersion = from.version;
        seenWeightVersion = weightVersion;
        seenBatch = batch;
        return true;
    }

    /**
     * f'(a) into {@link #deriv}. tanh and sigmoid have it in terms of their output (1 - y^2 and
     * y (1 - y)): a multiply instead of a second pass of exponentials.
     */
    private void derivativeFromOutput(float[] pre, float[] y, int from, int to) {
        float[] d = deriv;
        if (activation == Activation.TANH) {
            for (int i = from; i < to; i++) {
                d[i] = 1f - y[i] * y[i];
            }
        } else if (activation == Activation.SIGMOID) {
            for (int i = from; i < to; i++) {
                d[i] = y[i] * (1f - y[i]);
            }
        } else {
            Kernels.get().activateDerivative(activation, pre, from, d, from, to - from);
        }
    }

    /** From this many elements on, the activation of a forward product is split over the threads too. */
    static final int SPLIT_ACTIVATION = 8192;

    /**
     * out = f(a) and deriv = f'(a) over n elements, in chunks over the kernel threads when large:
     * in a feedforward chain (where nothing else can run) it would otherwise be serial between
     * two split products. Each element's value does not depend on its position or chunk; inside
     * a layers task the chunks run inline.
     */
    private void activateSplit(Kernels k, int n) {
        int threads = org.pcn4j.kernel.Backends.threads();
        int chunks = threads > 1 && n >= SPLIT_ACTIVATION ? Math.min(threads, n / (SPLIT_ACTIVATION / 2)) : 1;
        if (chunks <= 1) {
            k.activate(activation, a, 0, out, 0, n);
            derivativeFromOutput(a, out, 0, n);
            return;
        }
        int blocks = (n + 63) / 64;
        org.pcn4j.kernel.ParallelFor.run(chunks, threads, c -> {
            int lo = Math.min(n, (int) ((long) blocks * c / chunks) * 64);
            int hi = Math.min(n, (int) ((long) blocks * (c + 1) / chunks) * 64);
            if (hi > lo) {
                k.activate(activation, a, lo, out, lo, hi - lo);
                derivativeFromOutput(a, out, lo, hi);
            }
        });
    }

    private void fillBias(float[] dst, int batch) {
        fillBias(dst, 0, batch);
    }

    private void fillBias(float[] dst, int r0, int r1) {
        if (bias == null) {
            return;
        }
        int nOut = to.size();
        for (int r = r0; r < r1; r++) {
            System.arraycopy(bias, 0, dst, r * nOut, nOut);
        }
    }

    /** The source activations the weight gradient multiplies: x (post) or f(x) (pre). */
    float[] sourceActivations() {
        return convention == Convention.POST || activation == Activation.IDENTITY ? from.x : fx;
    }

    /**
     * Computes this edge's "delta" from the target's current error: post g = f'(a) * eps_to
     * (batch x to); pre eps_to W (batch x from). Shared by the state and the weight gradient.
     */
    void computeDelta(int batch) {
        int nOut = to.size();
        if (convention == Convention.POST) {
            int n = batch * nOut;
            float[] e = to.eps;
            if (activation == Activation.IDENTITY) {
                System.arraycopy(e, 0, delta, 0, n);
            } else {
                float[] d = deriv;
                for (int i = 0; i < n; i++) {
                    delta[i] = d[i] * e[i];
                }
            }
        }
    }

    /** from.grad -= J^T eps_to, i.e. adds this edge's share of dF/dx_from. Needs computeDelta first (post). */
    void accumulateStateGradient(int batch) {
        Kernels k = Kernels.get();
        int nIn = from.size();
        int nOut = to.size();
        Kernels.PackedMatrix w = backwardWeights(k);
        backwardUsed = true;
        if (convention == Convention.POST) {
            // grad_from -= G W   (batch x to) . (to x from)
            k.sgemm(false, batch, -1f, delta, 0, nOut, w, 1f, from.grad, 0, nIn);
        } else if (activation == Activation.IDENTITY) {
            k.sgemm(false, batch, -1f, to.eps, 0, nOut, w, 1f, from.grad, 0, nIn);
        } else {
            k.sgemm(false, batch, 1f, to.eps, 0, nOut, w, 0f, delta, 0, nIn);
            float[] g = from.grad;
            float[] d = deriv;
            int n = batch * nIn;
            for (int i = 0; i < n; i++) {
                g[i] -= d[i] * delta[i];
            }
        }
    }

    /**
     * Writes (or adds, scaled) dF/dW and dF/db averaged over the batch:
     * gradW (+)= -scale/B * G^T X. Needs computeDelta first (post).
     */
    @Override
    public void weightGradient(int batch, float scale, boolean accumulate) {
        int nIn = from.size();
        int nOut = to.size();
        if (!to.epsNonZero) {
            // The target's error is exactly zero (early in incremental PC): so is the gradient.
            if (!accumulate) {
                Arrays.fill(gradW.data(), 0f);
                if (gradB != null) {
                    Arrays.fill(gradB, 0f);
                }
            }
            return;
        }
        float[] g = convention == Convention.POST ? delta : to.eps;
        float alpha = -scale / batch;
        Kernels.get().sgemm(true, false, nOut, nIn, batch, alpha, g, 0, nOut, sourceActivations(), 0, nIn,
                accumulate ? 1f : 0f, gradW.data(), 0, nIn);
        if (gradB != null) {
            if (!accumulate) {
                Arrays.fill(gradB, 0f);
            }
            for (int r = 0; r < batch; r++) {
                int o = r * nOut;
                for (int j = 0; j < nOut; j++) {
                    gradB[j] += alpha * g[o + j];
                }
            }
        }
    }

    // ---- row ranges (the batch schedule) -------------------------------------------------------

    @Override
    public boolean rowwise() {
        return true;
    }

    @Override
    public boolean beginRefresh(Node target, int batch) {
        if (!stale(batch)) {
            return false;
        }
        Kernels k = Kernels.get();
        k.prepare(forwardWeights(k), batch); // packed here, once: the row ranges only read it
        seenSourceVersion = from.version;
        seenWeightVersion = weightVersion;
        seenBatch = batch;
        return true;
    }

    /** Rows [r0, r1) of {@link #forward}: the same products (row ranges of them) and elementwise steps. */
    @Override
    public void refreshRows(Node target, int batch, int r0, int r1) {
        Kernels k = Kernels.get();
        int nIn = from.size();
        int nOut = to.size();
        Kernels.PackedMatrix w = forwardWeights(k);
        if (convention == Convention.POST) {
            fillBias(a, r0, r1);
            k.sgemmRows(false, batch, r0, r1, 1f, from.x, 0, nIn, w, bias == null ? 0f : 1f, a, 0, nOut);
            int lo = r0 * nOut;
            int hi = r1 * nOut;
            if (activation == Activation.IDENTITY) {
                System.arraycopy(a, lo, out, lo, hi - lo);
            } else {
                k.activate(activation, a, lo, out, lo, hi - lo);
                derivativeFromOutput(a, out, lo, hi);
            }
        } else {
            float[] src;
            if (activation == Activation.IDENTITY) {
                src = from.x;
            } else {
                int lo = r0 * nIn;
                k.activateWithDerivative(activation, from.x, lo, fx, lo, deriv, lo, (r1 - r0) * nIn);
                src = fx;
            }
            fillBias(out, r0, r1);
            k.sgemmRows(false, batch, r0, r1, 1f, src, 0, nIn, w, bias == null ? 0f : 1f, out, 0, nOut);
        }
    }

    @Override
    public void addPredictionRows(Node target, int batch, boolean overwrite, int r0, int r1) {
        float[] mu = to.mu;
        if (out == mu) {
            return;
        }
        int lo = r0 * to.size();
        int hi = r1 * to.size();
        if (overwrite) {
            System.arraycopy(out, lo, mu, lo, hi - lo);
        } else {
            for (int j = lo; j < hi; j++) {
                mu[j] += out[j];
            }
        }
    }

    @Override
    public void errorChangedRows(Node target, int batch, int r0, int r1) {
        if (convention == Convention.POST) {
            int nOut = to.size();
            int lo = r0 * nOut;
            int hi = r1 * nOut;
            float[] e = to.eps;
            if (activation == Activation.IDENTITY) {
                System.arraycopy(e, lo, delta, lo, hi - lo);
            } else {
                float[] d = deriv;
                for (int i = lo; i < hi; i++) {
                    delta[i] = d[i] * e[i];
                }
            }
        }
    }

    @Override
    public void beginStateGradients(int batch) {
        prepareStateGradients(batch);
        if (sendsStateGradient()) {
            Kernels k = Kernels.get();
            k.prepare(backwardWeights(k), batch);
            backwardUsed = true;
        }
    }

    @Override
    public void beginBackward(int batch) {
        Kernels k = Kernels.get();
        k.prepare(backwardWeights(k), batch);
        backwardUsed = true;
    }

    /** Rows [r0, r1) of {@link #accumulateStateGradient(int)}. */
    @Override
    public void accumulateStateGradientRows(Node source, int batch, int r0, int r1) {
        Kernels k = Kernels.get();
        int nIn = from.size();
        int nOut = to.size();
        Kernels.PackedMatrix w = backwardWeights(k);
        if (convention == Convention.POST) {
            k.sgemmRows(false, batch, r0, r1, -1f, delta, 0, nOut, w, 1f, from.grad, 0, nIn);
        } else if (activation == Activation.IDENTITY) {
            k.sgemmRows(false, batch, r0, r1, -1f, to.eps, 0, nOut, w, 1f, from.grad, 0, nIn);
        } else {
            k.sgemmRows(false, batch, r0, r1, 1f, to.eps, 0, nOut, w, 0f, delta, 0, nIn);
            float[] g = from.grad;
            float[] d = deriv;
            for (int i = r0 * nIn, hi = r1 * nIn; i < hi; i++) {
                g[i] -= d[i] * delta[i];
            }
        }
    }

    @Override
    public boolean cached(Node target, int batch) {
        return !stale(batch);
    }

    @Override
    public String toString() {
        return name;
    }
}
