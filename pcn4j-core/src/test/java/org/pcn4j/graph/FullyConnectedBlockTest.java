package org.pcn4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.io.GraphModelFile;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.DenseBlock;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.Energy;
import org.pcn4j.model.EnergyChecks;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/** Fully connected blocks: one masked dense edge, equivalent to the per-pair expansion. */
class FullyConnectedBlockTest {
    @TempDir
    Path tmp;

    /** pixels (input), a hidden node, a label (target); a skip edge into the label; one block over all three. */
    private static GraphSpec spec(boolean self, Energy labelEnergy) {
        return GraphSpec.builder().input("px", 5).hidden("h", 4).target("label", 3, labelEnergy)
                .hidden("side", 2).edge("px", "side", Activation.TANH).edge("side", "label")
                .fullyConnected(Activation.TANH, org.pcn4j.model.Convention.PRE, true, self, "px", "h", "label")
                .build();
    }

    /** A random block graph and the per-edge graph with the same weights, copied through the model file. */
    private Graph[] pair(Energy labelEnergy) {
        Graph block = Graph.create(spec(false, labelEnergy), "default", 11);
        Path f = tmp.resolve("block.safetensors");
        GraphModelFile.save(f, block, InputAffine.identity(5), Map.of());
        Graph edges = new Graph(block.spec().expanded());
        SafeTensors.Contents c = SafeTensors.read(f);
        for (DenseEdge e : edges.edges()) {
            float[] w = c.get("edges." + e.name() + ".weight").data();
            System.arraycopy(w, 0, e.weight().data(), 0, w.length);
            float[] b = c.get("edges." + e.name() + ".bias").data();
            System.arraycopy(b, 0, e.bias(), 0, b.length);
            e.weightsChanged();
        }
        assertEquals(c.tensors().size(), 2 * edges.edges().size());
        return new Graph[] {block, edges};
    }

    private static float[] random(SplittableRandom rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextDouble(-1, 1);
        }
        return a;
    }

    /** Half the pixels clamped, the rest free; label free; h and side start at given states. */
    private static void setStates(Graph g, int batch, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        PcNetwork net = g.network();
        net.setBatch(batch);
        net.clearPartialClamps();
        float[] px = random(rng, batch * 5);
        float[] mask = new float[batch * 5];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = rng.nextBoolean() ? 1f : 0f;
        }
        net.clampUnits(g.node("px"), px, mask);
        for (Node n : net.nodes()) {
            if (n != g.node("px")) {
                net.startAt(n, random(rng, batch * n.size()));
            }
        }
    }

    private static void assertClose(float[] a, float[] b, int len, String what) {
        for (int i = 0; i < len; i++) {
            assertEquals(a[i], b[i], 1e-5 + 1e-5 * Math.abs(a[i]), what + "[" + i + "]");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gaussian", "cross_entropy"})
    void blockMatchesThePerEdgeExpansion(String energy) {
        Graph[] g = pair(Energy.parse(energy));
        int batch = 6;
        double[] f = new double[2];
        for (int k = 0; k < 2; k++) {
            setStates(g[k], batch, 5);
            g[k].network().computePredictions();
            f[k] = g[k].network().computeErrors();
            g[k].network().computeStateGradients();
            g[k].network().computeWeightGradients(1f, false);
        }
        assertEquals(f[1], f[0], 1e-5 * Math.abs(f[1]));
        for (String n : new String[] {"px", "h", "label", "side"}) {
            Node a = g[0].node(n);
            Node b = g[1].node(n);
            int len = batch * a.size();
            assertClose(b.prediction(), a.prediction(), len, "mu " + n);
            assertClose(b.gradient(), a.gradient(), len, "dF/dx " + n);
            assertEquals(g[1].network().nodeEnergy(b), g[0].network().nodeEnergy(a), 1e-5);
        }
        DenseBlock blk = g[0].blocks().get(0);
        List<Node> m = blk.members();
        for (int i = 0; i < m.size(); i++) {
            for (int j = 0; j < m.size(); j++) {
                if (i == j) {
                    continue;
                }
                DenseEdge e = g[1].edge(m.get(i).name(), m.get(j).name());
                float[] gw = e.weightGrad().data();
                float[] slice = slice(blk.weightGrad().data(), blk, i, j);
                assertClose(gw, slice, gw.length, "dF/dW " + e.name());
                float[] gb = java.util.Arrays.copyOfRange(blk.biasGrad(), blk.offset(j), blk.offset(j) + m.get(j).size());
                assertClose(e.biasGrad(), gb, gb.length, "dF/db " + e.name());
            }
        }
        assertClose(g[1].edge("px", "side").weightGrad().data(), g[0].edge("px", "side").weightGrad().data(), 10,
                "dF/dW px->side");

        // Inference from a partial clamp through the cyclic block: the same trajectory.
        float[][] label = new float[2][];
        for (int k = 0; k < 2; k++) {
            Trainer t = new Trainer(g[k].network(), g[k].input(), g[k].output(), inferenceOnly(20));
            SplittableRandom rng = new SplittableRandom(9);
            float[] px = random(rng, batch * 5);
            float[] mask = new float[batch * 5];
            for (int i = 0; i < mask.length; i += 2) {
                mask[i] = 1f;
            }
            t.inference().query(Map.of(g[k].node("px"), px), Map.of(g[k].node("px"), mask), Map.of(), batch, 20);
            label[k] = g[k].node("label").state().clone();
        }
        assertClose(label[1], label[0], batch * 3, "label after inference");

        // Pixels and label fully clamped (training): the clamped members' part of the block is cached.
        float[][] h = new float[2][];
        for (int k = 0; k < 2; k++) {
            Trainer t = new Trainer(g[k].network(), g[k].input(), g[k].output(), inferenceOnly(20));
            SplittableRandom rng = new SplittableRandom(4);
            t.inference().query(Map.of(g[k].node("px"), random(rng, batch * 5), g[k].node("label"), random(rng, batch * 3)), batch, 20);
            h[k] = g[k].node("h").state().clone();
        }
        assertClose(h[1], h[0], batch * 4, "h after inference");
    }

    @Test
    void overlappingBlocksMatchTheirExpansion() {
        GraphSpec spec = GraphSpec.builder().input("px", 5).hidden("h", 4).target("label", 3)
                .fullyConnected(Activation.TANH, org.pcn4j.model.Convention.PRE, true, false, "px", "h")
                .fullyConnected(Activation.SIGMOID, org.pcn4j.model.Convention.PRE, true, false, "h", "label")
                .edge("px", "label").build();
        Graph block = Graph.create(spec, "default", 4);
        Path f = tmp.resolve("two.safetensors");
        GraphModelFile.save(f, block, InputAffine.identity(5), Map.of());
        Graph edges = new Graph(spec.expanded());
        SafeTensors.Contents c = SafeTensors.read(f);
        for (DenseEdge e : edges.edges()) {
            System.arraycopy(c.get("edges." + e.name() + ".weight").data(), 0, e.weight().data(), 0, e.weight().size());
            System.arraycopy(c.get("edges." + e.name() + ".bias").data(), 0, e.bias(), 0, e.bias().length);
            e.weightsChanged();
        }
        double[] energy = new double[2];
        Graph[] g = {block, edges};
        for (int k = 0; k < 2; k++) {
            setStates(g[k], 3, 2);
            g[k].network().computePredictions();
            energy[k] = g[k].network().computeErrors();
            g[k].network().computeStateGradients();
        }
        assertEquals(energy[1], energy[0], 1e-5 * Math.abs(energy[1]));
        for (String n : new String[] {"px", "h", "label"}) {
            assertClose(g[1].node(n).prediction(), g[0].node(n).prediction(), 3 * g[0].node(n).size(), "mu " + n);
            assertClose(g[1].node(n).gradient(), g[0].node(n).gradient(), 3 * g[0].node(n).size(), "dF/dx " + n);
        }
        // One bias per node per block, as the expansion has one per edge: the counts agree here.
        assertEquals(spec.expanded().parameterCount(), block.network().parameterCount());
        assertEquals(spec.parameterCount(), block.network().parameterCount());
    }

    @Test
    void backpropFamilyRefusesBlocks() {
        Graph g = new Graph(spec(false, Energy.GAUSSIAN));
        TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.ZIL)
                .inference(InferenceConfig.builder().steps(5).lr(0.1).momentum(0).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.0)).build();
        PcnException e = assertThrows(PcnException.class, () -> new Trainer(g.network(), g.input(), g.output(), cfg));
        assertTrue(e.getMessage().contains("acyclic"), e.getMessage());
    }

    @Test
    void cyclicFeedforwardInitKeepsUnitClampsAndStartingStates() {
        Graph g = Graph.create(spec(true, Energy.GAUSSIAN), "default", 2);
        PcNetwork net = g.network();
        net.setBatch(2);
        net.clearPartialClamps();
        float[] px = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        float[] mask = {1, 1, 0, 0, 0, 1, 1, 0, 0, 0};
        net.clampUnits(g.node("px"), px, mask);
        float[] h = {1, 1, 1, 1, 2, 2, 2, 2};
        net.startAt(g.node("h"), h);
        net.initFeedforward();
        for (int j = 0; j < px.length; j++) {
            if (mask[j] == 1f) {
                assertEquals(px[j], g.node("px").state()[j]);
            }
        }
        assertArrayEquals(h, java.util.Arrays.copyOf(g.node("h").state(), 8));
    }

    private static float[] slice(float[] w, DenseBlock b, int from, int to) {
        int n = b.size();
        int rows = b.members().get(to).size();
        int cols = b.members().get(from).size();
        float[] p = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, (b.offset(to) + r) * n + b.offset(from), p, r * cols, cols);
        }
        return p;
    }

    private static TrainConfig inferenceOnly(int steps) {
        return TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(steps).lr(0.1).momentum(0).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.0)).build();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientsMatchFiniteDifferences(boolean self) {
        Graph g = Graph.create(spec(self, Energy.GAUSSIAN), "default", 3);
        setStates(g, 3, 7);
        // Every unit free (a unit clamp zeroes its gradient by design), the label clamped.
        g.network().clearPartialClamps();
        g.network().clamp(g.node("label"), new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1});
        EnergyChecks.stateGradientsMatchFiniteDifferences(g.network());
        EnergyChecks.blockGradientsMatchFiniteDifferences(g.network());
        EnergyChecks.weightGradientsMatchFiniteDifferences(g.network());
    }

    @Test
    void masksFollowTheSelfOption() {
        DenseBlock pairs = new Graph(spec(false, Energy.GAUSSIAN)).blocks().get(0);
        DenseBlock units = new Graph(spec(true, Energy.GAUSSIAN)).blocks().get(0);
        int n = 12;
        assertEquals(n, pairs.size());
        float[] mp = pairs.mask();
        float[] mu = units.mask();
        // px is units 0..4, h 5..8, label 9..11.
        assertEquals(0f, mp[0 * n + 1]);
        assertEquals(1f, mu[0 * n + 1]);
        assertEquals(0f, mu[3 * n + 3]);
        assertEquals(1f, mp[6 * n + 2]);
        assertEquals(1f, mu[6 * n + 2]);
        assertEquals(12L * 12 - (25 + 16 + 9) + 12, spec(false, Energy.GAUSSIAN).parameterCount(spec(false, Energy.GAUSSIAN).blocks().get(0)));
        assertEquals(12L * 12 - 12 + 12, spec(true, Energy.GAUSSIAN).parameterCount(spec(true, Energy.GAUSSIAN).blocks().get(0)));
        assertEquals(new Graph(spec(true, Energy.GAUSSIAN)).network().parameterCount(), spec(true, Energy.GAUSSIAN).parameterCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd", "adam", "adamw"})
    void maskedWeightsStayZeroThroughTraining(String optimizer) {
        Graph g = Graph.create(spec(true, Energy.GAUSSIAN), "default", 5);
        // Weight decay on: a masked weight stays zero only because it starts at zero and its gradient is masked.
        OptimizerConfig opt = new OptimizerConfig(OptimizerConfig.Kind.parse(optimizer),
                optimizer.equals("sgd") ? 0.9 : 0, false, 0.1, 0.9, 0.999, 1e-8);
        TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(5).lr(0.1).momentum(0).build())
                .optimizer(opt).schedule(Schedule.constant(0.05)).build();
        Trainer t = new Trainer(g.network(), g.input(), g.output(), cfg);
        SplittableRandom rng = new SplittableRandom(1);
        DenseBlock b = g.blocks().get(0);
        float[] before = b.weight().data().clone();
        for (int s = 0; s < 5; s++) {
            float[] y = new float[4 * 3];
            for (int i = 0; i < 4; i++) {
                y[i * 3 + rng.nextInt(3)] = 1f;
            }
            t.step(random(rng, 4 * 5), y, 4);
        }
        float[] w = b.weight().data();
        float[] mask = b.mask();
        boolean moved = false;
        for (int i = 0; i < w.length; i++) {
            if (mask[i] == 0f) {
                assertEquals(0f, w[i], "masked weight " + i);
            } else {
                moved |= w[i] != before[i];
            }
        }
        assertTrue(moved, "training moved the block's weights");
    }

    @Test
    void modelFilesRoundTripAndNameThePairs() {
        Graph g = Graph.create(spec(true, Energy.GAUSSIAN), "default", 8);
        Path f = tmp.resolve("fc.safetensors");
        GraphModelFile.save(f, g, InputAffine.identity(5), Map.of());
        SafeTensors.Contents c = SafeTensors.read(f);
        // 9 pairs (self included) plus px->side and side->label, each with weight and bias.
        assertEquals(2 * (9 + 2), c.tensors().size());
        assertArrayEquals(new int[] {4, 4}, c.get("edges.h->h.weight").shape());
        assertArrayEquals(new int[] {3, 5}, c.get("edges.px->label.weight").shape());
        GraphModelFile.Loaded l = GraphModelFile.load(f);
        assertEquals(g.spec(), l.graph().spec());
        DenseBlock a = g.blocks().get(0);
        DenseBlock b = l.graph().blocks().get(0);
        assertArrayEquals(a.weight().data(), b.weight().data());
        assertArrayEquals(a.bias(), b.bias());
        setStates(g, 2, 1);
        setStates(l.graph(), 2, 1);
        g.network().computePredictions();
        l.graph().network().computePredictions();
        assertEquals(g.network().computeErrors(), l.graph().network().computeErrors());
    }

    @Test
    void specsParseSelfAndRejectBadValues() {
        String nodes = "{\"nodes\": [{\"name\": \"x\", \"size\": 4, \"role\": \"input\"}, {\"name\": \"y\", \"size\": 2, \"role\": \"target\"}],";
        GraphSpec s = GraphSpec.fromJson(nodes + " \"fully_connected\": {\"nodes\": [\"x\", \"y\"], \"activation\": \"tanh\","
                + " \"self\": true}}", "fc.json");
        assertEquals(1, s.blocks().size());
        assertTrue(s.blocks().get(0).self());
        assertTrue(s.edges().isEmpty());
        assertEquals(s, GraphSpec.fromJson(s.toJson(), "again"));
        assertTrue(s.hasCycles());
        PcnException e = assertThrows(PcnException.class, () -> GraphSpec.fromJson(nodes
                + " \"fully_connected\": {\"nodes\": [\"x\", \"y\"], \"self\": \"yes\"}}", "fc.json"));
        assertEquals("fc.json: fully_connected: self must be true or false, not 'yes'", e.getMessage());
        e = assertThrows(PcnException.class, () -> GraphSpec.fromJson(nodes
                + " \"fully_connected\": {\"nodes\": [\"x\", \"y\"], \"self\": true, \"convention\": \"post\"}}", "fc.json"));
        assertEquals("fc.json: fully_connected: self: true needs convention pre", e.getMessage());
        e = assertThrows(PcnException.class, () -> GraphSpec.fromJson(nodes
                + " \"fully_connected\": {\"nodes\": [\"x\", \"z\"]}}", "fc.json"));
        assertEquals("fc.json: fully_connected fc(x,z): unknown node 'z'", e.getMessage());
        assertThrows(PcnException.class, s::expanded);
        // A post block is still expanded into one edge per pair.
        GraphSpec post = GraphSpec.fromJson(nodes + " \"fully_connected\": {\"nodes\": [\"x\", \"y\"], \"convention\": \"post\"}}",
                "fc.json");
        assertEquals(2, post.edges().size());
        assertFalse(post.edges().isEmpty() && post.blocks().isEmpty());
        assertTrue(post.blocks().isEmpty());
    }
}
