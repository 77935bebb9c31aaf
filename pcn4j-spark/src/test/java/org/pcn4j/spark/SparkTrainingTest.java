package org.pcn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.cli.Main;
import org.pcn4j.util.Json;
import org.pcn4j.io.SafeTensors;

/**
 * {@code pcn4j train --spark local[2]} end to end on the embedded digits, in this JVM (one
 * SparkContext, shared by every test: surefire runs this module in a single fork).
 */
class SparkTrainingTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    /**
     * The runs leave the local[2] context up for the next test (one per JVM); stopping it before
     * the fork exits keeps Spark's threads from failing the fork's exit (seen on JDK 25: code 50).
     */
    @AfterAll
    static void stopSpark() {
        SparkTraining.stopContext();
    }

    static synchronized Result cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static List<String> train(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--dataset", "digits", "--model", "64-32-10", "--threads", "1",
                "--quiet", "--no-plots", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    static Result ok(List<String> args) {
        Result r = cli(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> metrics(Path dir) throws Exception {
        List<Map<String, Object>> m = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            m.add((Map<String, Object>) Json.parse(line));
        }
        return m;
    }

    @Test
    void gradientAggregationMatchesSingleMachineTraining() throws Exception {
        // Adam(W), a warmup-cosine schedule, clipping and a partial last batch (1438 = 11 x 128 + 30):
        // the driver's optimizer step must see exactly the whole batch's gradient.
        String[] same = {"--epochs", "2", "--batch-size", "128", "--schedule", "warmup-cosine", "--clip-norm", "5", "--seed", "3"};
        Path local = tmp.resolve("local");
        Path spark = tmp.resolve("spark");
        ok(train(local, same));
        List<String> s = train(spark, same);
        s.addAll(List.of("--spark", "local[2]", "--sync", "gradients"));
        Result r = ok(s);
        assertTrue(r.err().contains("2 partitions"), r.err());

        SafeTensors.Contents want = SafeTensors.read(local.resolve("model.safetensors"));
        SafeTensors.Contents got = SafeTensors.read(spark.resolve("model.safetensors"));
        assertEquals(want.tensors().keySet(), got.tensors().keySet());
        double worst = 0;
        for (SafeTensors.Entry w : want.tensors().values()) {
            float[] a = w.data();
            float[] b = got.get(w.name()).data();
            assertEquals(a.length, b.length, w.name());
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
        }
        // Only the batch sums' rounding differs (two half-batch sums instead of one).
        assertTrue(worst < 1e-5, "largest weight difference " + worst);
        List<Map<String, Object>> lm = metrics(local);
        List<Map<String, Object>> sm = metrics(spark);
        assertEquals(2, sm.size());
        for (int e = 0; e < 2; e++) {
            assertEquals((double) lm.get(e).get("train_loss"), (double) sm.get(e).get("train_loss"), 1e-6);
            assertEquals(lm.get(e).get("test_accuracy"), sm.get(e).get("test_accuracy"));
            assertEquals(((Number) lm.get(e).get("updates")).longValue(), ((Number) sm.get(e).get("updates")).longValue());
        }
    }

    @Test
    void parameterAveragingTrainsTheDigits() throws Exception {
        Path out = tmp.resolve("avg");
        List<String> a = train(out, "--epochs", "6", "--lr", "2e-3");
        a.addAll(List.of("--spark", "local[2]", "--sync-every", "4"));
        ok(a);
        List<Map<String, Object>> m = metrics(out);
        assertEquals(6, m.size());
        Map<String, Object> last = m.get(5);
        // 1438 samples / 2 partitions / 64 = 12 local batches per epoch: 3 rounds of 4.
        assertEquals(3, ((Number) last.get("spark_rounds")).intValue());
        assertEquals(2, ((Number) last.get("spark_partitions")).intValue());
        assertEquals(72L, ((Number) last.get("updates")).longValue());
        double acc = (double) last.get("test_accuracy");
        assertTrue(acc > 0.8, "test accuracy " + acc);
        assertTrue((double) last.get("train_loss") < (double) m.get(0).get("train_loss"));
        assertTrue(Files.size(out.resolve("model.safetensors")) > 0);
        assertTrue(Files.readString(out.resolve("config.json")).contains("\"spark\""));
    }

    @Test
    void badInputGivesOneLineErrors() {
        Path out = tmp.resolve("bad");
        long t0 = System.nanoTime();
        List<String> a = train(out, "--epochs", "1", "--spark", "spark://127.0.0.1:1");
        Result r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no Spark master reachable at 127.0.0.1:1"), r.err());
        assertTrue((System.nanoTime() - t0) / 1e9 < 10, "took " + (System.nanoTime() - t0) / 1e9 + " s");

        a = train(out, "--epochs", "1", "--overwrite", "--spark", "local[2]", "--sync-every", "13");
        r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--sync-every 13 is more than the 12 batches each of the 2 partitions has per epoch"),
                r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("pcn4j: error")).count(), r.err());

        a = train(out, "--epochs", "1", "--overwrite", "--spark", "local[2]", "--sync", "sometimes");
        r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--sync must be weights or gradients, got 'sometimes'"), r.err());

        a = train(out, "--epochs", "1", "--overwrite", "--spark", "local[2]", "--algorithm", "ipc", "--sync", "gradients");
        r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--sync gradients needs a rule that updates the weights once per batch"), r.err());

        a = train(out, "--epochs", "1", "--sync-every", "2");
        r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--sync-every needs --spark MASTER"), r.err());

        a = train(out, "--epochs", "1", "--overwrite", "--spark", "local[2]", "--sync-lr-scale", "fast");
        r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--sync-lr-scale must be linear, sqrt, none or a positive number, got 'fast'"), r.err());

        a = train(out, "--epochs", "1", "--label-column", "y");
        r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--label-column applies to --dataset parquet:PATH or spark-csv:PATH, which need --spark MASTER"),
                r.err());

        // An executor heap Spark cannot start: refused before any JVM starts (Spark would retry without end).
        a = train(out, "--epochs", "1", "--overwrite", "--spark", "local-cluster[2,1,256]");
        r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--spark local-cluster[2,1,256]: 256 MB per executor is below Spark's minimum of 450 MB"),
                r.err());

        a = train(out, "--epochs", "1", "--spark", "yarnish");
        r = cli(a.toArray(new String[0]));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--spark 'yarnish': expected local[N]"), r.err());
    }

    /**
     * An address that accepts TCP connections but never speaks Spark: a one-line error within
     * seconds. In a child JVM: Spark's half-built context keeps its constructor lock (and retries
     * for a minute), which would hold up the other tests' contexts in this one.
     */
    @Test
    void aSilentAddressIsAOneLineErrorWithinSeconds() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                List<java.net.Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted and never answered
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            accept.setDaemon(true);
            accept.start();
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = List.of(javaBin, "--add-modules", "jdk.incubator.vector", "-Dpcn4j.spark.registerWait=3",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--dataset", "digits",
                    "--epochs", "1", "--out", tmp.resolve("silent").toString(), "--spark",
                    "spark://127.0.0.1:" + silent.getLocalPort());
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                    .start();
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "still running after 60 s");
            double secs = (System.nanoTime() - t0) / 1e9;
            String log = Files.readString(tmp.resolve("child.log"));
            assertEquals(1, p.exitValue(), log);
            assertTrue(log.contains("pcn4j: error: --spark spark://127.0.0.1:" + silent.getLocalPort()
                    + ": the address accepts connections, but no Spark master registered the application within 3 s"), log);
            assertTrue(secs < 30, "took " + secs + " s");
        }
    }

    @Test
    void sparkSubmitEntryNeedsAMaster() {
        String old = System.clearProperty("spark.master");
        try {
            PrintStream oldErr = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code;
            try {
                code = Train.run(new String[] {"--dataset", "digits", "--epochs", "1"});
            } finally {
                System.setErr(oldErr);
            }
            assertEquals(2, code);
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("no Spark master"));
        } finally {
            if (old != null) {
                System.setProperty("spark.master", old);
            }
        }
    }
}
