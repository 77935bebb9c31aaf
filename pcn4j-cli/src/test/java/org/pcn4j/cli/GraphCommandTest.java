package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcn4j.cli.TrainCommandTest.assertOneLineError;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.ModelFile;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.util.Json;

class GraphCommandTest {
    @TempDir
    Path tmp;

    static final String CHAIN = "nodes:\n"
            + "  - {name: image, size: 64, role: input}\n"
            + "  - {name: h1, size: 32}\n"
            + "  - {name: label, size: 10, role: target}\n"
            + "edges:\n"
            + "  - {from: image, to: h1, activation: tanh}\n"
            + "  - {from: h1, to: label, activation: tanh}\n";

    static final String CYCLIC = "nodes:\n"
            + "  - {name: image, size: 64, role: input}\n"
            + "  - {name: h1, size: 64}\n"
            + "  - {name: h2, size: 32}\n"
            + "  - {name: label, size: 10, role: target, energy: gaussian}\n"
            + "edges:\n"
            + "  - {from: image, to: h1, activation: tanh}\n"
            + "  - {from: h1, to: h2, activation: tanh}\n"
            + "  - {from: h2, to: label}\n"
            + "  - {from: image, to: h2}\n"
            + "  - {from: h2, to: h1, activation: tanh}\n";

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** The chain graph and the pre-convention MLP give the same metrics and weights from the CLI. */
    @Test
    void chainGraphTrainsExactlyAsTheEquivalentMlp() throws IOException {
        Path chain = write("chain.yaml", CHAIN);
        String[] common = {"--dataset", "digits", "--epochs", "1", "--seed", "4", "--quiet", "--no-plots"};
        Path a = tmp.resolve("graph-run");
        Path b = tmp.resolve("mlp-run");
        CliRunner.Result ra = CliRunner.run(concat(new String[] {"train", "--graph", chain.toString(), "--out", a.toString()}, common));
        assertEquals(0, ra.code(), ra.err());
        CliRunner.Result rb = CliRunner.run(concat(new String[] {"train", "--model", "64-32-10", "--convention", "pre",
                "--activation", "tanh", "--out", b.toString()}, common));
        assertEquals(0, rb.code(), rb.err());
        Map<String, Object> ma = Json.parseObject(Files.readAllLines(a.resolve("metrics.jsonl")).get(0));
        Map<String, Object> mb = Json.parseObject(Files.readAllLines(b.resolve("metrics.jsonl")).get(0));
        for (String timing : new String[] {"epoch_seconds", "samples_per_second"}) {
            ma.remove(timing);
            mb.remove(timing);
        }
        // Node names differ (image, h1, label vs x0, x1, x2): compare the energy traces in order.
        Map<?, ?> ea = (Map<?, ?>) ma.remove("inference_energy");
        Map<?, ?> eb = (Map<?, ?>) mb.remove("inference_energy");
        assertEquals(List.copyOf(eb.values()), List.copyOf(ea.values()));
        assertEquals(mb, ma);
        SafeTensors.Contents ga = SafeTensors.read(a.resolve("model.safetensors"));
        SafeTensors.Contents gb = SafeTensors.read(b.resolve("model.safetensors"));
        assertEquals("graph", ga.metadata().get("model_type"));
        assertArrayEquals(gb.get("layers.0.weight").data(), ga.get("edges.image->h1.weight").data());
        assertArrayEquals(gb.get("layers.1.bias").data(), ga.get("edges.h1->label.bias").data());
        assertArrayEquals(new int[] {32, 64}, ga.get("edges.image->h1.weight").shape());

        // eval loads the graph model and agrees with the epoch's test accuracy.
        CliRunner.Result e = CliRunner.run("eval", "--model", a.resolve("model.safetensors").toString());
        assertEquals(0, e.code(), e.err());
        assertEquals(((Number) ma.get("test_accuracy")).doubleValue(),
                ((Number) Json.parseObject(e.out().trim()).get("test_accuracy")).doubleValue(), 1e-12);
    }

    @Test
    void cyclicGraphTrainsWithPcAndRefusesBackprop() throws IOException {
        Path g = write("cyclic.yaml", CYCLIC);
        Path out = tmp.resolve("cyc");
        CliRunner.Result r = CliRunner.run("train", "--graph", g.toString(), "--epochs", "1", "--max-steps", "3",
                "--quiet", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"config.json", "metrics.jsonl", "model.safetensors", "accuracy.png", "energy.png",
                "inference.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        ModelFile.LoadedModel m = ModelFile.loadModel(out.resolve("model.safetensors"));
        assertEquals("graph", m.type());
        assertEquals(GraphFiles.load(g), ((org.pcn4j.graph.Graph) m.model()).spec());
        assertEquals(10, m.classNames().size());
        assertOneLineError(CliRunner.run("train", "--graph", g.toString(), "--algorithm", "bp", "--out", out.toString()),
                "needs an acyclic graph");
        assertOneLineError(CliRunner.run("train", "--graph", g.toString(), "--model", "64-10", "--out", out.toString()),
                "--model describes a layered model");
    }

    @Test
    void everyValidationErrorIsOneLineThroughTheCli() throws IOException {
        String[][] cases = {
            {"nodes: [{name: a, size: 64, role: input}, {name: t, size: 10, role: target}]\n"
                    + "edges: [{from: a, to: t}, {from: a, to: b}]\n", "edge a->b: unknown node 'b'"},
            {"nodes: [{name: a, size: 64, role: input}, {name: a, size: 3}, {name: t, size: 10, role: target}]\n"
                    + "edges: [{from: a, to: t}]\n", "duplicate node name 'a'"},
            {"nodes: [{name: a, size: 64}, {name: t, size: 10, role: target}]\nedges: [{from: a, to: t}]\n",
                "no input node"},
            {"nodes: [{name: a, size: 64, role: input}, {name: t, size: 10}]\nedges: [{from: a, to: t}]\n",
                "no target node"},
            {"nodes: [{name: a, size: 64, role: input}, {name: h, size: 5}, {name: t, size: 10, role: target}]\n"
                    + "edges: [{from: a, to: t}]\n", "node 'h' has no edge"},
            {"nodes: [{name: a, size: 32, role: input}, {name: t, size: 10, role: target}]\nedges: [{from: a, to: t}]\n",
                "input node 'a' has size 32, but digits inputs have 64 values"},
            {"nodes: [{name: a, size: 64, role: input}, {name: t, size: 7, role: target}]\nedges: [{from: a, to: t}]\n",
                "target node 't' has size 7, but digits has 10 classes"},
            {"nodes: [{name: a, size: 64, role: input}, {name: t, size: 10, role: target}]\nedges: [{from: t, to: a}]\n",
                "target node 't' has no incoming edge"},
            {"nodes: [{name: a, size: 64, role: input, colour: red}]\n", "unknown key 'colour'"},
            {"nodes: [{name: a, size: 64, role: input}\n", "invalid YAML"},
        };
        Path out = tmp.resolve("never");
        for (int i = 0; i < cases.length; i++) {
            Path g = write("bad" + i + ".yaml", cases[i][0]);
            CliRunner.Result r = CliRunner.run("train", "--graph", g.toString(), "--epochs", "0", "--out", out.toString());
            assertOneLineError(r, cases[i][1]);
            assertTrue(r.err().contains("bad" + i + ".yaml"), r.err());
        }
        assertTrue(!Files.exists(out), "no run folder for an invalid graph");
        assertOneLineError(CliRunner.run("train", "--graph", tmp.resolve("missing.yaml").toString()), "missing.yaml");
        assertOneLineError(CliRunner.run("graph", "show", write("bad.json", "{\"nodes\": 3}").toString()),
                "'nodes' must be a list");
    }

    @Test
    void yamlAndJsonSpecsParseIdentically() throws IOException {
        Path y = write("g.yaml", CYCLIC + "fully_connected: {nodes: [h1, h2, label], activation: tanh, bias: false}\n");
        Path j = write("g.json", "{\"nodes\": [{\"name\": \"image\", \"size\": 64, \"role\": \"input\"},"
                + " {\"name\": \"h1\", \"size\": 64}, {\"name\": \"h2\", \"size\": 32},"
                + " {\"name\": \"label\", \"size\": 10, \"role\": \"target\", \"energy\": \"gaussian\"}],"
                + " \"edges\": [{\"from\": \"image\", \"to\": \"h1\", \"activation\": \"tanh\"},"
                + " {\"from\": \"h1\", \"to\": \"h2\", \"activation\": \"tanh\"}, {\"from\": \"h2\", \"to\": \"label\"},"
                + " {\"from\": \"image\", \"to\": \"h2\"}, {\"from\": \"h2\", \"to\": \"h1\", \"activation\": \"tanh\"}],"
                + " \"fully-connected\": {\"nodes\": [\"h1\", \"h2\", \"label\"], \"activation\": \"tanh\", \"bias\": false}}");
        // h1->h2 and h2->h1 are already edges: the block duplicates them.
        assertOneLineError(CliRunner.run("graph", "show", y.toString()), "duplicate edge h1->h2");
        Files.writeString(y, CYCLIC);
        Files.writeString(j, GraphFiles.load(y).toJson());
        GraphSpec a = GraphFiles.load(y);
        assertEquals(a, GraphFiles.load(j));
        assertEquals(5, a.edges().size());
    }

    @Test
    void showPrintsTheTopologyAndDrawsIt() throws IOException {
        Path g = write("cyclic.yaml", CYCLIC);
        CliRunner.Result r = CliRunner.run("graph", "show", g.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("4 nodes, 5 edges, 10,762 parameters, cyclic"), r.out());
        assertTrue(r.out().contains("h2 -> h1"), r.out());
        assertTrue(r.out().contains("cycles: yes (back edges h2->h1)"), r.out());
        assertTrue(r.out().contains("label") && r.out().contains("target"), r.out());
        BufferedImage img = ImageIO.read(tmp.resolve("cyclic.png").toFile());
        assertNotNull(img);
        assertTrue(img.getWidth() > 300 && img.getHeight() > 100);
        Path png = tmp.resolve("other.png");
        assertEquals(0, CliRunner.run("graph", "show", write("chain.yaml", CHAIN).toString(), "--png", png.toString()).code());
        assertNotNull(ImageIO.read(png.toFile()));
        CliRunner.Result c = CliRunner.run("graph", "show", "--no-png", tmp.resolve("chain.yaml").toString());
        assertTrue(c.out().contains("cycles: no"), c.out());
    }

    @Test
    void dotGoesToAFileOrAloneToStdout() throws IOException {
        Path g = write("cyclic.yaml", CYCLIC);
        Path dot = tmp.resolve("cyclic.dot");
        CliRunner.Result r = CliRunner.run("graph", "show", g.toString(), "--no-png", "--dot", dot.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("cycles: yes") && r.out().contains("dot: " + dot), r.out());
        String text = Files.readString(dot);
        assertTrue(text.startsWith("digraph \"cyclic.yaml\" {\n") && text.endsWith("}\n"), text);
        for (String n : new String[] {"image", "h1", "h2", "label"}) {
            assertTrue(text.contains("  \"" + n + "\" [label=\"" + n + "\\n"), n + " declared: " + text);
        }
        assertTrue(text.contains("\"image\" -> \"h1\" [label=\"tanh\"];"), text);
        assertTrue(text.contains("\"h2\" -> \"label\";"), "identity edges carry no label: " + text);
        assertTrue(text.contains("\"h2\" -> \"h1\" [label=\"tanh\", style=dashed, color=\"#d62728\", constraint=false];"),
                "the back edge is dashed and leaves the ranking alone: " + text);
        assertEquals(5, text.split(" -> ", -1).length - 1, "one arrow per edge");

        // "-": stdout is exactly the DOT source, the description moves to stderr.
        CliRunner.Result s = CliRunner.run("graph", "show", g.toString(), "--no-png", "--dot", "-");
        assertEquals(0, s.code(), s.err());
        assertEquals(text, s.out());
        assertTrue(s.err().contains("4 nodes, 5 edges"), s.err());

        // A fully connected block is one masked edge: a cluster around its members, no arrows.
        Path fc = write("fc.yaml", "nodes:\n  - {name: image, size: 4, role: input}\n  - {name: h, size: 3}\n"
                + "  - {name: label, size: 2, role: target}\n"
                + "fully_connected: {nodes: [image, h, label], activation: tanh, self: true}\n");
        CliRunner.Result f = CliRunner.run("graph", "show", fc.toString(), "--no-png", "--dot", "-");
        assertEquals(0, f.code(), f.err());
        assertTrue(f.out().contains("subgraph \"cluster_fc0\" {\n    label=\"fully connected: tanh, self\";"), f.out());
        assertTrue(!f.out().contains(" -> "), f.out());

        assertOneLineError(CliRunner.run("graph", "show", g.toString(), "--no-png", "--dot",
                tmp.resolve("no/such/dir/g.dot").toString()), "cannot write " + tmp.resolve("no/such/dir/g.dot"));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
