package org.pcn4j.external;

import java.util.List;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.Parameter;

/**
 * An edge kind defined outside the engine with public API only: an elementwise gain,
 * mu_to += g * tanh(x_from) with one gain per unit (from and to have the same size). It keeps no
 * cache beyond the fixed-prediction freeze: every refresh recomputes.
 */
final class GainEdge implements Edge {
    private final String name;
    private final Node from;
    private final Node to;
    private final int n;
    private final float[] gain;
    private final float[] gainGrad;
    private float[] fx = new float[0];
    private float[] dfx = new float[0];
    private float[] out = new float[0];
    private boolean frozen;
    private final double initialGain;

    GainEdge(Node from, Node to) {
        this(from, to, 1.0);
    }

    /** @param initialGain the centre of the initial gains (the spec option {@code init_gain}) */
    GainEdge(Node from, Node to, double initialGain) {
        if (from.size() != to.size()) {
            throw new PcnException("gain edge " + from.name() + "->" + to.name() + ": sizes " + from.size() + " and "
                    + to.size() + " differ");
        }
        this.name = from.name() + "->" + to.name();
        this.from = from;
        this.to = to;
        this.n = from.size();
        this.gain = new float[n];
        this.gainGrad = new float[n];
        this.initialGain = initialGain;
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
        if (out.length < batch * n) {
            fx = new float[batch * n];
            dfx = new float[batch * n];
            out = new float[batch * n];
        }
    }

    @Override
    public boolean refresh(Node target, int batch) {
        if (frozen) {
            return false;
        }
        float[] x = from.state();
        for (int i = 0; i < batch * n; i++) {
            float t = (float) Math.tanh(x[i]);
            fx[i] = t;
            dfx[i] = 1f - t * t;
            out[i] = gain[i % n] * t;
        }
        return true;
    }

    @Override
    public void addPrediction(Node target, int batch, boolean overwrite) {
        float[] mu = target.prediction();
        for (int i = 0; i < batch * n; i++) {
            mu[i] = overwrite ? out[i] : mu[i] + out[i];
        }
    }

    @Override
    public boolean sendsStateGradient() {
        return to.hasError();
    }

    /** dF/dx_from = -g f'(x) eps_to. */
    @Override
    public void accumulateStateGradient(Node source, int batch) {
        float[] g = source.gradient();
        float[] eps = to.error();
        for (int i = 0; i < batch * n; i++) {
            g[i] -= gain[i % n] * dfx[i] * eps[i];
        }
    }

    /** dF/dg = -mean over the batch of eps_to f(x). */
    @Override
    public void weightGradient(int batch, float scale, boolean accumulate) {
        float[] eps = to.error();
        if (!accumulate) {
            java.util.Arrays.fill(gainGrad, 0f);
        }
        float alpha = -scale / batch;
        for (int i = 0; i < batch * n; i++) {
            gainGrad[i % n] += alpha * eps[i] * fx[i];
        }
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("gain", new int[] {n}, gain, gainGrad));
    }

    @Override
    public void initialize(String scheme, SplittableRandom rng) {
        for (int j = 0; j < n; j++) {
            gain[j] = (float) (initialGain + 0.2 * (rng.nextDouble() * 2 - 1));
        }
    }

    @Override
    public long parameterCount() {
        return n;
    }

    @Override
    public void weightsChanged() {
        // Nothing cached across refreshes.
    }

    @Override
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }
}
