package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.InputAffine;
import org.pcn4j.io.ModelFile;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;

/** What a user sees for hostile inputs: FIFOs, a --dir that is a file, and an OutOfMemoryError. */
class HardeningCommandsTest {
    @TempDir
    Path tmp;

    private static void oneLineError(CliRunner.Result r, String... parts) {
        assertEquals(1, r.code(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("pcn4j: error: "), r.err());
        for (String p : parts) {
            assertTrue(lines[0].contains(p), "'" + p + "' in " + lines[0]);
        }
    }

    @Test
    void aFifoIsRefusedByNameInsteadOfHanging() {
        Path fifo = CliFuzz.fifo(tmp, "pipe.yaml");
        Path model = CliFuzz.fifo(tmp, "pipe.safetensors");
        Path csv = CliFuzz.fifo(tmp, "pipe.csv");
        if (fifo == null || model == null || csv == null) {
            return; // no mkfifo here: nothing to check
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            oneLineError(CliRunner.run("train", "--config", fifo.toString()), fifo.toString(), "not a regular file");
            oneLineError(CliRunner.run("graph", "show", fifo.toString()), fifo.toString(), "not a regular file");
            oneLineError(CliRunner.run("eval", "--model", model.toString(), "--dataset", "digits"), model.toString(),
                    "not a regular file");
            oneLineError(CliRunner.run("data", "info", "--dataset", "csv:" + csv), csv.toString(), "not a regular file");
        });
    }

    @Test
    void aDownloadDirThatIsAFileSaysSo() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        oneLineError(CliRunner.run("data", "download", "--dataset", "mnist", "--dir", file.toString(), "--mirror",
                tmp.toUri().toString()), file + ": it is a file, not a folder");
    }

    @Test
    void outOfMemoryIsOneLineNamingWhatWasLoadedAndTheLauncherVariable() throws Exception {
        // 2 x 2048 x 2048 weights (33.6 MB): the heap check passes under -Xmx48m, building the model does not.
        Mlp m = new Mlp(new MlpSpec(new int[] {2048, 2048, 2048, 10}, Activation.TANH, Activation.IDENTITY,
                Convention.POST, Energy.GAUSSIAN));
        Path f = tmp.resolve("big.safetensors");
        ModelFile.save(f, m, InputAffine.identity(2048), null);
        m = null;
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:+UseSerialGC", "-cp", cp, "org.pcn4j.cli.Main", "eval", "--model", f.toString(),
                "--dataset", "digits"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new File("/dev/null"))).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.exitValue(), out);
        assertFalse(out.contains("Exception in thread") || out.contains("\tat "), out);
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            if (!l.isBlank() && !l.startsWith("WARNING: Using incubator") && !l.contains("scalar")) {
                lines.add(l);
            }
        }
        assertEquals(1, lines.size(), out);
        String line = lines.get(0);
        assertTrue(line.startsWith("pcn4j: error: out of memory while loading the model file " + f), line);
        assertTrue(line.contains("PCN4J_JAVA_OPTS=-Xmx2g"), line);
    }

    @Test
    void dataInfoShowsAtMostAHundredHistogramRows() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            sb.append(i).append(',').append(i * 7 % 150).append('\n');
        }
        Path csv = Files.writeString(tmp.resolve("many.csv"), sb.toString());
        CliRunner.Result r = CliRunner.run("data", "info", "--dataset", "csv:" + csv);
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines.length < 120, lines.length + " lines");
        assertEquals("(150 classes: empty ones not shown, nor 50 more with samples; --json lists all)",
                lines[lines.length - 1]);
    }

    @Test
    void aPlainOutOfMemoryErrorNamesTheCommand() {
        String m = Errors.outOfMemory(new OutOfMemoryError("Java heap space"), "train");
        assertTrue(m.startsWith("out of memory while running 'train' (Java heap space): the JVM may use "), m);
        assertTrue(m.contains("PCN4J_JAVA_OPTS=-Xmx"), m);
        assertEquals(m, Errors.describe(new OutOfMemoryError("Java heap space")).replace("the command", "'train'"));
    }
}
