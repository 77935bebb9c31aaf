package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.Idx;
import org.pcn4j.util.Json;

class MemoryCommandTest {
    @TempDir
    Path tmp;

    private Path store(String... extra) {
        Path run = tmp.resolve("mem");
        List<String> args = new java.util.ArrayList<>(List.of("memory", "store", "--dataset", "digits", "--count", "20",
                "--epochs", "30", "--latent", "8", "--hidden", "32", "--recall-steps", "100", "--quiet", "--out",
                run.toString()));
        args.addAll(List.of(extra));
        CliRunner.Result r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return run;
    }

    @Test
    void storeWritesTheRunAndRecallKeepsTheKnownPixels() throws IOException {
        Path run = store();
        assertEquals(30, Files.readAllLines(run.resolve("metrics.jsonl")).size());
        Map<String, Object> cfg = Json.parseObject(Files.readString(run.resolve("config.json")));
        assertEquals(20, ((Number) cfg.get("count")).intValue());
        Idx.Images stored = Idx.readImages(run.resolve("stored.idx"));
        assertEquals(20, stored.count());
        assertTrue(Files.exists(run.resolve("stored.png")));

        Path out = tmp.resolve("recalled.idx");
        CliRunner.Result r = CliRunner.run("memory", "recall", "--model", run.resolve("model.safetensors").toString(),
                "--cues", run.resolve("stored.idx").toString(), "--clamp", "top-half", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Idx.Images rec = Idx.readImages(out);
        assertEquals(20, rec.count());
        assertEquals(8, rec.rows());
        assertTrue(Files.exists(tmp.resolve("recalled.png")));
        byte[] a = stored.pixels();
        byte[] b = rec.pixels();
        int differs = 0;
        for (int i = 0; i < 20; i++) {
            for (int j = 0; j < 64; j++) {
                if (j < 32) {
                    assertEquals(a[i * 64 + j], b[i * 64 + j], "known pixel " + j + " of image " + i);
                } else if (a[i * 64 + j] != b[i * 64 + j]) {
                    differs++;
                }
            }
        }
        // The cue's bottom half is ignored, not copied: recall infers it.
        assertTrue(differs > 0);
        r = CliRunner.run("memory", "recall", "--model", run.resolve("model.safetensors").toString(), "--cues",
                run.resolve("stored.idx").toString(), "--clamp", "top-half", "--out", out.toString(), "--truth",
                run.resolve("stored.idx").toString(), "--pixel-max", "16");
        assertEquals(0, r.code(), r.err());
        List<String> outLines = r.out().trim().lines().collect(Collectors.toList());
        Map<String, Object> err = Json.parseObject(outLines.get(outLines.size() - 1));
        double hidden = ((Number) err.get("hidden_mse")).doubleValue();
        // Known pixels are exact and half the pixels are hidden: the whole-image MSE is half the hidden one.
        assertTrue(hidden > 0 && hidden < 1, err.toString());
        assertEquals(hidden / 2, ((Number) err.get("mse")).doubleValue(), 1e-12);

        r = CliRunner.run("memory", "recall", "--model", run.resolve("model.safetensors").toString(), "--cues",
                run.resolve("stored.idx").toString(), "--clamp", "none", "--out", tmp.resolve("d.idx").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(20, Idx.readImages(tmp.resolve("d.idx")).count());
    }

    @Test
    void badInputGetsOneLineErrors() {
        Path run = store();
        String model = run.resolve("model.safetensors").toString();
        Path wrong = tmp.resolve("wrong.idx");
        Idx.writeImages(wrong, 2, 4, 4, new byte[32]);
        Path gen = tmp.resolve("gen");
        assertEquals(0, CliRunner.run("train", "--dataset", "digits", "--mode", "generative", "--epochs", "0",
                "--quiet", "--no-plots", "--out", gen.toString()).code());
        String cues = run.resolve("stored.idx").toString();
        for (String[] args : new String[][] {
                {"memory", "recall", "--model", model, "--cues", wrong.toString(), "--clamp", "top-half", "--out", tmp.resolve("o.idx").toString()},
                {"memory", "recall", "--model", model, "--cues", cues, "--clamp", "middle", "--out", tmp.resolve("o.idx").toString()},
                {"memory", "recall", "--model", model, "--cues", cues, "--clamp", wrong.toString(), "--out", tmp.resolve("o.idx").toString()},
                {"memory", "recall", "--model", gen.resolve("model.safetensors").toString(), "--cues", cues, "--clamp", "top-half", "--out", tmp.resolve("o.idx").toString()},
                {"memory", "store", "--dataset", "digits", "--count", "100000", "--out", tmp.resolve("x").toString()},
                {"memory", "store", "--dataset", "digits", "--split", "validation", "--out", tmp.resolve("x").toString()},
                {"memory", "store", "--dataset", "digits", "--hidden", "a,b", "--out", tmp.resolve("x").toString()},
                {"memory", "store", "--dataset", "nope", "--out", tmp.resolve("x").toString()}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertNotEquals(0, r.code(), String.join(" ", args));
            assertEquals(1, r.err().trim().lines().count(), r.err());
            assertTrue(r.err().startsWith("pcn4j: error:"), r.err());
        }
    }

    @Test
    void benchComparesEveryMethodOnEveryCue() throws IOException {
        Path out = tmp.resolve("bench");
        CliRunner.Result r = CliRunner.run("memory", "bench", "--dataset", "digits", "--counts", "5,8", "--unseen", "4",
                "--generative-train", "40", "--generative-epochs", "2", "--epochs", "20", "--latent", "8", "--hidden",
                "32", "--recall-steps", "50", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> lines = Files.readAllLines(out.resolve("results.jsonl")).stream()
                .map(Json::parseObject).collect(Collectors.toList());
        // 2 sizes x 3 cues x (the cue itself + 5 methods), then 4 unseen-image rows.
        assertEquals(2 * 3 * 6 + 4, lines.size());
        for (Map<String, Object> l : lines) {
            double mse = ((Number) l.get("mse")).doubleValue();
            double rec = ((Number) l.get("recalled")).doubleValue();
            assertTrue(mse >= 0 && mse < 1 && rec >= 0 && rec <= 1, l.toString());
        }
        // The Euclidean modern Hopfield network recalls a handful of stored digits exactly from half.
        Map<String, Object> euclid = lines.stream().filter(l -> l.get("method").equals("modern-euclidean")
                && l.get("cue").equals("bottom-half-hidden") && ((Number) l.get("n")).intValue() == 5).findFirst().get();
        assertEquals(1.0, ((Number) euclid.get("recalled")).doubleValue());
        assertTrue(Files.readString(out.resolve("table.md")).contains("| 8 | pc |"));
        assertTrue(Files.exists(out.resolve("memory-digits-5-bottom-half-hidden.png")));
        assertTrue(Files.exists(out.resolve("memory-digits-unseen.png")));
    }
}
