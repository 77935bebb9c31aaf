package org.pcn4j.convnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.GraphModelFile;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.model.Edge;
import org.pcn4j.model.EnergyChecks;
import org.pcn4j.model.Parameter;

/** Conv edges on shaped nodes: derivative checks on odd sizes, shape errors, model files. */
class ConvEdgeTest {
    /** The states' seed (-Dseed=N to try others). */
    static final long SEED = Long.getLong("seed", 1);
    @TempDir
    Path tmp;

    /** image [2,7,5] -conv 3x3 pad 1-> c1 [3,7,5] -conv 2x2, pool 2-> c2 [4,3,2] -dense-> label 3. */
    static GraphSpec cnn(String act, String conv, String pool) {
        return GraphSpec.fromJson("""
                {"nodes": [{"name": "image", "shape": [2, 7, 5], "role": "input"},
                           {"name": "c1", "shape": [3, 7, 5]},
                           {"name": "c2", "shape": [4, 3, 2]},
                           {"name": "label", "size": 3, "role": "target"}],
                 "edges": [{"from": "image", "to": "c1", "op": "conv2d", "kernel": 3, "padding": 1,
                            "activation": "%1$s", "convention": "%2$s"},
                           {"from": "c1", "to": "c2", "op": "conv2d", "kernel": [2, 2], "pool": "%3$s",
                            "pool_size": 2, "activation": "%1$s", "convention": "%2$s"},
                           {"from": "c2", "to": "label", "activation": "%1$s"}]}
                """.formatted(act, conv, pool), "test");
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"tanh, post, avg", "tanh, pre, avg", "sigmoid, post, max", "tanh, pre, max"})
    void conv2dGradientsMatchFiniteDifferences(String act, String conv, String pool) {
        Graph g = Graph.create(cnn(act, conv, pool), "default", 3);
        // Max pooling has kinks: a smaller step and batch 1, and a seed (1) for which no window of
        // c2 holds two values within the step; seeds 2, 3 and 4 land on a kink and fail (tried).
        // The fused block's own test detects and skips kinks (ConvBlockTest).
        int batch = pool.equals("max") ? 1 : 3;
        EnergyChecks.randomState(g.network(), g.input(), g.target(), batch, new SplittableRandom(SEED));
        double h = pool.equals("max") ? 3e-3 : 1e-2;
        EnergyChecks.stateGradientsMatchFiniteDifferences(g.network(), h);
        EnergyChecks.weightGradientsMatchFiniteDifferences(g.network(), h);
    }

    /** latent [2,3,3] -convT 3x2 stride 3, padding 1x0, output_padding 2x0-> h [4,9,8] -convT 3x3 pad 1, groups 2-> image [2,9,8]. */
    static GraphSpec decoder(String conv) {
        return GraphSpec.fromJson("""
                {"nodes": [{"name": "latent", "shape": [2, 3, 3], "role": "input"},
                           {"name": "h", "shape": [4, 9, 8]},
                           {"name": "image", "shape": [2, 9, 8], "role": "target"}],
                 "edges": [{"from": "latent", "to": "h", "op": "conv_transpose2d", "kernel": [3, 2], "stride": [3, 3],
                            "padding": [1, 0], "output_padding": [2, 0], "activation": "tanh", "convention": "%1$s"},
                           {"from": "h", "to": "image", "op": "conv_transpose2d", "kernel": 3, "padding": 1,
                            "groups": 2, "activation": "tanh", "convention": "%1$s"}]}
                """.formatted(conv), "test");
    }

    @ParameterizedTest
    @CsvSource({"post", "pre"})
    void convTransposeGradientsMatchFiniteDifferences(String conv) {
        Graph g = Graph.create(decoder(conv), "default", 5);
        assertEquals(2L * 4 * 3 * 2 + 4, g.spec().parameterCount(g.spec().edges().get(0)));
        assertEquals(4L * 1 * 3 * 3 + 2, g.network().edges().get(1).parameterCount());
        EnergyChecks.randomState(g.network(), g.input(), g.target(), 2, new SplittableRandom(13));
        EnergyChecks.stateGradientsMatchFiniteDifferences(g.network());
        EnergyChecks.weightGradientsMatchFiniteDifferences(g.network());
    }

    @Test
    void parameterShapesFollowPyTorch() {
        Graph g = Graph.create(cnn("relu", "post", "max"), "default", 1);
        Edge e = g.connection("image", "c1");
        assertArrayEquals(new int[] {3, 2, 3, 3}, e.parameters().get(0).shape());
        assertArrayEquals(new int[] {3}, e.parameters().get(1).shape());
        assertEquals(3 * 2 * 9 + 3, g.spec().parameterCount(g.spec().edges().get(0)));
        assertEquals(g.network().parameterCount(), g.spec().parameterCount());
        Graph d = Graph.create(decoder("post"), "default", 1);
        assertArrayEquals(new int[] {2, 4, 3, 2}, d.connection("latent", "h").parameters().get(0).shape());
        assertArrayEquals(new int[] {4, 1, 3, 3}, d.connection("h", "image").parameters().get(0).shape());
    }

    @Test
    void modelFilesRoundTripWithShapesAndOptions() {
        Graph g = Graph.create(cnn("relu", "post", "max"), "default", 9);
        Path f = tmp.resolve("cnn.safetensors");
        GraphModelFile.save(f, g, InputAffine.identity(g.input().size()), null);
        GraphModelFile.Loaded l = GraphModelFile.load(f);
        assertEquals(g.spec(), l.graph().spec());
        for (int i = 0; i < g.network().edges().size(); i++) {
            Edge a = g.network().edges().get(i);
            Edge b = l.graph().network().edges().get(i);
            assertEquals(a.getClass(), b.getClass());
            for (int k = 0; k < a.parameters().size(); k++) {
                Parameter pa = a.parameters().get(k);
                assertArrayEquals(pa.value(), b.parameters().get(k).value(), a.name() + "." + pa.name());
            }
        }
        assertTrue(g.spec().toJson().contains("\"shape\""), g.spec().toJson());
    }

    @Test
    void aConvModelFileWithAWrongTensorShapeOrAMissingTensorIsRefused() {
        Graph g = Graph.create(cnn("relu", "post", "max"), "default", 9);
        Path f = tmp.resolve("cnn.safetensors");
        GraphModelFile.save(f, g, InputAffine.identity(g.input().size()), null);
        SafeTensors.Contents c = SafeTensors.read(f);
        java.util.List<SafeTensors.Entry> swapped = new java.util.ArrayList<>();
        java.util.List<SafeTensors.Entry> missing = new java.util.ArrayList<>();
        for (SafeTensors.Entry t : c.tensors().values()) {
            boolean w1 = t.name().equals("edges.image->c1.weight");
            // [out, in, kh, kw] written as nn.ConvTranspose2d's [in, out, kh, kw]: same count, wrong layout.
            swapped.add(w1 ? new SafeTensors.Entry(t.name(), new int[] {2, 3, 3, 3}, t.data()) : t);
            if (!w1) {
                missing.add(t);
            }
        }
        Path bad = tmp.resolve("bad.safetensors");
        SafeTensors.write(bad, c.metadata(), swapped);
        PcnException e = assertThrows(PcnException.class, () -> GraphModelFile.load(bad));
        assertTrue(e.getMessage().contains("tensor edges.image->c1.weight has shape [2, 3, 3, 3], the graph needs [3, 2, 3, 3]"),
                e.getMessage());
        SafeTensors.write(bad, c.metadata(), missing);
        e = assertThrows(PcnException.class, () -> GraphModelFile.load(bad));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains("tensors"), e.getMessage());
    }

    @Test
    void badShapesAreOneLineErrorsNamingTheEdge() {
        String base = """
                {"nodes": [{"name": "image", "shape": [1, 9, 9], "role": "input"},
                           {"name": "c", "shape": %s},
                           {"name": "label", "size": 3, "role": "target"}],
                 "edges": [{"from": "image", "to": "c", "op": "conv2d", %s},
                           {"from": "c", "to": "label"}]}
                """;
        String[][] cases = {
            {"[4, 9, 9]", "\"kernel\": 3", "edge image->c: conv2d 1x9x9 -> 4x7x7 (kernel 3x3, stride 1x1, padding 0x0) gives 4x7x7 from image 1x9x9, but node c is 4x9x9"},
            {"[4, 1, 1]", "\"kernel\": 11", "edge image->c: kernel 11x11 is larger than the input 1x9x9"},
            {"[4, 4, 4]", "\"kernel\": 3, \"padding\": 1, \"pool\": \"max\", \"pool_size\": 2", "edge image->c: pool_size 2x2 does not divide the conv output 4x9x9"},
            {"[4, 9, 9]", "\"kernel\": 3, \"padding\": 1, \"pool\": \"median\"", "edge image->c: unknown pool 'median'"},
            {"[4, 9, 9]", "\"padding\": 1", "edge image->c: conv2d needs 'kernel'"},
        };
        for (String[] c : cases) {
            PcnException e = assertThrows(PcnException.class,
                    () -> new Graph(GraphSpec.fromJson(base.formatted(c[0], c[1]), "g.json")));
            assertTrue(e.getMessage().startsWith("g.json: " + c[2]), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
        String flat = """
                {"nodes": [{"name": "image", "size": 81, "role": "input"}, {"name": "label", "shape": [1, 3, 3], "role": "target"}],
                 "edges": [{"from": "image", "to": "label", "op": "conv2d", "kernel": 3}]}
                """;
        PcnException e = assertThrows(PcnException.class, () -> new Graph(GraphSpec.fromJson(flat, "g.json")));
        assertTrue(e.getMessage().startsWith("g.json: edge image->label: a convolution needs a shaped source node"), e.getMessage());
        e = assertThrows(PcnException.class, () -> GraphSpec.fromJson("""
                {"nodes": [{"name": "image", "size": 80, "shape": [1, 9, 9], "role": "input"}, {"name": "label", "size": 3, "role": "target"}],
                 "edges": [{"from": "image", "to": "label"}]}
                """, "g.json"));
        assertTrue(e.getMessage().contains("node 'image' has size 80 but shape [1, 9, 9]"), e.getMessage());
    }
}
