package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress shows on a terminal wherever long work happens, and --quiet silences every bar: the
 * command's own and those drawn by code that never sees the flag (dataset decoding, a generative
 * model's evaluation). A terminal is simulated, so the bars' carriage returns reach stderr here.
 */
class QuietTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void onATerminal() {
        ProgressBar.terminalForTests = true;
    }

    @AfterEach
    void detectAgain() {
        ProgressBar.terminalForTests = null;
    }

    private static CliRunner.Result run(List<String> args, boolean quiet) {
        List<String> a = new ArrayList<>(args);
        if (quiet) {
            a.add("--quiet");
        }
        CliRunner.Result r = CliRunner.run(a.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    private List<String> generativeTrain(String out) {
        return List.of("train", "--dataset", "digits", "--mode", "generative", "--model", "64-16-10", "--epochs", "1",
                "--eval-inference-steps", "2", "--threads", "1", "--no-plots", "--overwrite", "--out", tmp.resolve(out).toString());
    }

    @Test
    void generativeTrainingShowsItsEvaluationUnlessQuiet() {
        CliRunner.Result loud = run(generativeTrain("loud"), false);
        assertTrue(loud.err().contains("evaluating digits"), "the epoch-end evaluation has a bar: " + loud.err());
        assertTrue(loud.err().contains("\r"));
        CliRunner.Result quiet = run(generativeTrain("quiet"), true);
        assertFalse(quiet.err().contains("\r"), "a bar under --quiet: " + quiet.err());
        assertFalse(quiet.err().contains("evaluating"), quiet.err());
        assertTrue(quiet.err().contains("epoch   1"), "the epoch line stays: " + quiet.err());
        // The next command without --quiet draws again: the flag lasts one command.
        CliRunner.Result eval = run(List.of("eval", "--model", tmp.resolve("quiet").resolve("model.safetensors").toString(),
                "--dataset", "digits", "--inference-steps", "2"), false);
        assertTrue(eval.err().contains("evaluating"), eval.err());
        CliRunner.Result evalQuiet = run(List.of("eval", "--model", tmp.resolve("quiet").resolve("model.safetensors").toString(),
                "--dataset", "digits", "--inference-steps", "2"), true);
        assertFalse(evalQuiet.err().contains("\r"), evalQuiet.err());
        assertEquals(eval.out(), evalQuiet.out(), "the same numbers either way");
    }

    @Test
    void memoryStoreRecallAndBenchAreSilencedByQuiet() {
        Path mem = tmp.resolve("mem");
        List<String> store = List.of("memory", "store", "--dataset", "digits", "--count", "10", "--epochs", "5",
                "--latent", "8", "--hidden", "16", "--recall-steps", "20", "--overwrite", "--out", mem.toString());
        assertTrue(run(store, false).err().contains("\r"), "memory store draws its bar on a terminal");
        assertFalse(run(store, true).err().contains("\r"));
        List<String> recall = List.of("memory", "recall", "--model", mem.resolve("model.safetensors").toString(),
                "--cues", mem.resolve("stored.idx").toString(), "--clamp", "top-half", "--out", tmp.resolve("r.idx").toString());
        assertTrue(run(recall, false).err().contains("\r"), "memory recall draws its bar on a terminal");
        assertFalse(run(recall, true).err().contains("\r"));
        List<String> bench = List.of("memory", "bench", "--dataset", "digits", "--counts", "5", "--unseen", "0",
                "--generative-train", "0", "--epochs", "5", "--latent", "8", "--hidden", "16", "--recall-steps", "10",
                "--out", tmp.resolve("bench").toString());
        assertTrue(run(bench, false).err().contains("\r"), "memory bench draws its bars on a terminal");
        assertFalse(run(bench, true).err().contains("\r"));
    }
}
