package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.Idx;
import org.pcn4j.memory.MemoryStore;
import org.pcn4j.memory.PcMemory;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Parameter;
import org.pcn4j.util.Json;

/** {@code memory store --validation --keep --eval-every}, and a divergence while storing. */
class MemoryKeepTest {
    @TempDir
    Path tmp;

    private CliRunner.Result store(Path run, String... extra) {
        List<String> args = new ArrayList<>(List.of("memory", "store", "--dataset", "digits", "--count", "12",
                "--latent", "8", "--hidden", "24", "-T", "10", "--lr", "3e-2", "--batch-size", "4", "--seed", "7",
                "--recall-steps", "60", "--quiet", "--out", run.toString()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(new String[0]));
    }

    @Test
    void keepBestWritesTheEpochWithTheLowestValidationEnergyAndHoldsOutImages() throws IOException {
        Path run = tmp.resolve("mem");
        CliRunner.Result r = store(run, "--epochs", "40", "--validation", "0.25", "--keep", "best", "--eval-every", "4");
        assertEquals(0, r.code(), r.err());
        assertEquals(9, Idx.readImages(run.resolve("stored.idx")).count());
        assertEquals(3, Idx.readImages(run.resolve("held_out.idx")).count());

        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertEquals(40, lines.size());
        int bestEpoch = -1;
        double best = Double.POSITIVE_INFINITY;
        int evaluations = 0;
        for (String line : lines) {
            Map<String, Object> m = Json.parseObject(line);
            int epoch = ((Number) m.get("epoch")).intValue();
            assertEquals(epoch % 4 == 0, m.containsKey("val_energy"), "evaluated every 4 epochs: " + line);
            if (m.containsKey("val_energy")) {
                evaluations++;
                double v = ((Number) m.get("val_energy")).doubleValue();
                if (v < best) {
                    best = v;
                    bestEpoch = epoch;
                }
            }
        }
        assertEquals(10, evaluations);
        Map<String, String> meta = PcMemory.load(run.resolve("model.safetensors")).metadata();
        Map<String, Object> st = Json.parseObject(meta.get("store"));
        assertEquals(bestEpoch, ((Number) st.get("kept_epoch")).intValue(), meta.get("store"));
        assertEquals(best, ((Number) st.get("kept_validation_energy")).doubleValue());
        assertEquals("best", st.get("keep"));
        assertEquals("9", meta.get("stored"));
        int[] heldOut = ((List<?>) st.get("held_out")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
        assertArrayEquals(MemoryStore.split(12, 0.25, 7).heldOut(), heldOut, "seeded by --seed");
        Map<String, Object> out = Json.parseObject(r.out().trim());
        assertEquals(bestEpoch, ((Number) out.get("kept_epoch")).intValue());
        if (bestEpoch != 40) {
            assertTrue(r.err().contains("kept the memory of epoch " + bestEpoch), r.err());
        }
    }

    @Test
    void keepBestWithoutValidationIsAOneLineError() {
        Path run = tmp.resolve("mem");
        CliRunner.Result r = store(run, "--epochs", "2", "--keep", "best");
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--keep best") && r.err().contains("--validation"), r.err());
        assertFalse(Files.exists(run.resolve("model.safetensors")));
        CliRunner.Result bad = store(run, "--epochs", "2", "--validation", "1");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--validation must be in [0, 1)"), bad.err());
        CliRunner.Result which = store(run, "--epochs", "2", "--keep", "first");
        assertEquals(1, which.code());
        assertTrue(which.err().contains("--keep must be last or best, got 'first'"), which.err());
        CliRunner.Result tiny = store(run, "--epochs", "2", "--validation", "0.01");
        assertEquals(1, tiny.code());
        assertTrue(tiny.err().contains("leaves nothing to validate on"), tiny.err());
        assertFalse(Files.exists(run.resolve("stored.idx")), "refused before anything is written");
        CliRunner.Result every = store(run, "--epochs", "2", "--validation", "0.25", "--eval-every", "0");
        assertEquals(1, every.code());
        assertTrue(every.err().contains("--eval-every"), every.err());
    }

    @Test
    void aDivergenceWritesTheLastGoodModelAndExitsNonZero() throws IOException {
        Path run = tmp.resolve("mem");
        CliRunner.Result r = store(run, "--epochs", "5", "--state-lr", "1e6", "--validation", "0.25");
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("storing diverged at epoch 1") && r.err().contains("holds epoch 0"), r.err());
        PcMemory.Loaded loaded = PcMemory.load(run.resolve("model.safetensors"));
        for (Edge e : loaded.memory().graph().network().edges()) {
            for (Parameter p : e.parameters()) {
                for (float v : p.value()) {
                    assertTrue(Float.isFinite(v), "no diverged weight in the model file");
                }
            }
        }
        Map<String, Object> st = Json.parseObject(loaded.metadata().get("store"));
        assertEquals(0, ((Number) st.get("kept_epoch")).intValue());
        assertTrue(((String) st.get("stopped")).startsWith("storing diverged at epoch 1"));
        List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
        Map<String, Object> last = Json.parseObject(lines.get(lines.size() - 1));
        assertEquals("divergence", last.get("event"));
        assertEquals("stop", last.get("action"));
    }
}
