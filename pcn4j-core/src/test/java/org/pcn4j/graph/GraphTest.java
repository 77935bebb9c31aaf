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
import org.pcn4j.io.ModelFile;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.EnergyChecks;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;
import org.pcn4j.util.Json;

/** Graph specs, the graph front end on the engine, and graph model files. */
class GraphTest {
    @TempDir
    Path tmp;

    static GraphSpec chain() {
        return GraphSpec.builder().input("image", 64).hidden("h1", 32).target("label", 10)
                .edge("image", "h1", Activation.TANH).edge("h1", "label", Activation.TANH).build();
    }

    private static TrainConfig config(Algorithm alg) {
        return TrainConfig.builder().algorithm(alg)
                .inference(InferenceConfig.builder().steps(8).lr(0.1).momentum(0.5).build())
                .optimizer(OptimizerConfig.adamw(0.0)).schedule(Schedule.constant(1e-2)).build();
    }

    /** A chain graph is the layered network in the pre convention: bit for bit. */
    @ParameterizedTest
    @ValueSource(strings = {"pc", "bp", "ipc", "fpa", "zil"})
    void chainGraphEqualsThePreConventionMlp(String algorithm) {
        Algorithm alg = Algorithm.parse(algorithm);
        Mlp mlp = new Mlp(new MlpSpec(new int[] {64, 32, 10}, Activation.TANH, Activation.IDENTITY, Convention.PRE,
                Energy.GAUSSIAN));
        mlp.initialize("default", 7);
        Graph g = Graph.create(chain(), "default", 7);
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(mlp.layers().get(l).weight().data(), g.edges().get(l).weight().data());
            assertArrayEquals(mlp.layers().get(l).bias(), g.edges().get(l).bias());
        }
        Trainer a = new Trainer(mlp.network(), mlp.input(), mlp.output(), config(alg));
        Trainer b = new Trainer(g.network(), g.input(), g.output(), config(alg));
        SplittableRandom rng = new SplittableRandom(3);
        int batch = 16;
        for (int step = 0; step < 3; step++) {
            float[] x = new float[batch * 64];
            float[] y = new float[batch * 10];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble(-1, 1);
            }
            for (int s = 0; s < batch; s++) {
                y[s * 10 + rng.nextInt(10)] = 1f;
            }
            assertEquals(a.step(x, y, batch), b.step(x, y, batch));
        }
        for (int l = 0; l < 2; l++) {
            assertArrayEquals(mlp.layers().get(l).weight().data(), g.edges().get(l).weight().data(), alg + " W" + l);
            assertArrayEquals(mlp.layers().get(l).bias(), g.edges().get(l).bias(), alg + " b" + l);
        }
        assertEquals(mlp.depth(), g.depth());
    }

    /** A random graph with a cycle, a skip and both conventions; input and target clamped, free states random. */
    static Graph randomCyclic(long seed, Energy targetEnergy, int batch) {
        SplittableRandom rng = new SplittableRandom(seed);
        Activation[] fs = {Activation.TANH, Activation.SIGMOID, Activation.GELU, Activation.IDENTITY};
        GraphSpec.Builder b = GraphSpec.builder().input("in", 3 + rng.nextInt(4));
        int hidden = 2 + rng.nextInt(2);
        for (int i = 0; i < hidden; i++) {
            b.hidden("h" + i, 2 + rng.nextInt(5));
        }
        b.node(new NodeSpec("out", 3, Role.TARGET, targetEnergy, 1f));
        String prev = "in";
        for (int i = 0; i < hidden; i++) {
            b.edge(prev, "h" + i, fs[rng.nextInt(fs.length)], rng.nextBoolean() ? Convention.PRE : Convention.POST,
                    rng.nextBoolean());
            prev = "h" + i;
        }
        b.edge(prev, "out", Activation.TANH, Convention.PRE, true);
        b.edge("h" + (hidden - 1), "h0", Activation.TANH, Convention.PRE, true); // the cycle
        b.edge("in", "h" + (hidden - 1), Activation.IDENTITY, Convention.POST, true); // a skip
        b.edge("out", "h0", Activation.SIGMOID, Convention.POST, false); // from the target back
        b.edge("h0", "in", Activation.TANH, Convention.PRE, true); // into the clamped input
        Graph g = Graph.create(b.build(), "xavier", seed);
        assertTrue(g.spec().hasCycles());
        assertFalse(g.network().isAcyclic());
        EnergyChecks.randomState(g.network(), g.input(), g.target(), batch, rng);
        return g;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void stateAndWeightGradientsOfCyclicGraphsMatchFiniteDifferences(long seed) {
        Graph g = randomCyclic(seed, seed % 2 == 0 ? Energy.CROSS_ENTROPY : Energy.GAUSSIAN, 3);
        EnergyChecks.stateGradientsMatchFiniteDifferences(g.network());
        EnergyChecks.weightGradientsMatchFiniteDifferences(g.network());
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6, 7})
    void energyNeverRisesDuringInferenceOnACyclicGraph(long seed) {
        Graph g = randomCyclic(seed, Energy.GAUSSIAN, 5);
        EnergyChecks.energyNeverRisesDuringInference(g.network(), g.input(), g.output());
    }

    @Test
    void backpropOnACyclicGraphIsAOneLineError() {
        Graph g = randomCyclic(1, Energy.GAUSSIAN, 2);
        Trainer t = new Trainer(g.network(), g.input(), g.output(), config(Algorithm.BP));
        PcnException e = assertThrows(PcnException.class,
                () -> t.step(g.input().state().clone(), g.target().state().clone(), 2));
        assertTrue(e.getMessage().contains("acyclic"), e.getMessage());
    }

    @Test
    void mapsJsonAndTheBuilderAgree() {
        GraphSpec built = GraphSpec.builder().input("image", 64).hidden("h1", 64).hidden("h2", 32)
                .target("label", 10, Energy.CROSS_ENTROPY)
                .edge("image", "h1", Activation.TANH).edge("h1", "h2", Activation.TANH).edge("h2", "label")
                .edge("image", "h2").edge("h2", "h1", Activation.TANH).build();
        String json = "{\"nodes\": [{\"name\": \"image\", \"size\": 64, \"role\": \"input\"}, {\"name\": \"h1\", \"size\": 64},"
                + " {\"name\": \"h2\", \"size\": 32}, {\"name\": \"label\", \"size\": 10, \"role\": \"target\","
                + " \"energy\": \"cross_entropy\"}], \"edges\": [{\"from\": \"image\", \"to\": \"h1\", \"activation\": \"tanh\"},"
                + " {\"from\": \"h1\", \"to\": \"h2\", \"activation\": \"tanh\"}, {\"from\": \"h2\", \"to\": \"label\"},"
                + " {\"from\": \"image\", \"to\": \"h2\"}, {\"from\": \"h2\", \"to\": \"h1\", \"activation\": \"tanh\"}]}";
        assertEquals(built, GraphSpec.fromJson(json, "g.json"));
        assertEquals(built, GraphSpec.fromJson(built.toJson(), "again"));
        assertEquals(built, GraphSpec.fromMap(built.toMap(), "map"));
        assertTrue(built.hasCycles());
        assertEquals(Set(new EdgeSpec("h2", "h1", Activation.TANH, Convention.PRE, true)), built.backEdges());
        assertEquals(Map.of("image", 0, "h1", 1, "h2", 2, "label", 3), built.layers());
        assertEquals(64L * 64 + 64 + 64 * 32 + 32 + 32 * 10 + 10 + 64 * 32 + 32 + 32 * 64 + 64, built.parameterCount());
    }

    private static java.util.Set<EdgeSpec> Set(EdgeSpec e) {
        return java.util.Set.of(e);
    }

    @Test
    void fullyConnectedBlocksStandForEveryOrderedPair() {
        String json = "{\"nodes\": [{\"name\": \"x\", \"size\": 4, \"role\": \"input\"}, {\"name\": \"a\", \"size\": 3},"
                + " {\"name\": \"y\", \"size\": 2, \"role\": \"target\"}],"
                + " \"fully_connected\": {\"nodes\": [\"x\", \"a\", \"y\"], \"activation\": \"tanh\", \"bias\": false}}";
        GraphSpec s = GraphSpec.fromJson(json, "fc.json");
        assertEquals(0, s.edges().size());
        assertEquals(1, s.blocks().size());
        assertEquals(6, s.allEdges().size());
        assertEquals(6, s.expanded().edges().size());
        assertEquals(s.expanded().parameterCount(), s.parameterCount());
        for (EdgeSpec e : s.allEdges()) {
            assertFalse(e.from().equals(e.to()));
            assertEquals(Activation.TANH, e.activation());
            assertFalse(e.bias());
        }
        assertEquals(s, GraphSpec.builder().input("x", 4).hidden("a", 3).target("y", 2)
                .fullyConnected(Activation.TANH, Convention.PRE, false, "x", "a", "y").build());
    }

    @Test
    void validationErrorsNameTheProblem() {
        assertError("g: edge image->nowhere: unknown node 'nowhere'", GraphSpec.builder().input("image", 4)
                .target("label", 2).edge("image", "label").edge("image", "nowhere"));
        assertError("g: duplicate node name 'h'", GraphSpec.builder().input("image", 4).hidden("h", 3).hidden("h", 3)
                .target("label", 2).edge("image", "label"));
        assertError("g: no input node", GraphSpec.builder().hidden("image", 4).target("label", 2).edge("image", "label"));
        assertError("g: no target node", GraphSpec.builder().input("image", 4).hidden("label", 2).edge("image", "label"));
        assertError("g: node 'lonely' has no edge", GraphSpec.builder().input("image", 4).hidden("lonely", 3)
                .target("label", 2).edge("image", "label"));
        assertError("g: target node 'label' has no incoming edge", GraphSpec.builder().input("image", 4)
                .target("label", 2).edge("label", "image"));
        assertError("g: 2 input nodes (a, b)", GraphSpec.builder().input("a", 4).input("b", 4)
                .target("label", 2).edge("a", "label").edge("b", "label"));
        assertError("g: duplicate edge a->label", GraphSpec.builder().input("a", 4)
                .target("label", 2).edge("a", "label").edge("a", "label"));
        assertError("g: node 'a' has size 0", GraphSpec.builder().input("a", 0).target("label", 2).edge("a", "label"));
        PcnException e = assertThrows(PcnException.class, () -> GraphSpec.fromJson(
                "{\"nodes\": [{\"name\": \"a\", \"size\": 2, \"role\": \"boss\"}]}", "r.json"));
        assertEquals("r.json: node 'a': unknown role 'boss' (expected input, target or hidden)", e.getMessage());
        e = assertThrows(PcnException.class, () -> GraphSpec.fromJson("{\"nodes\": [], \"edgez\": []}", "k.json"));
        assertTrue(e.getMessage().startsWith("k.json: unknown key 'edgez'"), e.getMessage());
    }

    private static void assertError(String prefix, GraphSpec.Builder b) {
        PcnException e = assertThrows(PcnException.class, () -> b.spec().validate("g"));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void graphModelFilesRoundTrip() {
        Graph g = randomCyclic(9, Energy.CROSS_ENTROPY, 2);
        Path f = tmp.resolve("g.safetensors");
        ModelFile.save(f, g, InputAffine.uniform(g.input().size(), 0.5f, -1f), Map.of("classes", "[\"a\",\"b\",\"c\"]"));
        SafeTensors.Contents c = SafeTensors.read(f);
        assertEquals("graph", c.metadata().get("model_type"));
        assertEquals(g.spec(), GraphSpec.fromJson(c.metadata().get("graph"), "meta"));
        assertArrayEquals(new int[] {g.node("h1").size(), g.node("h0").size()}, c.get("edges.h0->h1.weight").shape());
        assertTrue(c.tensors().containsKey("edges.out->h0.weight"));
        assertFalse(c.tensors().containsKey("edges.out->h0.bias"));
        ModelFile.LoadedModel m = ModelFile.loadModel(f);
        assertEquals("graph", m.type());
        Graph back = (Graph) m.model();
        assertEquals(g.spec(), back.spec());
        for (int i = 0; i < g.edges().size(); i++) {
            assertArrayEquals(g.edges().get(i).weight().data(), back.edges().get(i).weight().data());
            if (g.edges().get(i).bias() != null) {
                assertArrayEquals(g.edges().get(i).bias(), back.edges().get(i).bias());
            }
        }
        assertEquals(0.5f, m.affine().scale(0));
        assertEquals(-1f, m.affine().offset(0));
        assertEquals(List.of("a", "b", "c"), m.classNames());
        assertEquals(g.spec(), GraphModelFile.load(f).graph().spec());
        PcnException e = assertThrows(PcnException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("not a layered model"), e.getMessage());
        assertTrue(Json.parseObject(c.metadata().get("graph")).containsKey("nodes"));
    }
}
