package org.pcn4j.external;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.EdgeKinds;
import org.pcn4j.graph.EdgeSpec;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.GraphModelFile;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Edge;
import org.pcn4j.model.EnergyChecks;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * An edge kind from outside the engine (FabricPC's external custom node test, for edges): it is
 * registered as a graph spec op, passes the shared derivative checks, trains, and round-trips
 * through a graph model file.
 */
class ExternalEdgeTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void register() {
        EdgeKinds.register("gain", new EdgeKinds.Kind() {
            @Override
            public Edge create(PcNetwork network, Node from, Node to, EdgeSpec spec) {
                Object g = spec.options().getOrDefault("init_gain", 1.0);
                return network.add(new GainEdge(from, to, ((Number) g).doubleValue()));
            }

            @Override
            public java.util.Set<String> options() {
                return java.util.Set.of("init_gain");
            }

            @Override
            public long parameterCount(EdgeSpec spec, int fromSize, int toSize) {
                return toSize;
            }
        });
    }

    /** input(5) -> h(6) dense tanh, h -> g(6) by a gain, g -> label(3) dense, and a skip input -> g. */
    private static GraphSpec spec() {
        return GraphSpec.builder().input("input", 5).hidden("h", 6).hidden("g", 6).target("label", 3)
                .edge("input", "h", Activation.TANH)
                .edge(new EdgeSpec("h", "g", Activation.IDENTITY, Convention.PRE, false, "gain"))
                .edge("input", "g")
                .edge("g", "label", Activation.TANH)
                .build();
    }

    @Test
    void passesTheSharedDerivativeChecks() {
        Graph g = Graph.create(spec(), "default", 3);
        assertEquals(6, g.spec().parameterCount(g.spec().edges().get(1)));
        EnergyChecks.randomState(g.network(), g.input(), g.target(), 4, new SplittableRandom(5));
        EnergyChecks.stateGradientsMatchFiniteDifferences(g.network());
        EnergyChecks.weightGradientsMatchFiniteDifferences(g.network());
        EnergyChecks.randomState(g.network(), g.input(), g.target(), 4, new SplittableRandom(6));
        EnergyChecks.energyNeverRisesDuringInference(g.network(), g.input(), g.target());
    }

    @Test
    void aGraphFileNamesTheKindAndItsOptions() {
        String json = "{\"nodes\": [{\"name\": \"x\", \"size\": 4, \"role\": \"input\"},"
                + " {\"name\": \"h\", \"size\": 4}, {\"name\": \"y\", \"size\": 2, \"role\": \"target\"}],"
                + " \"edges\": [{\"from\": \"x\", \"to\": \"h\", \"op\": \"gain\", \"init-gain\": 3},"
                + " {\"from\": \"h\", \"to\": \"y\"}]}";
        GraphSpec s = GraphSpec.fromJson(json, "g.json");
        assertEquals("gain", s.edges().get(0).op());
        assertEquals(3, ((Number) s.edges().get(0).options().get("init_gain")).intValue());
        assertEquals("dense", s.edges().get(1).op());
        Graph g = Graph.create(s, "default", 1);
        for (float v : g.connection("x", "h").parameters().get(0).value()) {
            assertTrue(v > 2.7 && v < 3.3, "gain " + v);
        }
        GraphSpec back = GraphSpec.fromJson(s.toJson(), "metadata");
        assertEquals(s, back);
        org.pcn4j.PcnException e = org.junit.jupiter.api.Assertions.assertThrows(org.pcn4j.PcnException.class,
                () -> GraphSpec.fromJson(json.replace("init-gain", "kernel"), "g.json"));
        assertTrue(e.getMessage().startsWith("g.json: edge 1: unknown key 'kernel'"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(org.pcn4j.PcnException.class,
                () -> GraphSpec.fromJson(json.replace("\"gain\"", "\"conv\""), "g.json"));
        assertTrue(e.getMessage().contains("unknown op 'conv'"), e.getMessage());
    }

    @Test
    void trainsAndRoundTripsThroughAModelFile() {
        Graph g = Graph.create(spec(), "default", 1);
        Edge gain = g.connection("h", "g");
        float[] before = gain.parameters().get(0).value().clone();
        SplittableRandom rng = new SplittableRandom(2);
        int batch = 16;
        float[] x = new float[batch * 5];
        float[] y = new float[batch * 3];
        for (int i = 0; i < batch; i++) {
            int c = rng.nextInt(3);
            y[i * 3 + c] = 1f;
            for (int j = 0; j < 5; j++) {
                x[i * 5 + j] = (float) (j % 3 == c ? 1 : -0.5 + 0.1 * rng.nextDouble());
            }
        }
        TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(10).lr(0.1).momentum(0).build())
                .schedule(org.pcn4j.optim.Schedule.constant(0.02)).build();
        Trainer t = new Trainer(g.network(), g.input(), g.target(), cfg);
        assertTrue(t.weightParams().stream().anyMatch(p -> p.name().equals("h->g.gain")), "the gain is trained");
        double first = t.step(x, y, batch).loss();
        double last = first;
        for (int s = 0; s < 60; s++) {
            last = t.step(x, y, batch).loss();
        }
        assertTrue(last < 0.7 * first, "loss " + first + " -> " + last);
        assertTrue(!java.util.Arrays.equals(before, gain.parameters().get(0).value()), "the gain moved");

        Path file = tmp.resolve("gain.safetensors");
        GraphModelFile.save(file, g, InputAffine.identity(5), null);
        SafeTensors.Contents c = SafeTensors.read(file);
        assertArrayEquals(new int[] {6}, c.get("edges.h->g.gain").shape());
        assertTrue(c.metadata().get("graph").contains("\"op\":\"gain\""), c.metadata().get("graph"));
        Graph back = GraphModelFile.load(file).graph();
        assertArrayEquals(gain.parameters().get(0).value(), back.connection("h", "g").parameters().get(0).value());
        assertArrayEquals(g.edge("g", "label").weight().data(), back.edge("g", "label").weight().data());
    }
}
