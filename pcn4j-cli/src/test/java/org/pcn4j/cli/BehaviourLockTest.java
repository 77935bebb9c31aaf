package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.util.Json;

/**
 * Behaviour lock: trains small seeded models through {@code pcn4j train} with every hyperparameter
 * spelled out at {@code --threads 1} and compares every tensor of each model.safetensors (and the
 * deterministic fields of metrics.jsonl) with values recorded before the engine redesign (issue 10),
 * to 1e-6. A refactoring that keeps the numerics passes bit for bit.
 *
 * <p>The recorded values live in {@code src/test/resources/behaviour-lock/NAME.safetensors} and
 * {@code NAME.metrics.json}. To re-record, run from the repository root
 * {@code PCN4J_RECORD_BEHAVIOUR_LOCK=1 ./mvnw -o -q -pl pcn4j-cli -am -Dtest=BehaviourLockTest
 * -Dsurefire.failIfNoSpecifiedTests=false test} and commit the changed resources. Re-recording is
 * only allowed with a reason (a deliberate change of the numerics, named in the commit message):
 * a refactoring must never need it.
 *
 * <p>{@code Math.exp} and friends may differ by an ulp between JDK releases, which a few training
 * steps grow past 1e-6: where a JDK's results differ, its values are recorded (with the same
 * pre-redesign code) as {@code NAME.jdkN.safetensors} and {@code NAME.jdkN.metrics.json}, and that
 * JDK compares with them. Record them with {@code PCN4J_RECORD_BEHAVIOUR_LOCK=jdk} under that JDK.
 */
class BehaviourLockTest {
    private static final double TOL = 1e-6;
    /** This JDK's feature release, e.g. jdk25: the suffix of values recorded for it alone. */
    private static final String JDK = "jdk" + Runtime.version().feature();
    private static final String RESOURCES = "behaviour-lock";
    /** metrics.jsonl fields that do not depend on the clock. */
    private static final List<String> METRICS = List.of("epoch", "train_loss", "train_energy", "train_accuracy",
            "validation_accuracy", "test_accuracy", "updates", "lr", "inference_energy");

    /** A graph with a cycle (h1 -> h2 -> h1), a skip edge, and a fully connected block. */
    static final String CYCLIC_GRAPH = "nodes:\n"
            + "  - {name: image, size: 64, role: input}\n"
            + "  - {name: h1, size: 16}\n"
            + "  - {name: h2, size: 8}\n"
            + "  - {name: label, size: 10, role: target, energy: gaussian}\n"
            + "edges:\n"
            + "  - {from: image, to: h1, activation: tanh}\n"
            + "  - {from: h1, to: h2, activation: tanh}\n"
            + "  - {from: h2, to: label}\n"
            + "  - {from: image, to: h2}\n"
            + "  - {from: h2, to: h1, activation: tanh}\n";

    /** The same kind of graph with a cross-entropy target and a fully connected block. */
    static final String BLOCK_GRAPH = "nodes:\n"
            + "  - {name: image, size: 64, role: input}\n"
            + "  - {name: h1, size: 12}\n"
            + "  - {name: h2, size: 8}\n"
            + "  - {name: label, size: 10, role: target, energy: cross_entropy}\n"
            + "edges:\n"
            + "  - {from: image, to: h1, activation: tanh}\n"
            + "fully_connected: {nodes: [h1, h2, label], activation: tanh, bias: true}\n";

    @TempDir
    Path tmp;

    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of("pc", mlp("pc", "gelu", "post", "gaussian", "sgd", "0.1", "0.5", "adamw", "1e-3", "0",
                        "0", "0", "constant")),
                Arguments.of("ipc", mlp("ipc", "tanh", "post", "gaussian", "adam", "0.05", "0", "sgd", "0.05", "0.9",
                        "0", "0", "constant", "--nesterov")),
                Arguments.of("bp", mlp("bp", "relu", "pre", "cross_entropy", "sgd", "0.1", "0.5", "adam", "3e-3", "0",
                        "1e-4", "1.0", "constant")),
                Arguments.of("zil", mlp("zil", "tanh", "post", "gaussian", "sgd", "0.1", "0.5", "sgd", "0.1", "0",
                        "0", "0", "warmup-cosine")),
                Arguments.of("fpa", mlp("fpa", "gelu", "post", "gaussian", "sgd", "0.1", "0.5", "adamw", "2e-3", "0",
                        "1e-2", "0", "constant")),
                Arguments.of("pc-nudge", mlp("pc-nudge", "tanh", "post", "gaussian", "sgd", "0.1", "0.5", "adamw", "1e-3",
                        "0", "0", "0", "constant", "--nudge", "centered", "--beta", "0.2")),
                Arguments.of("pc-nudge-positive-ce", mlp("pc-nudge", "sigmoid", "post", "cross_entropy", "sgd", "0.1",
                        "0.5", "adamw", "1e-3", "0", "0", "0", "constant", "--nudge", "positive", "--beta", "0.1")),
                Arguments.of("graph-cycle-pc", graph("cyclic.yaml", "pc", "6")),
                Arguments.of("graph-block-ipc", graph("block.yaml", "ipc", "5")),
                Arguments.of("generative-pc", generative("pc")),
                Arguments.of("generative-ipc", generative("ipc")));
    }

    private static List<String> common(String algorithm, String inferenceSteps) {
        return new ArrayList<>(List.of("train", "--dataset", "digits", "--normalize", "auto", "--init", "default",
                "--algorithm", algorithm, "--inference-steps", inferenceSteps, "--energy-tolerance", "0",
                "--epochs", "2", "--batch-size", "64", "--max-steps", "0", "--validation", "0.9",
                "--seed", "1", "--threads", "1", "--no-plots", "--quiet"));
    }

    private static List<String> mlp(String algorithm, String activation, String convention, String energy,
            String stateOpt, String stateLr, String stateMomentum, String opt, String lr, String momentum,
            String weightDecay, String clip, String schedule, String... extra) {
        List<String> a = common(algorithm, "8");
        a.addAll(List.of("--mode", "discriminative", "--model", "64-16-12-10", "--activation", activation,
                "--output-activation", "identity", "--convention", convention, "--output-energy", energy,
                "--state-optimizer", stateOpt, "--state-lr", stateLr, "--state-momentum", stateMomentum,
                "--optimizer", opt, "--lr", lr, "--momentum", momentum, "--weight-decay", weightDecay,
                "--clip-norm", clip, "--schedule", schedule, "--warmup", "0.25", "--eval-inference-steps", "0"));
        a.addAll(List.of(extra));
        return a;
    }

    private static List<String> graph(String file, String algorithm, String steps) {
        List<String> a = common(algorithm, steps);
        a.addAll(List.of("--graph", "GRAPHDIR/" + file, "--state-optimizer", "sgd", "--state-lr", "0.1",
                "--state-momentum", "0.5", "--optimizer", "adamw", "--lr", "1e-3", "--momentum", "0",
                "--weight-decay", "0", "--clip-norm", "0", "--schedule", "constant", "--warmup", "0.1",
                "--eval-inference-steps", steps));
        return a;
    }

    private static List<String> generative(String algorithm) {
        List<String> a = common(algorithm, "10");
        a.addAll(List.of("--mode", "generative", "--model", "64-16-10", "--activation", "tanh",
                "--state-optimizer", "sgd", "--state-lr", "0.1", "--state-momentum", "0.5", "--optimizer", "adamw",
                "--lr", "1e-3", "--momentum", "0", "--weight-decay", "0", "--clip-norm", "0", "--schedule", "constant",
                "--warmup", "0.1", "--eval-inference-steps", "12"));
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void trainedWeightsMatchTheRecordedOnes(String name, List<String> args) throws IOException {
        Files.writeString(tmp.resolve("cyclic.yaml"), CYCLIC_GRAPH);
        Files.writeString(tmp.resolve("block.yaml"), BLOCK_GRAPH);
        Path out = tmp.resolve("run");
        List<String> argv = new ArrayList<>();
        for (String s : args) {
            argv.add(s.replace("GRAPHDIR", tmp.toString()));
        }
        argv.addAll(List.of("--out", out.toString()));
        CliRunner.Result r = CliRunner.run(argv.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        Path model = out.resolve("model.safetensors");
        Map<String, Object> metrics = deterministicMetrics(out.resolve("metrics.jsonl"));

        String record = System.getenv("PCN4J_RECORD_BEHAVIOUR_LOCK");
        if (record != null) {
            Path dir = Paths.get("src", "test", "resources", RESOURCES);
            Files.createDirectories(dir);
            String stem = record.equals("jdk") ? name + "." + JDK : name;
            Files.copy(model, dir.resolve(stem + ".safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve(stem + ".metrics.json"), Json.write(metrics) + "\n");
            return;
        }
        if (BehaviourLockTest.class.getResource("/" + RESOURCES + "/" + name + "." + JDK + ".safetensors") != null) {
            name = name + "." + JDK;
        }

        Path expectedModel = resource(name + ".safetensors");
        SafeTensors.Contents want = SafeTensors.read(expectedModel);
        SafeTensors.Contents got = SafeTensors.read(model);
        assertEquals(want.tensors().keySet(), got.tensors().keySet(), name + ": tensor names");
        for (SafeTensors.Entry w : want.tensors().values()) {
            SafeTensors.Entry g = got.get(w.name());
            assertArrayEquals(w.shape(), g.shape(), name + ": shape of " + w.name());
            float[] a = w.data();
            float[] b = g.data();
            for (int i = 0; i < a.length; i++) {
                if (Math.abs(a[i] - b[i]) > TOL) {
                    throw new AssertionError(name + ": " + w.name() + "[" + i + "] = " + b[i] + ", recorded " + a[i]);
                }
            }
        }
        Map<String, Object> wantMetrics = Json.parseObject(Files.readString(resource(name + ".metrics.json")));
        assertEquals(wantMetrics.keySet(), metrics.keySet(), name + ": metrics fields");
        for (Map.Entry<String, Object> e : wantMetrics.entrySet()) {
            assertSame(name + ": " + e.getKey(), e.getValue(), metrics.get(e.getKey()));
        }
    }

    /** Compares recorded and new JSON values: numbers to {@link #TOL}, lists and maps element by element. */
    private static void assertSame(String where, Object want, Object got) {
        if (want instanceof Number w) {
            assertTrue(got instanceof Number, where + ": " + got + " is not a number");
            assertEquals(w.doubleValue(), ((Number) got).doubleValue(), TOL, where);
        } else if (want instanceof List<?> w) {
            assertTrue(got instanceof List<?>, where + ": " + got + " is not a list");
            List<?> g = (List<?>) got;
            assertEquals(w.size(), g.size(), where + ": length");
            for (int i = 0; i < w.size(); i++) {
                assertSame(where + "[" + i + "]", w.get(i), g.get(i));
            }
        } else if (want instanceof Map<?, ?> w) {
            assertTrue(got instanceof Map<?, ?>, where + ": " + got + " is not an object");
            Map<?, ?> g = (Map<?, ?>) got;
            assertEquals(w.keySet(), g.keySet(), where + ": keys");
            for (Map.Entry<?, ?> e : w.entrySet()) {
                assertSame(where + "." + e.getKey(), e.getValue(), g.get(e.getKey()));
            }
        } else {
            assertEquals(want, got, where);
        }
    }

    /** The clock-free metrics, per field a list over epochs. */
    private static Map<String, Object> deterministicMetrics(Path jsonl) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(jsonl);
        assertTrue(lines.size() > 0, "metrics.jsonl is empty");
        for (String k : METRICS) {
            List<Object> values = new ArrayList<>();
            for (String line : lines) {
                Object v = Json.parseObject(line).get(k);
                if (v != null) {
                    values.add(v);
                }
            }
            if (!values.isEmpty()) {
                m.put(k, values);
            }
        }
        return m;
    }

    private Path resource(String name) throws IOException {
        try (InputStream in = BehaviourLockTest.class.getResourceAsStream("/" + RESOURCES + "/" + name)) {
            assertNotNull(in, "missing recorded resource " + RESOURCES + "/" + name
                    + " (record it as the class comment says)");
            Path p = tmp.resolve("expected-" + name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }
}
