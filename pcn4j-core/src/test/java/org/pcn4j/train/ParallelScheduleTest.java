package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.pcn4j.PcnException;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Backends;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.model.ParallelSchedule;
import org.pcn4j.model.Parameter;
import org.pcn4j.model.PcModel;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.junit.jupiter.api.Test;

/**
 * The thread schedules change who runs each product, never the bits: weights after a few
 * training steps are identical for gemm, layers, auto and batch at 1, 2 and 3 threads, for pc and ipc, on a
 * layered network (products large enough to be split by the kernels too), a graph with a cycle
 * and a fully connected block.
 */
class ParallelScheduleTest {
    private static final int BATCH = 32;

    /** 64-400-200-200-10: h1's state-gradient product (2.6 M multiply-adds) is split, the others are tasks. */
    private static PcModel mlp() {
        Mlp m = new Mlp(new MlpSpec(new int[] {64, 400, 200, 200, 10}, Activation.TANH, Activation.IDENTITY,
                Convention.POST, Energy.GAUSSIAN));
        m.initialize("default", 3);
        return m;
    }

    /** A cycle (h2 -> h0), a skip, an edge from the target back and one into the clamped input. */
    private static PcModel cyclic() {
        GraphSpec spec = GraphSpec.builder().input("in", 64).hidden("h0", 96).hidden("h1", 80).hidden("h2", 72)
                .target("out", 10, Energy.CROSS_ENTROPY)
                .edge("in", "h0", Activation.TANH, Convention.POST, true)
                .edge("h0", "h1", Activation.SIGMOID, Convention.PRE, true)
                .edge("h1", "h2", Activation.TANH, Convention.POST, false)
                .edge("h2", "out", Activation.TANH, Convention.PRE, true)
                .edge("h2", "h0", Activation.TANH, Convention.PRE, true)
                .edge("in", "h2", Activation.IDENTITY, Convention.POST, true)
                .edge("out", "h0", Activation.SIGMOID, Convention.POST, false)
                .edge("h0", "in", Activation.TANH, Convention.PRE, true)
                .build();
        Graph g = Graph.create(spec, "xavier", 5);
        assertFalse(g.network().isAcyclic());
        return g;
    }

    /** One fully connected block over four nodes plus a dense readout: a block's members share tasks. */
    private static PcModel block() {
        GraphSpec spec = GraphSpec.builder().input("image", 48).hidden("h1", 40).hidden("h2", 40)
                .hidden("h3", 24).target("label", 10).fullyConnected(Activation.TANH, Convention.PRE, true, false, "image", "h1", "h2", "label")
                .edge("h1", "h3", Activation.TANH).build();
        return Graph.create(spec, "default", 9);
    }

    /**
     * Conv edges (issue 13): two conv blocks out of the clamped image side by side (one max-pooled),
     * a pre-convention avg-pooled block after one of them, a transposed conv into a node that also
     * has a conv parent, and dense readouts from two shaped nodes.
     */
    private static PcModel conv() {
        GraphSpec spec = GraphSpec.fromJson("""
                {"nodes": [
                  {"name": "image", "shape": [2, 8, 8], "role": "input"},
                  {"name": "a", "shape": [4, 8, 8]},
                  {"name": "b", "shape": [3, 4, 4]},
                  {"name": "c", "shape": [4, 4, 4]},
                  {"name": "label", "size": 5, "role": "target"}],
                 "edges": [
                  {"from": "image", "to": "a", "op": "conv2d", "kernel": 3, "padding": 1, "activation": "relu"},
                  {"from": "image", "to": "b", "op": "conv2d", "kernel": 3, "padding": 1, "pool": "max", "pool_size": 2,
                   "activation": "tanh"},
                  {"from": "b", "to": "a", "op": "conv_transpose2d", "kernel": 2, "stride": 2, "activation": "tanh"},
                  {"from": "a", "to": "c", "op": "conv2d", "kernel": 3, "padding": 1, "pool": "avg", "pool_size": 2,
                   "activation": "relu", "convention": "pre"},
                  {"from": "b", "to": "label"},
                  {"from": "c", "to": "label"}]}
                """, "conv test graph");
        return Graph.create(spec, "default", 13);
    }

    private static List<float[]> train(Supplier<PcModel> make, Algorithm alg, ParallelSchedule schedule, int threads,
                                       int steps) {
        return train(make, alg, schedule, threads, steps, OptimizerConfig.adamw(0), 0);
    }

    private static List<float[]> train(Supplier<PcModel> make, Algorithm alg, ParallelSchedule schedule, int threads,
                                       int steps, OptimizerConfig optimizer, double clip) {
        return train(make, alg, schedule, threads, steps, optimizer, clip,
                InferenceConfig.builder().steps(5).lr(0.05).momentum(0.5).build());
    }

    private static List<float[]> train(Supplier<PcModel> make, Algorithm alg, ParallelSchedule schedule, int threads,
                                       int steps, OptimizerConfig optimizer, double clip, InferenceConfig inference) {
        int saved = Backends.threads();
        Backends.setThreads(threads);
        try {
            PcModel model = make.get();
            TrainConfig cfg = TrainConfig.builder().algorithm(alg).parallel(schedule)
                    .inference(inference)
                    .optimizer(optimizer).schedule(Schedule.constant(1e-3)).clipNorm(clip).build();
            Trainer t = new Trainer(model.network(), model.input(), model.output(), cfg);
            assertEquals(schedule, model.network().parallel());
            SplittableRandom rng = new SplittableRandom(11);
            int in = model.input().size();
            int out = model.output().size();
            for (int s = 0; s < steps; s++) {
                float[][] xy = TrainFixtures.batch(in, out, BATCH, rng);
                t.step(xy[0], xy[1], BATCH);
            }
            List<float[]> w = new ArrayList<>();
            for (Edge e : model.network().edges()) {
                for (Parameter p : e.parameters()) {
                    w.add(p.value().clone());
                }
            }
            return w;
        } finally {
            Backends.setThreads(saved);
        }
    }

    private static void assertSameBits(List<float[]> expected, List<float[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            float[] e = expected.get(i);
            float[] a = actual.get(i);
            assertEquals(e.length, a.length, what);
            for (int j = 0; j < e.length; j++) {
                if (Float.floatToRawIntBits(e[j]) != Float.floatToRawIntBits(a[j])) {
                    throw new AssertionError(what + ": parameter " + i + "[" + j + "] " + a[j] + " != " + e[j]);
                }
            }
        }
    }

    /** Offset states (each schedule computes the offset errors in its own tasks): the same bits everywhere. */
    @Test
    void offsetStatesGiveTheSameBitsOnEveryScheduleAndThreadCount() {
        InferenceConfig inf = InferenceConfig.builder().steps(5).lr(0.05).momentum(0.5).backtrack(true)
                .offsetStates(true).build();
        List<float[]> ref = train(ParallelScheduleTest::mlp, Algorithm.PC, ParallelSchedule.GEMM, 1, 4,
                OptimizerConfig.adamw(0), 0, inf);
        for (ParallelSchedule s : ParallelSchedule.values()) {
            for (int threads = 1; threads <= 3; threads++) {
                assertSameBits(ref, train(ParallelScheduleTest::mlp, Algorithm.PC, s, threads, 4, OptimizerConfig.adamw(0),
                        0, inf), "offsets " + s.id() + " x" + threads);
            }
        }
    }

    private static void checkAllSchedules(String name, Supplier<PcModel> make) {
        for (Algorithm alg : new Algorithm[] {Algorithm.PC, Algorithm.IPC}) {
            List<float[]> ref = train(make, alg, ParallelSchedule.GEMM, 1, 4);
            // The weights moved: the comparison is not between untouched initial values.
            List<float[]> init = train(make, alg, ParallelSchedule.GEMM, 1, 0);
            assertFalse(java.util.Arrays.equals(ref.get(0), init.get(0)), name + ": training changed nothing");
            for (ParallelSchedule s : ParallelSchedule.values()) {
                for (int threads = 1; threads <= 3; threads++) {
                    assertSameBits(ref, train(make, alg, s, threads, 4), name + " " + alg.id() + " " + s.id() + " x" + threads);
                }
            }
        }
    }

    @Test
    void optimizerStepsInTasksAndChunksKeepTheBits() {
        // The weight update runs per edge in tasks (h1->h2's step, 80 k entries, alone and in chunks):
        // SGD with momentum and weight decay, Adam with L2 decay, and clipping (a separate step phase).
        OptimizerConfig sgd = new OptimizerConfig(OptimizerConfig.Kind.SGD, 0.9, true, 1e-3, 0.9, 0.999, 1e-8);
        OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 0, false, 1e-2, 0.9, 0.999, 1e-8);
        for (OptimizerConfig o : new OptimizerConfig[] {sgd, adam}) {
            for (double clip : new double[] {0, 0.05}) {
                List<float[]> ref = train(ParallelScheduleTest::mlp, Algorithm.PC, ParallelSchedule.GEMM, 1, 4, o, clip);
                // gemm at 2-3 threads and auto at 3 are covered by the tests below; here the tasks.
                for (int threads = 1; threads <= 3; threads++) {
                    assertSameBits(ref, train(ParallelScheduleTest::mlp, Algorithm.PC, ParallelSchedule.LAYERS, threads, 4, o,
                            clip), o.kind() + " clip " + clip + " layers x" + threads);
                }
                assertSameBits(ref, train(ParallelScheduleTest::mlp, Algorithm.PC, ParallelSchedule.AUTO, 2, 4, o, clip),
                        o.kind() + " clip " + clip + " auto x2");
            }
        }
    }

    @Test
    void layeredNetworkIsBitIdenticalUnderEverySchedule() {
        checkAllSchedules("mlp", ParallelScheduleTest::mlp);
    }

    /** bp's backward sweep runs by rows under batch (and under auto after an init by rows): the same bits. */
    @Test
    void backpropIsBitIdenticalUnderEverySchedule() {
        List<float[]> ref = train(ParallelScheduleTest::mlp, Algorithm.BP, ParallelSchedule.GEMM, 1, 4);
        assertFalse(java.util.Arrays.equals(ref.get(0), train(ParallelScheduleTest::mlp, Algorithm.BP, ParallelSchedule.GEMM, 1,
                0).get(0)), "training changed nothing");
        for (ParallelSchedule s : ParallelSchedule.values()) {
            for (int threads = 1; threads <= 3; threads++) {
                assertSameBits(ref, train(ParallelScheduleTest::mlp, Algorithm.BP, s, threads, 4), "mlp bp " + s.id() + " x" + threads);
            }
        }
    }

    @Test
    void cyclicGraphIsBitIdenticalUnderEverySchedule() {
        checkAllSchedules("cyclic", ParallelScheduleTest::cyclic);
    }

    @Test
    void fullyConnectedBlockIsBitIdenticalUnderEverySchedule() {
        checkAllSchedules("block", ParallelScheduleTest::block);
    }

    @Test
    void convGraphIsBitIdenticalUnderEverySchedule() {
        checkAllSchedules("conv", ParallelScheduleTest::conv);
    }

    @Test
    void autoDecidesPerPhaseAndKeepsTheBits() {
        // 70 steps: past auto's warm-up and timed samples in every phase (the weight phase runs once a step).
        List<float[]> ref = train(ParallelScheduleTest::mlp, Algorithm.PC, ParallelSchedule.GEMM, 1, 70);
        int saved = Backends.threads();
        Backends.setThreads(2);
        try {
            PcModel m = mlp();
            TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC).parallel(ParallelSchedule.AUTO)
                    .inference(InferenceConfig.builder().steps(5).lr(0.05).momentum(0.5).build())
                    .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-3)).build();
            assertEquals(ParallelSchedule.AUTO, cfg.parallel());
            assertSameBits(ref, train(ParallelScheduleTest::mlp, Algorithm.PC, ParallelSchedule.AUTO, 2, 70), "auto x2");
            Trainer t = new Trainer(m.network(), m.input(), m.output(), cfg);
            float[] x = new float[BATCH * 64];
            float[] y = new float[BATCH * 10];
            for (int s = 0; s < 70; s++) {
                t.step(x, y, BATCH);
            }
            // The cost model decides per call; every phase that ran is listed with what it chose.
            String choices = m.network().parallelChoices();
            assertTrue(choices.contains("predictions_errors="), choices);
            assertTrue(choices.contains("state_gradients="), choices);
            assertTrue(choices.contains("weight_update="), choices);
        } finally {
            Backends.setThreads(saved);
        }
    }

    @Test
    void taskTimerReportsEveryPhaseWithoutChangingResults() {
        List<float[]> ref = train(ParallelScheduleTest::mlp, Algorithm.PC, ParallelSchedule.GEMM, 1, 2);
        PcModel m = mlp();
        java.util.Map<String, Integer> tasks = new java.util.TreeMap<>();
        m.network().setTaskTimer((phase, nanos, costs) -> {
            assertEquals(nanos.length, costs.length);
            tasks.merge(phase, nanos.length, Math::max);
        });
        TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(5).lr(0.05).momentum(0.5).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-3)).build();
        Trainer t = new Trainer(m.network(), m.input(), m.output(), cfg);
        SplittableRandom rng = new SplittableRandom(11);
        for (int s = 0; s < 2; s++) {
            float[][] xy = TrainFixtures.batch(64, 10, BATCH, rng);
            t.step(xy[0], xy[1], BATCH);
        }
        // 4 predicted nodes (predictions and errors in one task each), 5 nodes with state gradients,
        // 4 edges (gradient, optimizer step and packing, one task each, profiled in three parts); init lists the order.
        assertEquals(java.util.Map.of("init", 5, "predictions_errors", 4, "state_gradients", 5, "weight_gradients", 4,
                "weight_steps", 4, "weight_prepare", 4), tasks);
        List<float[]> w = new ArrayList<>();
        for (Edge e : m.network().edges()) {
            for (Parameter p : e.parameters()) {
                w.add(p.value());
            }
        }
        assertSameBits(ref, w, "profiled");
    }

    /**
     * The batch schedule really runs by rows where it can (and says so), and falls back where an
     * edge has no row-range forms: training on the MLP and the cyclic graph reports its row phases,
     * the block graph none.
     */
    @Test
    void batchScheduleSplitsRowsWhereEveryEdgeCan() {
        int saved = Backends.threads();
        Backends.setThreads(2);
        try {
            for (Supplier<PcModel> make : List.<Supplier<PcModel>>of(ParallelScheduleTest::mlp, ParallelScheduleTest::cyclic,
                    ParallelScheduleTest::block)) {
                PcModel m = make.get();
                TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC).parallel(ParallelSchedule.BATCH)
                        .inference(InferenceConfig.builder().steps(3).lr(0.05).build())
                        .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-3)).build();
                Trainer t = new Trainer(m.network(), m.input(), m.output(), cfg);
                t.step(new float[BATCH * m.input().size()], new float[BATCH * m.output().size()], BATCH);
                String choices = m.network().parallelChoices();
                boolean rows = m.network().edges(org.pcn4j.model.DenseBlock.class).isEmpty();
                // init, then per step: state gradients and predictions with errors (3 steps), plus the first errors
                assertEquals(rows, choices.startsWith("inference=batch 8"), choices);
            }
        } finally {
            Backends.setThreads(saved);
        }
    }

    /**
     * Queries under batch: a free cross-entropy output (its state settles to softmax(mu) per
     * row), an input clamped unit by unit, a state started by hand, Langevin-free inference: the
     * states after inference are the same bits at 1, 2 and 3 threads as under gemm.
     */
    @Test
    void batchScheduleQueriesAreBitIdentical() {
        int batch = 29; // rows 9 + 10 + 10 on three threads: ranges that are not multiples of a kernel tile
        List<float[]> ref = null;
        for (ParallelSchedule s : new ParallelSchedule[] {ParallelSchedule.GEMM, ParallelSchedule.BATCH}) {
            for (int threads = 1; threads <= 3; threads++) {
                int saved = Backends.threads();
                Backends.setThreads(threads);
                try {
                    Mlp m = new Mlp(new MlpSpec(new int[] {64, 90, 70, 10}, Activation.TANH, Activation.IDENTITY,
                            Convention.PRE, Energy.CROSS_ENTROPY));
                    m.initialize("default", 4);
                    m.network().setParallel(s);
                    SplittableRandom rng = new SplittableRandom(3);
                    float[] x = new float[batch * 64];
                    float[] mask = new float[batch * 64];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) rng.nextDouble(-1, 1);
                        mask[i] = rng.nextInt(3) == 0 ? 0f : 1f;
                    }
                    org.pcn4j.model.Node hidden = m.network().nodes().get(1);
                    float[] start = new float[batch * hidden.size()];
                    for (int i = 0; i < start.length; i++) {
                        start[i] = (float) rng.nextDouble(-0.5, 0.5);
                    }
                    Inference inf = new Inference(m.network(), InferenceConfig.builder().steps(6).lr(0.1).momentum(0.3).build());
                    inf.query(java.util.Map.of(m.input(), x), java.util.Map.of(m.input(), mask),
                            java.util.Map.of(hidden, start), batch, 6);
                    List<float[]> states = new ArrayList<>();
                    for (org.pcn4j.model.Node n : m.network().nodes()) {
                        states.add(java.util.Arrays.copyOf(n.state(), batch * n.size()));
                        states.add(java.util.Arrays.copyOf(n.prediction(), batch * n.size()));
                    }
                    double[] energies = new double[inf.energyTrace().size()];
                    for (int i = 0; i < energies.length; i++) {
                        energies[i] = inf.energyTrace().get(i)[0];
                    }
                    states.add(toFloats(energies));
                    if (ref == null) {
                        ref = states;
                    } else {
                        assertSameBits(ref, states, "query " + s.id() + " x" + threads);
                    }
                    if (s == ParallelSchedule.BATCH && threads > 1) {
                        assertTrue(m.network().parallelChoices().startsWith("inference=batch"), m.network().parallelChoices());
                    }
                } finally {
                    Backends.setThreads(saved);
                }
            }
        }
    }

    /** The energies as float bits pairs (so assertSameBits compares doubles exactly). */
    private static float[] toFloats(double[] d) {
        float[] f = new float[2 * d.length];
        for (int i = 0; i < d.length; i++) {
            long bits = Double.doubleToRawLongBits(d[i]);
            f[2 * i] = Float.intBitsToFloat((int) (bits >>> 32));
            f[2 * i + 1] = Float.intBitsToFloat((int) bits);
        }
        return f;
    }

    @Test
    void unknownScheduleIsAOneLineError() {
        PcnException e = assertThrows(PcnException.class, () -> ParallelSchedule.parse("threads"));
        assertEquals("unknown --parallel value 'threads' (expected gemm, layers, auto or batch)", e.getMessage());
        assertEquals(ParallelSchedule.LAYERS, ParallelSchedule.parse(" Layers "));
        assertEquals(ParallelSchedule.BATCH, ParallelSchedule.parse("BATCH"));
        assertArrayEquals(new ParallelSchedule[] {ParallelSchedule.GEMM, ParallelSchedule.LAYERS, ParallelSchedule.AUTO,
            ParallelSchedule.BATCH}, ParallelSchedule.values());
    }
}
