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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.fit.Checkpoint;
import org.pcn4j.io.SafeTensors;

/** train --resume after a real kill -9 of a child JVM ends with the uninterrupted run's weights, bit for bit. */
class ResumeCommandTest {
    @TempDir
    Path tmp;

    private static final String[] RUN = {"train", "--epochs", "4", "--model", "64-256-256-10", "--threads", "1",
        "--checkpoint-every", "3", "--quiet", "--no-plots"};

    private static String[] with(String... more) {
        String[] r = java.util.Arrays.copyOf(RUN, RUN.length + more.length);
        System.arraycopy(more, 0, r, RUN.length, more.length);
        return r;
    }

    private static float[] tensors(Path model) {
        List<Float> all = new ArrayList<>();
        for (SafeTensors.Entry e : SafeTensors.read(model).tensors().values()) {
            for (float v : e.data()) {
                all.add(v);
            }
        }
        float[] a = new float[all.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = all.get(i);
        }
        return a;
    }

    @Test
    void aRunKilledWithSigkillAndResumedEndsBitIdentical() throws Exception {
        Path straight = tmp.resolve("straight");
        CliRunner.Result s = CliRunner.run(with("--out", straight.toString()));
        assertEquals(0, s.code(), s.err());

        Path killed = tmp.resolve("killed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(with("--out", killed.toString())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        Path ck = killed.resolve("checkpoint.safetensors");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(ck) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(p.isAlive(), "the child finished before the kill: " + Files.readString(tmp.resolve("child.log")));
        p.destroyForcibly(); // SIGKILL on Linux and macOS: no shutdown hooks, no finally blocks
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by signal 9");
        int epochsDone = Checkpoint.read(ck).epochsDone();
        assertTrue(epochsDone < 4, "interrupted after " + epochsDone + " epochs");

        CliRunner.Result r = CliRunner.run("train", "--resume", killed.toString(), "--threads", "1", "--quiet",
                "--no-plots");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("pcn4j: resuming"), r.err());
        assertArrayEquals(tensors(straight.resolve("model.safetensors")), tensors(killed.resolve("model.safetensors")));
        assertEquals(strip(straight.resolve("metrics.jsonl")), strip(killed.resolve("metrics.jsonl")));
        assertEquals(Files.readString(straight.resolve("config.json")), Files.readString(killed.resolve("config.json")));
    }

    /** Timings differ between runs; every other field must match. */
    private static List<String> strip(Path metrics) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            out.add(line.replaceAll("\"epoch_seconds\":[^,]*,\"samples_per_second\":[^,]*,", ""));
        }
        return out;
    }

    @Test
    void resumeWithoutACheckpointAndResumeElsewhereAreOneLineErrors() throws IOException {
        Path a = tmp.resolve("a");
        assertEquals(0, CliRunner.run("train", "--epochs", "1", "--model", "64-16-10", "--quiet", "--no-plots", "--out",
                a.toString()).code());
        assertTrue(Files.exists(a.resolve("checkpoint.safetensors")));
        TrainCommandTest.assertOneLineError(CliRunner.run("train", "--resume", a.toString(), "--model", "64-32-10",
                "--epochs", "2"), "does not fit this model");
        // A new run over the folder (allowed by --overwrite) drops the old run's checkpoint at once.
        CliRunner.Result o = CliRunner.run("train", "--epochs", "1", "--max-steps", "1", "--quiet", "--no-plots",
                "--overwrite", "--out", a.toString());
        assertEquals(0, o.code(), o.err());
        assertFalse(Files.exists(a.resolve("checkpoint.safetensors")), "the max-steps stop writes none of its own");

        Path empty = tmp.resolve("empty");
        TrainCommandTest.assertOneLineError(CliRunner.run("train", "--resume", empty.toString()), "no checkpoint");
        TrainCommandTest.assertOneLineError(CliRunner.run("train", "--resume", empty.toString(), "--out",
                tmp.resolve("other").toString()), "drop --out");
    }
}
