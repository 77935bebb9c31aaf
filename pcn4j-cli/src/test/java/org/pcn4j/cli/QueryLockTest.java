package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
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
 * Behaviour lock for the queries, the companion of {@link BehaviourLockTest}: generate, complete,
 * classify, eval and the associative memory (store and recall) run at {@code --threads 1} on the
 * models that test recorded, and their outputs (IDX bytes, JSON answers, the stored memory's
 * tensors) must equal the ones recorded with the code from before the engine redesign (issue 10).
 *
 * <p>Recorded in {@code src/test/resources/query-lock/}. Re-record (only with a reason, named in
 * the commit) by running this test with {@code PCN4J_RECORD_BEHAVIOUR_LOCK=1} as the other lock's
 * comment says.
 */
class QueryLockTest {
    private static final String LOCK = "behaviour-lock";
    private static final String RESOURCES = "query-lock";

    @TempDir
    Path tmp;

    static Stream<Arguments> queries() {
        String gen = "MODELS/generative-pc.safetensors";
        String cyc = "MODELS/graph-cycle-pc.safetensors";
        String ce = "MODELS/graph-block-ipc.safetensors";
        String gen2 = "MODELS/generative-ipc.safetensors";
        return Stream.of(
                Arguments.of("generate-noise", List.of("generate", "--model", gen, "--label", "3", "--count", "4",
                        "--inference-steps", "30", "--state-lr", "0.05", "--noise", "0.05", "--seed", "2",
                        "--image-start", "default", "--out", "OUT.idx")),
                Arguments.of("generate-mean", List.of("generate", "--model", gen2, "--label", "7", "--count", "3",
                        "--inference-steps", "20", "--image-start", "mean", "--label-precision", "2", "--out", "OUT.idx")),
                Arguments.of("complete-top", List.of("complete", "--model", gen, "--cues", "CUES", "--clamp",
                        "top-half", "--inference-steps", "30", "--state-lr", "0.05", "--image-start", "mean",
                        "--out", "OUT.idx")),
                Arguments.of("complete-noisy", List.of("complete", "--model", gen2, "--cues", "CUES",
                        "--clamp", "none", "--inference-steps", "15", "--out", "OUT.idx")),
                Arguments.of("classify-energy", List.of("classify", "--model", gen, "--images", "CUES",
                        "--inference-steps", "12", "--readout", "energy")),
                Arguments.of("classify-state", List.of("classify", "--model", gen, "--images", "CUES",
                        "--inference-steps", "12", "--readout", "state")),
                Arguments.of("classify-cyclic", List.of("classify", "--model", cyc, "--images", "CUES",
                        "--inference-steps", "6")),
                Arguments.of("classify-block", List.of("classify", "--model", ce, "--images", "CUES",
                        "--inference-steps", "5")),
                Arguments.of("eval-generative", List.of("eval", "--model", gen, "--dataset", "digits",
                        "--inference-steps", "5")),
                Arguments.of("memory", List.of("memory", "store", "--dataset", "digits", "--count", "10", "--latent",
                        "8", "--hidden", "16", "--epochs", "4", "--inference-steps", "5", "--state-lr", "0.1",
                        "--lr", "1e-3", "--batch-size", "5", "--seed", "3", "--recall-steps", "20", "--quiet",
                        "--out", "RUN")));
    }

    /** Four 8x8 uint8 images of a fixed pattern, as an IDX file. */
    private Path cues() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 * 64);
        b.putInt(2051).putInt(4).putInt(8).putInt(8);
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < 64; i++) {
                b.put((byte) ((i * 7 + k * 31) % 17 * 15));
            }
        }
        Path p = tmp.resolve("cues.idx");
        Files.write(p, b.array());
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void queryOutputsMatchTheRecordedOnes(String name, List<String> args) throws IOException {
        Path models = tmp.resolve("models");
        Files.createDirectories(models);
        for (String m : new String[] {"generative-pc", "generative-ipc", "graph-cycle-pc", "graph-block-ipc"}) {
            Files.copy(resource(LOCK, m + ".safetensors"), models.resolve(m + ".safetensors"));
        }
        Path cues = cues();
        Path out = tmp.resolve("out.idx");
        Path run = tmp.resolve("run");
        List<String> argv = new ArrayList<>();
        for (String s : args) {
            argv.add(s.replace("MODELS", models.toString()).replace("CUES", cues.toString())
                    .replace("OUT.idx", out.toString()).replace("RUN", run.toString()));
        }
        argv.addAll(List.of("--threads", "1"));
        List<Path> outputs = new ArrayList<>();
        String json = run(argv);
        if (name.equals("memory")) {
            outputs.add(run.resolve("model.safetensors"));
            json = run(List.of("memory", "recall", "--model", run.resolve("model.safetensors").toString(), "--cues",
                    cues.toString(), "--clamp", "top-half", "--out", out.toString(), "--threads", "1"));
        }
        if (Files.exists(out)) {
            outputs.add(out);
        }

        Path dir = Paths.get("src", "test", "resources", RESOURCES);
        if (System.getenv("PCN4J_RECORD_BEHAVIOUR_LOCK") != null) {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".json"), json + "\n");
            for (Path o : outputs) {
                Files.copy(o, dir.resolve(name + "." + o.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        }
        assertEquals(Files.readString(resource(RESOURCES, name + ".json")).trim(), json, name + ": printed answer");
        for (Path o : outputs) {
            Path want = resource(RESOURCES, name + "." + o.getFileName());
            if (o.toString().endsWith(".safetensors")) {
                SafeTensors.Contents w = SafeTensors.read(want);
                SafeTensors.Contents g = SafeTensors.read(o);
                assertEquals(w.tensors().keySet(), g.tensors().keySet(), name);
                for (SafeTensors.Entry e : w.tensors().values()) {
                    assertArrayEquals(e.data(), g.get(e.name()).data(), 1e-6f, name + ": " + e.name());
                }
            } else {
                assertArrayEquals(Files.readAllBytes(want), Files.readAllBytes(o), name + ": " + o.getFileName());
            }
        }
    }

    /** Runs the CLI; returns its stdout JSON without the fields that name temporary files (or the text). */
    private String run(List<String> argv) {
        CliRunner.Result r = CliRunner.run(argv.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        String s = r.out().trim();
        if (s.startsWith("{")) {
            Map<String, Object> m = new java.util.LinkedHashMap<>(Json.parseObject(s));
            m.remove("model");
            return Json.write(m);
        }
        return s.replace(tmp.toString(), "TMP");
    }

    private Path resource(String dir, String name) throws IOException {
        try (InputStream in = QueryLockTest.class.getResourceAsStream("/" + dir + "/" + name)) {
            assertNotNull(in, "missing recorded resource " + dir + "/" + name);
            Path p = Files.createTempFile(tmp, "expected-", "-" + name);
            Files.write(p, in.readAllBytes());
            return p;
        }
    }
}
