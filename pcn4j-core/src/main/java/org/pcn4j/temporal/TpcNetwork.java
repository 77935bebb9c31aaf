package org.pcn4j.temporal;

import java.util.HashMap;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.model.Convention;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.train.Inference;
import org.pcn4j.train.InferenceConfig;

/**
 * One tPC time step as an engine graph ({@link PcNetwork}), for a batch of independent sequences
 * (one per row): node {@code prev} = xhat_{k-1} (clamped), node {@code u} = u_k (clamped, absent
 * without inputs), node {@code x} = x_k (free) and node {@code y} = y_k (clamped). Dense edges of
 * the {@code pre} convention (mu = W f(source)) carry the model: {@code prev -> x} is A f(.),
 * {@code u -> x} is B (identity), {@code x -> y} is C f(.); x and y hold {@link PrecisionEnergy}
 * with Q^-1 and R^-1. So the energy the engine computes is exactly
 * {@code F_k = 1/2 |y_k - C f(x_k)|^2_{R^-1} + 1/2 |x_k - A f(xhat_{k-1}) - B u_k|^2_{Q^-1}}, its
 * {@link Inference} relaxes x_k (plain SGD, rate eta, from a given start), and the dense edges'
 * weight gradients are the local rules: -dF/dA = e_x f(xhat_{k-1})^T, -dF/dC = e_y f(x_k)^T
 * (batch means).
 *
 * <p>The engine is float32. The parameters' master copy stays in double in the {@link TpcModel}
 * (learning adds the engine's increments there, then {@link #syncWeights()} rounds them into the
 * edges), so float rounding enters each step but does not accumulate in A and C.
 */
public final class TpcNetwork {
    private final TpcModel model;
    private final PcNetwork net = new PcNetwork();
    private final Node prev;
    private final Node input;
    private final Node state;
    private final Node obs;
    private final DenseEdge dynamics;
    private final DenseEdge control;
    private final DenseEdge observation;
    private final Map<Double, Inference> inferences = new HashMap<>();

    public TpcNetwork(TpcModel model) {
        this.model = model;
        int n = model.stateDim();
        int m = model.b[0].length;
        int p = model.c.length;
        org.pcn4j.kernel.Activation f = model.f == Activation.TANH ? org.pcn4j.kernel.Activation.TANH
                : org.pcn4j.kernel.Activation.IDENTITY;
        prev = net.addNode("prev", n, Energy.GAUSSIAN, 1f);
        input = m == 0 ? null : net.addNode("u", m, Energy.GAUSSIAN, 1f);
        state = net.addNode("x", n, new PrecisionEnergy(Mat.sym(model.qInv)), 1f);
        obs = net.addNode("y", p, new PrecisionEnergy(Mat.sym(model.rInv)), 1f);
        dynamics = net.connect(prev, state, f, Convention.PRE, false);
        control = input == null ? null : net.connect(input, state, org.pcn4j.kernel.Activation.IDENTITY,
                Convention.PRE, false);
        observation = net.connect(state, obs, f, Convention.PRE, false);
        syncWeights();
    }

    /** The engine graph (for checks against the energy). */
    public PcNetwork network() {
        return net;
    }

    public Node previousNode() {
        return prev;
    }

    public Node stateNode() {
        return state;
    }

    public Node observationNode() {
        return obs;
    }

    /** Rounds the model's A, B, C (double) into the edges' float weights. */
    public void syncWeights() {
        copy(model.a, dynamics);
        if (control != null) {
            copy(model.b, control);
        }
        copy(model.c, observation);
    }

    private static void copy(double[][] w, DenseEdge e) {
        float[] d = e.weight().data();
        int cols = w[0].length;
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < cols; j++) {
                d[i * cols + j] = (float) w[i][j];
            }
        }
        e.weightsChanged();
    }

    /**
     * The step for {@code xPrev.length} sequences: prev, u and y clamped to the rows given, x starting
     * at {@code start}, then {@code steps} inference steps of rate {@code eta} by the engine's
     * {@link Inference}. Returns the relaxed x (one row per sequence); the nodes keep the errors at it
     * for {@link #increments()}.
     */
    public double[][] infer(double[][] xPrev, double[][] u, double[][] y, double[][] start, int steps, double eta) {
        int batch = xPrev.length;
        Map<Node, float[]> clamps = new HashMap<>();
        clamps.put(prev, rows(xPrev, model.stateDim()));
        if (input != null) {
            clamps.put(input, rows(u, input.size()));
        }
        clamps.put(obs, rows(y, obs.size()));
        try {
            inference(eta).query(clamps, Map.of(), Map.of(state, rows(start, state.size())), batch, steps);
        } catch (org.pcn4j.model.DivergenceException e) {
            throw new PcnException("the filter diverged (non-finite energy at node " + e.node()
                    + "); try a smaller --state-lr or --lr");
        }
        double[][] x = new double[batch][state.size()];
        float[] s = state.state();
        for (int r = 0; r < batch; r++) {
            for (int i = 0; i < state.size(); i++) {
                x[r][i] = s[r * state.size() + i];
            }
        }
        return x;
    }

    private Inference inference(double eta) {
        return inferences.computeIfAbsent(eta, lr -> new Inference(net,
                InferenceConfig.builder().steps(0).lr(lr).momentum(0).energyTolerance(0).build()));
    }

    /**
     * The local rules' increments at the state {@link #infer} left, from the engine's weight
     * gradients: {@code {dA, dC}} = {-dF/dA, -dF/dC} = {e_x f(xhat_{k-1})^T, e_y f(x_k)^T}, batch means.
     */
    public double[][][] increments() {
        net.computeWeightGradients(1f, false);
        return new double[][][] {negated(dynamics), negated(observation)};
    }

    private static double[][] negated(DenseEdge e) {
        float[] g = e.weightGrad().data();
        int rows = e.to().size();
        int cols = e.from().size();
        double[][] d = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                d[i][j] = -g[i * cols + j];
            }
        }
        return d;
    }

    /** The energy per sequence after the last {@link #infer} (the engine's, summed over nodes). */
    public double[] energies() {
        return net.sampleEnergies();
    }

    private static float[] rows(double[][] v, int size) {
        float[] out = new float[v.length * size];
        for (int r = 0; r < v.length; r++) {
            if (v[r].length != size) {
                throw new PcnException("row " + (r + 1) + " has " + v[r].length + " entries, expected " + size);
            }
            for (int i = 0; i < size; i++) {
                out[r * size + i] = (float) v[r][i];
            }
        }
        return out;
    }
}
