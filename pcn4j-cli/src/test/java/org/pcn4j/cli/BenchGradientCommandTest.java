package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcn4j.util.Json;

/**
 * {@code bench gradient}: one row per parameter tensor and one for all, PC near backprop at a high
 * hidden precision and far from it at precision 1 (where the states explain the error away), and
 * one-line errors for what it cannot compare.
 */
class BenchGradientCommandTest {
    private static List<Map<String, Object>> rows(String... extra) {
        List<String> args = new ArrayList<>(List.of("bench", "gradient", "--dataset", "digits", "--model", "64-24-16-10",
                "--batches", "3", "--threads", "1", "--json", "-T", "20"));
        args.addAll(List.of(extra));
        CliRunner.Result r = CliRunner.run(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : r.out().strip().split("\n")) {
            out.add(Json.parseObject(line));
        }
        return out;
    }

    private static double all(List<Map<String, Object>> rows, String key) {
        Map<String, Object> last = rows.get(rows.size() - 1);
        assertEquals("all", last.get("parameter"));
        return ((Number) last.get(key)).doubleValue();
    }

    @Test
    void aHighHiddenPrecisionBringsPcsGradientsToBackprops() {
        List<Map<String, Object>> precise = rows("--hidden-precision", "1000");
        assertEquals(7, precise.size(), "weight and bias of three edges, and all: " + precise);
        assertEquals("x0->x1.weight", precise.get(0).get("parameter"));
        assertTrue(all(precise, "cosine") > 0.999, "cosine at pi = 1000: " + precise);
        assertTrue(Math.abs(all(precise, "length_ratio") - 1) < 0.02, "length at pi = 1000: " + precise);
        List<Map<String, Object>> plain = rows("--state-lr", "0.1");
        assertTrue(all(plain, "cosine") < all(precise, "cosine"), "pi = 1 is further from backprop: " + plain);
    }

    @Test
    void backpropAgainstItselfAndBadCountsAreOneLineErrors() {
        for (String[] bad : new String[][] {{"--algorithm", "bp"}, {"--batches", "0"}, {"--precision-growth", "5"}}) {
            List<String> args = new ArrayList<>(List.of("bench", "gradient", "--dataset", "digits", "--threads", "1"));
            args.addAll(List.of(bad));
            CliRunner.Result r = CliRunner.run(args.toArray(new String[0]));
            assertEquals(1, r.code(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
