package org.pcn4j.convnet;

import java.util.List;
import java.util.SplittableRandom;
import org.pcn4j.conv.ConvBlock;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.Parameter;
import org.pcn4j.kernel.Activation;

/**
 * A conv2d edge between two shaped nodes: one {@link ConvBlock} (conv -> activation -> optional
 * max/avg pool, pcx's VGG block), in {@code post} (mu = pool(f(conv(x) + b))) or {@code pre}
 * (mu = pool(conv(f(x)) + b)). The weight is [out_channels, in_channels / groups, kh, kw]
 * (nn.Conv2d), the bias [out_channels].
 *
 * <p>Derivatives: F = 1/2 |x_to - mu|^2 per sample gives dF/dmu = -eps_to, so J^T eps (what
 * {@link ConvBlock#backward} computes from g = eps) is subtracted from the source's dF/dx and
 * -1/B sum J_W^T eps is dF/dW. The output is cached until the source state or the weights change.
 * While frozen (fixed prediction) the block's caches (pre-activation, argmax, f(x)) keep their
 * forward values; in {@code pre} the source state seen by that forward is kept too, so f'(x) is
 * frozen with them.
 */
public final class ConvEdge implements Edge {
    private final String name;
    private final Node from;
    private final Node to;
    private final ConvBlock block;
    private final ConvParams p;
    private final boolean keepSource;
    private float[] out = new float[0];
    private float[] dx = new float[0];
    /** pre with an activation: the source state the last forward saw (f'(x) of the backward). */
    private float[] xSeen = new float[0];
    private long seenSource = Long.MIN_VALUE;
    private long seenWeights = Long.MIN_VALUE;
    private int seenBatch = -1;
    private boolean frozen;

    /** {@code block}'s input and output shapes must be {@code from}'s and {@code to}'s (checked by {@link ConvKinds}). */
    public ConvEdge(String name, Node from, Node to, ConvBlock block, boolean bias) {
        if (block.inSize() != from.size() || block.outSize() != to.size()) {
            throw new IllegalArgumentException(name + ": " + block + " does not fit " + from + " -> " + to);
        }
        this.name = name;
        this.from = from;
        this.to = to;
        this.block = block;
        this.p = new ConvParams(block.geometry().weightShape(), block.geometry().outChannels(), bias);
        this.keepSource = block.convention() == Convention.PRE && block.activation() != Activation.IDENTITY;
    }

    public ConvBlock block() {
        return block;
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
        if (out.length < batch * to.size()) {
            out = new float[batch * to.size()];
        }
        if (dx.length < batch * from.size()) {
            dx = new float[batch * from.size()];
            if (keepSource) {
                xSeen = new float[batch * from.size()];
            }
        }
        seenBatch = -1;
    }

    private float[] source() {
        return keepSource ? xSeen : from.state();
    }

    @Override
    public boolean refresh(Node target, int batch) {
        if (frozen || (seenSource == from.version() && seenWeights == p.version && seenBatch == batch)) {
            return false;
        }
        if (keepSource) {
            System.arraycopy(from.state(), 0, xSeen, 0, batch * from.size());
        }
        block.forward(batch, source(), 0, p.weight, p.bias, out, 0);
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

    @Override
    public boolean sendsStateGradient() {
        return to.hasError();
    }

    @Override
    public void accumulateStateGradient(Node source, int batch) {
        block.backward(batch, source(), 0, to.error(), 0, p.weight, dx, 0, null, null, 0f, 0f);
        float[] g = from.gradient();
        int len = batch * from.size();
        for (int i = 0; i < len; i++) {
            g[i] -= dx[i];
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
        block.backward(batch, source(), 0, to.error(), 0, p.weight, null, 0, p.gradW, p.gradB, -scale / batch,
                accumulate ? 1f : 0f);
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
        return name + ": " + block;
    }
}
