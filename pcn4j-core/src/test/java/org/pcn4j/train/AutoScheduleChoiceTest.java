package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Backends;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.model.ParallelSchedule;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/**
 * What {@code auto} chooses for the small net of issue 12 (784-128-128-10, batch 64, T = 5, 2
 * threads): every inference phase and the state optimizer's step by rows, as {@code batch} runs
 * them, in every call (it used to run the first calls after the feedforward initialization as
 * layers and the state step on the caller, 0.660 ms per step against batch's 0.559 on an idle
 * machine). The decision, not a timing; and the same weights as {@code batch}.
 */
class AutoScheduleChoiceTest {
    private static final int BATCH = 64;

    private static Mlp smallNet() {
        Mlp m = new Mlp(new MlpSpec(new int[] {784, 128, 128, 10}, Activation.TANH, Activation.IDENTITY, Convention.POST,
                Energy.GAUSSIAN));
        m.initialize("default", 1);
        return m;
    }

    private static Trainer trainer(Mlp m, ParallelSchedule schedule) {
        TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC).parallel(schedule)
                .inference(InferenceConfig.builder().steps(5).lr(0.05).momentum(0.5).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-4)).build();
        return new Trainer(m.network(), m.input(), m.output(), cfg);
    }

    @Test
    void smallNetRunsInferenceByRowsInEveryCall() {
        int saved = Backends.threads();
        Backends.setThreads(2);
        try {
            float[][] xy = TrainFixtures.batch(784, 10, BATCH, 7);
            float[] x = xy[0];
            float[] y = xy[1];
            Mlp auto = smallNet();
            Mlp rows = smallNet();
            Trainer ta = trainer(auto, ParallelSchedule.AUTO);
            Trainer tr = trainer(rows, ParallelSchedule.BATCH);
            int steps = 3;
            for (int s = 0; s < steps; s++) {
                ta.step(x, y, BATCH);
                tr.step(x, y, BATCH);
            }
            // Per step: the chain, 6 predictions-and-errors calls and 5 state-gradient calls by rows.
            assertEquals("inference=batch " + steps * 12 + " init=batch predictions_errors=batch state_gradients=batch"
                    + " weight_update=layers state_step=batch", auto.network().parallelChoices());
            for (int l = 0; l < auto.layers().size(); l++) {
                assertArrayEquals(rows.layers().get(l).weight().data(), auto.layers().get(l).weight().data(), "layer " + l);
            }
        } finally {
            Backends.setThreads(saved);
        }
    }

    /**
     * Conv edges have no row-range forms: auto never asks for rows there, and the state step stays
     * on the caller (as before this model), so conv graphs keep their gemm/layers choices.
     */
    @Test
    void convGraphNeverRunsByRows() {
        GraphSpec spec = GraphSpec.fromJson("""
                {"nodes": [
                  {"name": "image", "shape": [2, 8, 8], "role": "input"},
                  {"name": "a", "shape": [4, 8, 8]},
                  {"name": "label", "size": 5, "role": "target"}],
                 "edges": [
                  {"from": "image", "to": "a", "op": "conv2d", "kernel": 3, "padding": 1, "activation": "relu"},
                  {"from": "a", "to": "label"}]}
                """, "conv choice graph");
        int saved = Backends.threads();
        Backends.setThreads(2);
        try {
            Graph g = Graph.create(spec, "default", 13);
            TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC).parallel(ParallelSchedule.AUTO)
                    .inference(InferenceConfig.builder().steps(3).lr(0.05).build())
                    .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-4)).build();
            Trainer t = new Trainer(g.network(), g.input(), g.output(), cfg);
            t.step(new float[BATCH * g.input().size()], new float[BATCH * g.output().size()], BATCH);
            String choices = g.network().parallelChoices();
            assertFalse(choices.contains("batch") || choices.contains("state_step"), choices);
            assertEquals(1, g.network().stateStepRanges());
        } finally {
            Backends.setThreads(saved);
        }
    }
}
