package org.pcn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/** Checks of the local rules against the energy they descend, shared by the MLP and graph tests. */
public final class EnergyChecks {
    private EnergyChecks() {}

    /** Clamps a random input and one-hot target and puts every free node at a random state. */
    public static void randomState(PcNetwork net, Node input, Node target, int batch, SplittableRandom rng) {
        net.setBatch(batch);
        float[] x = new float[batch * input.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        float[] y = new float[batch * target.size()];
        for (int s = 0; s < batch; s++) {
            y[s * target.size() + rng.nextInt(target.size())] = 1f;
        }
        net.clamp(input, x);
        net.clamp(target, y);
        for (Node n : net.nodes()) {
            if (!n.isClamped()) {
                float[] s = n.state();
                for (int i = 0; i < batch * n.size(); i++) {
                    s[i] = (float) rng.nextDouble(-1, 1);
                }
                n.touch();
            }
        }
    }

    private static double energy(PcNetwork net) {
        net.computePredictions();
        return net.computeErrors();
    }

    /** dF/dx of every free node against central differences of F (a batch mean; dF/dx is per sample). */
    public static void stateGradientsMatchFiniteDifferences(PcNetwork net) {
        stateGradientsMatchFiniteDifferences(net, 1e-2);
    }

    /**
     * As {@link #stateGradientsMatchFiniteDifferences(PcNetwork)} with step {@code h}: a smaller
     * step for maps with kinks (max pooling), where a 1e-2 step can swap a window's argmax.
     */
    public static void stateGradientsMatchFiniteDifferences(PcNetwork net, double h) {
        int batch = net.batch();
        energy(net);
        net.computeStateGradients();
        for (Node n : net.nodes()) {
            if (n.isClamped()) {
                continue;
            }
            float[] analytic = n.gradient().clone();
            float[] s = n.state();
            for (int i = 0; i < batch * n.size(); i++) {
                float orig = s[i];
                s[i] = (float) (orig + h);
                n.touch();
                double ep = energy(net);
                s[i] = (float) (orig - h);
                n.touch();
                double em = energy(net);
                s[i] = orig;
                n.touch();
                double numeric = (ep - em) / (2 * h) * batch;
                assertEquals(numeric, analytic[i], 2e-3 + 2e-3 * Math.abs(numeric), "dF/dx of " + n.name() + "[" + i + "]");
            }
        }
    }

    /**
     * dF/dtheta of every parameter of every {@link Edge} (dense edges, blocks, any kind) against
     * central differences of F. A block's masked weights have a zero gradient (a perturbation of
     * them is masked away by {@link Edge#weightsChanged()}, so F does not move either).
     */
    public static void weightGradientsMatchFiniteDifferences(PcNetwork net) {
        weightGradientsMatchFiniteDifferences(net, 1e-2);
    }

    /** As {@link #weightGradientsMatchFiniteDifferences(PcNetwork)} with step {@code h} (see the state check). */
    public static void weightGradientsMatchFiniteDifferences(PcNetwork net, double h) {
        energy(net);
        net.computeWeightGradients(1f, false);
        for (Edge e : net.edges()) {
            float[] mask = e instanceof DenseBlock ? ((DenseBlock) e).mask() : null;
            for (Parameter p : e.parameters()) {
                float[] v = p.value();
                float[] g = p.grad().clone();
                for (int k = 0; k < v.length; k++) {
                    float orig = v[k];
                    v[k] = (float) (orig + h);
                    e.weightsChanged();
                    double ep = energy(net);
                    v[k] = (float) (orig - h);
                    e.weightsChanged();
                    double em = energy(net);
                    v[k] = orig;
                    e.weightsChanged();
                    double numeric = (ep - em) / (2 * h);
                    String what = "dF/d" + e.name() + "." + p.name() + "[" + k + "]";
                    if (mask != null && p.name().equals("weight") && mask[k] == 0f) {
                        assertEquals(0.0, g[k], 0.0, "masked " + what);
                    }
                    assertEquals(numeric, g[k], 1e-3 + 2e-3 * Math.abs(numeric), what);
                }
            }
        }
    }

    /** The fully connected blocks' part of {@link #weightGradientsMatchFiniteDifferences} (kept for its callers). */
    public static void blockGradientsMatchFiniteDifferences(PcNetwork net) {
        assertTrue(!net.edges(DenseBlock.class).isEmpty(), "the network has a fully connected block");
        weightGradientsMatchFiniteDifferences(net);
    }

    /** 200 plain state steps at rate 0.02 from the current states: F never rises, and falls overall. */
    public static void energyNeverRisesDuringInference(PcNetwork net, Node input, Node target) {
        int batch = net.batch();
        TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(200).lr(0.02).momentum(0).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.0)).build();
        Trainer t = new Trainer(net, input, target, cfg);
        t.step(input.state().clone(), target.state().clone(), batch);
        List<double[]> trace = t.energyTrace();
        assertEquals(201, trace.size());
        for (int i = 1; i < trace.size(); i++) {
            assertTrue(trace.get(i)[0] <= trace.get(i - 1)[0] * (1 + 1e-6) + 1e-9,
                    "energy rose at step " + i + ": " + trace.get(i - 1)[0] + " -> " + trace.get(i)[0]);
        }
        assertTrue(trace.get(200)[0] < trace.get(0)[0], "inference lowered the energy");
    }
}
