package org.pcn4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.io.SafeTensors;

/**
 * The packaged jar through spark-submit's own entry points (failsafe, integration-test phase: the
 * shaded {@code pcn4j-spark.jar} exists only after {@code package}). {@code spark-submit-local.sh}
 * runs {@code org.apache.spark.launcher.Main} and then the {@code org.apache.spark.deploy.SparkSubmit}
 * command it prints, in a JVM of its own, as a distribution's {@code bin/spark-submit} does. The
 * run must train exactly what {@code pcn4j train --spark local[2]} trains in this JVM (this fork's
 * only SparkContext).
 */
class SparkSubmitIT {
    @TempDir
    Path tmp;

    @AfterAll
    static void stopSpark() {
        SparkTraining.stopContext();
    }

    private static final List<String> FLAGS = List.of("--dataset", "digits", "--model", "64-32-10", "--epochs", "1",
            "--threads", "1", "--quiet", "--no-plots");

    /** Runs spark-submit-local.sh with {@code --master MASTER} and the train flags; returns its output. */
    private String submit(String master, Path out, int timeoutSeconds) throws Exception {
        Path module = Path.of(System.getProperty("pcn4j.module.dir", "")).toAbsolutePath();
        Path jar = module.resolve("target/pcn4j-spark.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing (the package phase makes it)");
        List<String> cmd = new ArrayList<>(List.of("bash", module.resolve("spark-submit-local.sh").toString(),
                "--master", master, "--class", Train.class.getName(), jar.toString()));
        cmd.addAll(FLAGS);
        cmd.addAll(List.of("--out", out.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("submit.log").toFile());
        // The driver runs on this JDK (the launcher takes JAVA_HOME), so JDK 25 builds check JDK 25.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("spark-submit still running after " + timeoutSeconds + " s:\n"
                    + Files.readString(tmp.resolve("submit.log")));
        }
        String log = Files.readString(tmp.resolve("submit.log"));
        assertEquals(0, p.exitValue(), log);
        return log;
    }

    @Test
    void sparkSubmitTrainsWhatTheCliTrains() throws Exception {
        Path viaSubmit = tmp.resolve("submit");
        String log = submit("local[2]", viaSubmit, 300);
        assertTrue(log.contains("pcn4j: spark local[2], 2 partitions, sync weights every 4 local steps"), log);
        assertTrue(log.contains("test accuracy"), log);
        assertEquals("local[2]", ((Map<?, ?>) org.pcn4j.util.Json.parse(
                Files.readString(viaSubmit.resolve("config.json")))).get("spark"));
        Map<String, Object> last = lastEpoch(viaSubmit);
        assertEquals(2, ((Number) last.get("spark_partitions")).intValue());

        Path inProcess = tmp.resolve("cli");
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(FLAGS);
        a.addAll(List.of("--out", inProcess.toString(), "--spark", "local[2]"));
        assertEquals(0, org.pcn4j.cli.Main.run(a.toArray(new String[0])));
        assertEquals(SafeTensors.read(inProcess.resolve("model.safetensors")).tensors(),
                SafeTensors.read(viaSubmit.resolve("model.safetensors")).tensors(),
                "spark-submit's weights differ from the cli's");
        assertEquals(lastEpoch(inProcess).get("test_accuracy"), last.get("test_accuracy"));
    }

    /** local-cluster starts two executor JVMs (slow on a busy 2-core machine): -Dpcn4j.it.localCluster=true. */
    @Test
    @EnabledIfSystemProperty(named = "pcn4j.it.localCluster", matches = "true")
    void sparkSubmitOnALocalCluster() throws Exception {
        Path out = tmp.resolve("cluster");
        String log = submit("local-cluster[2,1,1024]", out, 600);
        assertTrue(log.contains("pcn4j: spark local-cluster[2,1,1024], 2 partitions"), log);
        assertEquals(2, ((Number) lastEpoch(out).get("spark_partitions")).intValue());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> lastEpoch(Path dir) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
        return (Map<String, Object>) org.pcn4j.util.Json.parse(lines.get(lines.size() - 1));
    }
}
