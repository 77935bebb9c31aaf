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

    /**
     * The sampled local rules (Monte-Carlo PC): Langevin chains of x_k that start at {@code mean} (the
     * state inference found) with prev, u and y clamped as for {@link #infer}, each step
     * {@code x <- x - eta dF/dx + sqrt(2 eta) xi}, xi ~ N(0, I) per unit. F_k is the negative log
     * posterior of x_k (the precisions Q^-1 and R^-1 are in it), so this samples the posterior without
     * knowing its covariance. After {@code s.burnIn()} steps each of the next {@code s.samples()}
     * states adds its ordinary local increments (e_x f(xhat_{k-1})^T, e_y f(x_k)^T: the engine's weight
     * gradients, accumulated) with weight 1/samples. In expectation that is the gradient of the
     * expected energy under the posterior, which for C is the plain rule plus the spread term that
     * {@code --variance-correction} computes from the inverse Hessian; here it comes from local
     * quantities only. With {@code s.antithetic()} every chain has a mirror chain (its own batch row)
     * driven by -xi: the part of the increment linear in the noise cancels exactly, which removes the
     * large e_y xi^T and C xi x^T noise terms and leaves the spread. Returns {dA, dC} (means over the
     * chains and samples); the chains' noise comes from {@code rng}.
     */
    public double[][][] sampledIncrements(double[][] xPrev, double[][] u, double[][] y, double[][] mean,
            TpcLearner.Sampling s, java.util.SplittableRandom rng) {
        int seqs = xPrev.length;
        int chains = s.antithetic() ? 2 : 1;
        int n = state.size();
        Map<Node, float[]> clamps = new HashMap<>();
        clamps.put(prev, rows(tile(xPrev, chains), n));
        if (input != null) {
            clamps.put(input, rows(tile(u, chains), input.size()));
        }
        clamps.put(obs, rows(tile(y, chains), obs.size()));
        Inference inf = inference(s.stateLr());
        double sd = Math.sqrt(2 * s.stateLr());
        Inference.StepHook noise = new Inference.StepHook() {
            @Override
            public void afterStateStep() {
                float[] x = state.state();
                for (int r = 0; r < seqs; r++) {
                    for (int i = 0; i < n; i++) {
                        float z = (float) (sd * gaussian(rng));
                        x[r * n + i] += z;
                        if (chains == 2) {
                            x[(r + seqs) * n + i] -= z;
                        }
                    }
                }
                state.touch();
            }
        };
        try {
            inf.query(clamps, Map.of(), Map.of(state, rows(tile(mean, chains), n)), seqs * chains, 0);
            float w = 1f / s.samples();
            for (int t = 1; t <= s.burnIn() + s.samples(); t++) {
                inf.relax(1, noise);
                if (t > s.burnIn()) {
                    net.computeWeightGradients(w, t > s.burnIn() + 1);
                }
            }
        } catch (org.pcn4j.model.DivergenceException e) {
            throw new PcnException("the sampling chains diverged (non-finite energy at node " + e.node()
                    + "); try a smaller --sample-lr");
        }
        return new double[][][] {negated(dynamics), negated(observation)};
    }

    private static double[][] tile(double[][] v, int times) {
        double[][] out = new double[v.length * times][];
        for (int t = 0; t < times; t++) {
            System.arraycopy(v, 0, out, t * v.length, v.length);
        }
        return out;
    }

    /** Box-Muller, as the engine's Langevin noise, from a seeded generator (runs are reproducible). */
    private static double gaussian(java.util.SplittableRandom rng) {
        double a = 1 - rng.nextDouble();
        double b = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
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
