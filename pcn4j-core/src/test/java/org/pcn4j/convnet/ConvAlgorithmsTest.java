package org.pcn4j.convnet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Parameter;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.Nudge;
import org.pcn4j.train.NudgeRule;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * The algorithms on a small CNN: one zil (and fpa) step with plain SGD moves every weight as one
 * backprop step does (to 1e-5 relative), and pc, ipc, pc-nudge (positive, negative, centred) and
 * bp all lower the training loss of a fixed batch.
 */
class ConvAlgorithmsTest {
    private static final int BATCH = 6;

    private static float[][] data(Graph g) {
        SplittableRandom rng = new SplittableRandom(21);
        float[] x = new float[BATCH * g.input().size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        int out = g.target().size();
        float[] y = new float[BATCH * out];
        for (int s = 0; s < BATCH; s++) {
            y[s * out + s % out] = 1f;
        }
        return new float[][] {x, y};
    }

    private static List<float[]> weightsAfterOneStep(String act, String conv, String pool, TrainConfig cfg) {
        Graph g = Graph.create(ConvEdgeTest.cnn(act, conv, pool), "default", 42);
        float[][] d = data(g);
        new Trainer(g.network(), g.input(), g.target(), cfg).step(d[0], d[1], BATCH);
        List<float[]> w = new ArrayList<>();
        for (Edge e : g.network().edges()) {
            for (Parameter p : e.parameters()) {
                w.add(p.value().clone());
            }
        }
        return w;
    }

    private static TrainConfig sgd(Algorithm a) {
        return TrainConfig.builder().algorithm(a)
                .inference(InferenceConfig.builder().steps(3).optimizer(OptimizerConfig.Kind.SGD).lr(0.1).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.1)).build();
    }

    @Test
    void oneZilStepEqualsOneBackpropStepOnACnn() {
        String[][] cases = {{"relu", "post", "max"}, {"tanh", "pre", "avg"}, {"gelu", "post", "avg"}};
        for (String[] c : cases) {
            List<float[]> start = weightsAfterOneStep(c[0], c[1], c[2],
                    sgd(Algorithm.BP).toBuilder().schedule(Schedule.constant(0.0)).build());
            List<float[]> bp = weightsAfterOneStep(c[0], c[1], c[2], sgd(Algorithm.BP));
            for (Algorithm a : new Algorithm[] {Algorithm.ZIL, Algorithm.FPA}) {
                List<float[]> other = weightsAfterOneStep(c[0], c[1], c[2], sgd(a));
                for (int t = 0; t < bp.size(); t++) {
                    double num = 0;
                    double den = 0;
                    for (int i = 0; i < bp.get(t).length; i++) {
                        double ub = bp.get(t)[i] - start.get(t)[i];
                        double uo = other.get(t)[i] - start.get(t)[i];
                        num += (uo - ub) * (uo - ub);
                        den += ub * ub;
                    }
                    assertTrue(den > 0, String.join(" ", c) + " tensor " + t + ": the backprop update is zero");
                    double rel = Math.sqrt(num / den);
                    assertTrue(rel < 1e-5, a + " " + String.join(" ", c) + " tensor " + t + ": relative distance "
                            + rel + " from backprop's update");
                }
            }
        }
    }

    @Test
    void everyRuleLowersTheLossOnAFixedBatch() {
        List<TrainConfig> rules = new ArrayList<>();
        TrainConfig base = TrainConfig.builder()
                .inference(InferenceConfig.builder().steps(20).optimizer(OptimizerConfig.Kind.SGD).lr(0.1).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(3e-3)).build();
        for (Algorithm a : new Algorithm[] {Algorithm.PC, Algorithm.IPC, Algorithm.BP}) {
            rules.add(base.toBuilder().algorithm(a).build());
        }
        for (Nudge n : Nudge.values()) {
            rules.add(base.toBuilder().rule(new NudgeRule(n, 0.1)).build());
        }
        for (TrainConfig cfg : rules) {
            Graph g = Graph.create(ConvEdgeTest.cnn("relu", "post", "max"), "default", 42);
            float[][] d = data(g);
            Trainer t = new Trainer(g.network(), g.input(), g.target(), cfg);
            double first = t.step(d[0], d[1], BATCH).loss();
            double last = first;
            for (int i = 0; i < 30; i++) {
                last = t.step(d[0], d[1], BATCH).loss();
            }
            assertTrue(Double.isFinite(last) && last < 0.7 * first, cfg.rule().id() + ": loss " + first + " -> " + last);
        }
    }
}
