package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.util.Json;

/**
 * {@code train --hidden-precision PI}: every hidden node gets precision pi (the input and target
 * keep theirs), a graph's model file records it, the state rate defaults to 1 / pi (0.5 / pi without
 * preconditioning) unless given,
 * backtracking inference is on unless turned off, and a bad value is a one-line error.
 */
class HiddenPrecisionCliTest {
    static final String GRAPH = """
            nodes:
              - {name: image, size: 64, role: input}
              - {name: h1, size: 24}
              - {name: h2, size: 16, precision: 3}
              - {name: label, size: 10, role: target}
            edges:
              - {from: image, to: h1, activation: tanh}
              - {from: h1, to: h2, activation: tanh}
              - {from: h2, to: label}
            """;

    @TempDir
    Path dir;

    private CliRunner.Result train(Path out, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--dataset", "digits", "--epochs", "1",
                "--max-steps", "5", "--quiet", "--no-plots", "--threads", "1", "--seed", "4", "--out", out.toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(new String[0]));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> node(String graphJson, String name) {
        for (Object n : (List<Object>) Json.parseObject(graphJson).get("nodes")) {
            Map<String, Object> m = (Map<String, Object>) n;
            if (m.get("name").equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no node " + name + " in " + graphJson);
    }

    @Test
    void everyHiddenNodeOfAGraphGetsThePrecisionAndTheModelFileRecordsIt() throws IOException {
        Path g = dir.resolve("g.yaml");
        Files.writeString(g, GRAPH);
        Path out = dir.resolve("run");
        CliRunner.Result r = train(out, "--graph", g.toString(), "--hidden-precision", "1000");
        assertEquals(0, r.code(), r.err());
        String graph = SafeTensors.read(out.resolve("model.safetensors")).metadata().get("graph");
        assertEquals(1000.0, ((Number) node(graph, "h1").get("precision")).doubleValue());
        assertEquals(1000.0, ((Number) node(graph, "h2").get("precision")).doubleValue(), "overrides the file's 3");
        assertEquals(1.0, ((Number) node(graph, "image").get("precision")).doubleValue());
        assertEquals(1.0, ((Number) node(graph, "label").get("precision")).doubleValue());
        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve("config.json")));
        assertEquals(1.0 / 1000, ((Number) config.get("state-lr")).doubleValue(), 1e-12, "preconditioned: gamma pi = 1");
        assertEquals(1000.0, ((Number) config.get("hidden-precision")).doubleValue());
        assertEquals(Boolean.TRUE, config.get("state-backtrack"), "the recipe backtracks by default");
        assertEquals(Boolean.TRUE, config.get("state-precondition"), "and preconditions by default");
        assertEquals(Boolean.TRUE, config.get("state-offsets"), "and moves offsets by default");

        // Without the flag the file's own precisions stand; an explicit --state-lr wins over 1 / pi.
        Path plain = dir.resolve("plain");
        assertEquals(0, train(plain, "--graph", g.toString()).code());
        String g2 = SafeTensors.read(plain.resolve("model.safetensors")).metadata().get("graph");
        assertEquals(3.0, ((Number) node(g2, "h2").get("precision")).doubleValue());
        assertEquals(1.0, ((Number) node(g2, "h1").get("precision")).doubleValue());
        Path given = dir.resolve("given");
        assertEquals(0, train(given, "--graph", g.toString(), "--hidden-precision", "100", "--state-lr", "0.002").code());
        Map<String, Object> c3 = Json.parseObject(Files.readString(given.resolve("config.json")));
        assertEquals(0.002, ((Number) c3.get("state-lr")).doubleValue(), 1e-12);
        assertEquals(Boolean.FALSE, Json.parseObject(Files.readString(plain.resolve("config.json"))).get("state-backtrack"));
        assertEquals(Boolean.FALSE, Json.parseObject(Files.readString(plain.resolve("config.json"))).get("state-precondition"));
        Path off = dir.resolve("off");
        assertEquals(0, train(off, "--graph", g.toString(), "--hidden-precision", "100", "--no-state-backtrack").code());
        assertEquals(Boolean.FALSE, Json.parseObject(Files.readString(off.resolve("config.json"))).get("state-backtrack"));
        assertEquals(Boolean.FALSE, Json.parseObject(Files.readString(plain.resolve("config.json"))).get("state-offsets"));
        Path noOffsets = dir.resolve("no-offsets");
        assertEquals(0, train(noOffsets, "--graph", g.toString(), "--hidden-precision", "100", "--no-state-offsets").code());
        assertEquals(Boolean.FALSE, Json.parseObject(Files.readString(noOffsets.resolve("config.json"))).get("state-offsets"));
        Path plainSteps = dir.resolve("plain-steps");
        assertEquals(0, train(plainSteps, "--graph", g.toString(), "--hidden-precision", "100", "--no-state-precondition").code());
        assertEquals(0.5 / 100, ((Number) Json.parseObject(Files.readString(plainSteps.resolve("config.json")))
                .get("state-lr")).doubleValue(), 1e-12, "one global rate: gamma pi = 0.5");
    }

    /**
     * {@code --precision-growth G}: the hidden node next to the target keeps PI, each edge further
     * multiplies it by G (the model file records each), the state rate stays 1/PI; without
     * --hidden-precision, or with G <= 0, a one-line error.
     */
    @Test
    void precisionGrowthMultipliesThePrecisionPerEdgeAwayFromTheTarget() throws IOException {
        Path g = dir.resolve("g.yaml");
        Files.writeString(g, GRAPH);
        Path out = dir.resolve("grown");
        CliRunner.Result r = train(out, "--graph", g.toString(), "--hidden-precision", "300", "--precision-growth", "5");
        assertEquals(0, r.code(), r.err());
        String graph = SafeTensors.read(out.resolve("model.safetensors")).metadata().get("graph");
        assertEquals(300.0, ((Number) node(graph, "h2").get("precision")).doubleValue());
        assertEquals(1500.0, ((Number) node(graph, "h1").get("precision")).doubleValue());
        assertEquals(1.0, ((Number) node(graph, "image").get("precision")).doubleValue());
        Map<String, Object> config = Json.parseObject(Files.readString(out.resolve("config.json")));
        assertEquals(5.0, ((Number) config.get("precision-growth")).doubleValue());
        assertEquals(1.0 / 300, ((Number) config.get("state-lr")).doubleValue(), 1e-12, "relative to PI");

        CliRunner.Result alone = train(dir.resolve("alone"), "--graph", g.toString(), "--precision-growth", "5");
        assertEquals(1, alone.code());
        assertTrue(alone.err().contains("--precision-growth") && alone.err().contains("--hidden-precision"), alone.err());
        assertEquals(1, alone.err().strip().lines().count(), alone.err());
        CliRunner.Result bad = train(dir.resolve("bad"), "--hidden-precision", "10", "--precision-growth", "0");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--precision-growth must be a finite number > 0"), bad.err());
    }

    /**
     * The precision shapes PC's training (a layered model too: its hidden nodes are the graph's)
     * and not backprop's, which never relaxes the hidden states.
     */
    @Test
    void itChangesPcsTrainingAndNotBackprops() {
        List<List<SafeTensors.Entry>> w = new java.util.ArrayList<>();
        String[][] runs = {{"--algorithm", "pc"}, {"--algorithm", "pc", "--hidden-precision", "1000"},
            {"--algorithm", "bp"}, {"--algorithm", "bp", "--hidden-precision", "1000"}};
        for (int i = 0; i < runs.length; i++) {
            Path out = dir.resolve("mlp" + i);
            CliRunner.Result r = train(out, runs[i]);
            assertEquals(0, r.code(), r.err());
            // The tensors (Entry compares shapes and values); the metadata records the options.
            w.add(List.copyOf(SafeTensors.read(out.resolve("model.safetensors")).tensors().values()));
        }
        assertTrue(!w.get(0).equals(w.get(1)), "pc with pi = 1000 trains differently");
        assertEquals(w.get(2), w.get(3), "bp ignores the hidden precision");
    }

    /** iPC updates the weights inside every inference step, so it never backtracks: said once when asked for. */
    @Test
    void ipcDoesNotBacktrack() throws IOException {
        Path quiet = dir.resolve("ipc");
        CliRunner.Result r = train(quiet, "--algorithm", "ipc", "--hidden-precision", "1000");
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.err().contains("warning"), r.err());
        assertEquals(Boolean.FALSE, Json.parseObject(Files.readString(quiet.resolve("config.json"))).get("state-backtrack"));
        CliRunner.Result asked = train(dir.resolve("ipc2"), "--algorithm", "ipc", "--state-backtrack");
        assertEquals(0, asked.code(), asked.err());
        assertTrue(asked.err().contains("warning: --state-backtrack has no effect with --algorithm ipc"), asked.err());
    }

    @Test
    void aBadPrecisionIsAOneLineError() {
        for (String bad : new String[] {"0", "-2", "NaN", "Infinity"}) {
            CliRunner.Result r = train(dir.resolve("bad"), "--hidden-precision", bad);
            assertEquals(1, r.code(), bad + ": " + r.err());
            assertTrue(r.err().contains("--hidden-precision must be a finite number > 0, got"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
