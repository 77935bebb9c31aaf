package org.pcn4j.convnet;

import java.util.List;
import java.util.SplittableRandom;
import org.pcn4j.conv.ConvTranspose2d;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.Parameter;

/**
 * A conv_transpose2d edge between two shaped nodes (a generative decoder's upsampling step), in
 * {@code post} (mu = f(convT(x) + b)) or {@code pre} (mu = convT(f(x)) + b). The weight is
 * [in_channels, out_channels / groups, kh, kw] (nn.ConvTranspose2d), the bias [out_channels].
 * No pool (a decoder upsamples). Derivatives as {@link ConvEdge}'s: post g = f'(a) * eps,
 * dF/dx -= convT^T(g), dF/dW = -1/B corr(g, x); pre dF/dx -= f'(x) * convT^T(eps),
 * dF/dW = -1/B corr(eps, f(x)). The derivative f' is cached with the forward pass, so it is
 * frozen with the prediction under the fixed-prediction assumption.
 */
public final class ConvTransposeEdge implements Edge {
    private final String name;
    private final Node from;
    private final Node to;
    private final ConvTranspose2d op;
    private final Activation f;
    private final Convention convention;
    private final ConvParams p;
    /** post: pre-activation a (batch x to); pre: unused. */
    private float[] a = new float[0];
    private float[] out = new float[0];
    /** post: f'(a) (batch x to); pre: f'(x) (batch x from). */
    private float[] deriv = new float[0];
    /** pre: f(x) (batch x from). */
    private float[] fx = new float[0];
    /** post: f'(a) * eps (batch x to). */
    private float[] g = new float[0];
    private float[] dx = new float[0];
    private long seenSource = Long.MIN_VALUE;
    private long seenWeights = Long.MIN_VALUE;
    private int seenBatch = -1;
    private boolean frozen;

    public ConvTransposeEdge(String name, Node from, Node to, ConvTranspose2d op, Activation f, Convention convention,
            boolean bias) {
        if (op.inSize() != from.size() || op.outSize() != to.size()) {
            throw new IllegalArgumentException(name + ": " + op + " does not fit " + from + " -> " + to);
        }
        this.name = name;
        this.from = from;
        this.to = to;
        this.op = op;
        this.f = f;
        this.convention = convention;
        this.p = new ConvParams(op.weightShape(), op.outShape()[0], bias);
    }

    public ConvTranspose2d op() {
        return op;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<Node> sources() {
        return List.of(from);
    }

    @Override
    public List<Node> targets() {
        return List.of(to);
    }

    @Override
    public void ensureCapacity(int batch) {
        int nTo = batch * to.size();
        int nFrom = batch * from.size();
        if (out.length < nTo) {
            out = new float[nTo];
            a = new float[nTo];
            g = new float[nTo];
            if (convention == Convention.POST) {
                deriv = new float[nTo];
            }
        }
        if (dx.length < nFrom) {
            dx = new float[nFrom];
            fx = new float[nFrom];
            if (convention == Convention.PRE) {
                deriv = new float[nFrom];
            }
        }
        seenBatch = -1;
    }

    @Override
    public boolean refresh(Node target, int batch) {
        if (frozen || (seenSource == from.version() && seenWeights == p.version && seenBatch == batch)) {
            return false;
        }
        Kernels k = Kernels.get();
        int nTo = batch * to.size();
        int nFrom = batch * from.size();
        if (convention == Convention.POST) {
            op.forward(batch, from.state(), 0, p.weight, p.bias, a, 0);
            k.activate(f, a, 0, out, 0, nTo);
            k.activateDerivative(f, a, 0, deriv, 0, nTo);
        } else {
            k.activate(f, from.state(), 0, fx, 0, nFrom);
            k.activateDerivative(f, from.state(), 0, deriv, 0, nFrom);
            op.forward(batch, fx, 0, p.weight, p.bias, out, 0);
        }
        seenSource = from.version();
        seenWeights = p.version;
        seenBatch = batch;
        return true;
    }

    @Override
    public void addPrediction(Node target, int batch, boolean overwrite) {
        float[] mu = to.prediction();
        int len = batch * to.size();
        if (overwrite) {
            System.arraycopy(out, 0, mu, 0, len);
        } else {
            for (int i = 0; i < len; i++) {
                mu[i] += out[i];
            }
        }
    }

    /** The error at the op's output: f'(a) * eps (post) or eps (pre). */
    private float[] delta(int batch) {
        if (convention == Convention.PRE) {
            return to.error();
        }
        float[] e = to.error();
        int len = batch * to.size();
        for (int i = 0; i < len; i++) {
            g[i] = deriv[i] * e[i];
        }
        return g;
    }

    @Override
    public boolean sendsStateGradient() {
        return to.hasError();
    }

    @Override
    public void accumulateStateGradient(Node source, int batch) {
        op.adjoint(batch, delta(batch), 0, p.weight, dx, 0);
        float[] grad = from.gradient();
        int len = batch * from.size();
        if (convention == Convention.PRE) {
            for (int i = 0; i < len; i++) {
                grad[i] -= deriv[i] * dx[i];
            }
        } else {
            for (int i = 0; i < len; i++) {
                grad[i] -= dx[i];
            }
        }
    }

    @Override
    public void weightGradient(int batch, float scale, boolean accumulate) {
        if (!to.hasError()) {
            if (!accumulate) {
                p.zeroGrads();
            }
            return;
        }
        float[] e = delta(batch);
        float[] src = convention == Convention.PRE ? fx : from.state();
        float alpha = -scale / batch;
        float beta = accumulate ? 1f : 0f;
        op.weightGrad(batch, src, 0, e, 0, alpha, p.gradW, beta);
        if (p.gradB != null) {
            op.biasGrad(batch, e, 0, alpha, p.gradB, beta);
        }
    }

    @Override
    public List<Parameter> parameters() {
        return p.parameters;
    }

    @Override
    public void initialize(String scheme, SplittableRandom rng) {
        p.initialize(scheme, rng);
    }

    @Override
    public long parameterCount() {
        return p.count();
    }

    @Override
    public void weightsChanged() {
        p.version++;
    }

    @Override
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    @Override
    public String toString() {
        return name + ": " + op + ", " + f + " (" + convention + ")";
    }
}
