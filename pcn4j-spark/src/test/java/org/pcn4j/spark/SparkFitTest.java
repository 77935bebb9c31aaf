package org.pcn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.cli.DistributedTraining;
import org.pcn4j.fit.Checkpoint;
import org.pcn4j.fit.EpochReport;
import org.pcn4j.fit.FitListener;
import org.pcn4j.fit.FitResult;
import org.pcn4j.optim.Param;

/**
 * What the single-machine loop does around its batches, under --spark local[2]: checkpoints and
 * an exact resume, the kept model with --keep best, and the divergence guard's three actions.
 */
class SparkFitTest {
    @TempDir
    Path tmp;

    @AfterAll
    static void stopSpark() {
        SparkTraining.stopContext();
    }

    /** 1438 digits / 2 partitions / 64 = 12 local batches per epoch: 3 rounds of 4 updates. */
    static final List<String> ARGS = List.of("--dataset", "digits", "--model", "64-32-10", "--threads", "1", "--seed", "4",
            "--lr", "2e-3", "--spark", "local[2]", "--sync-every", "4");

    static FitResult run(List<String> args, Checkpoint resume, FitListener... listeners) {
        DistributedTraining.Worker w = DistributedTraining.worker(args);
        return new SparkTraining().run(new DistributedTraining.Job("local[2]", "weights", 4, args, w.net(), w.fit(),
                w.trainConfig(), w.fitConfig(), w.fit().evalInferenceSteps(w.trainConfig()), List.of(listeners), resume, "linear"));
    }

    static float[][] weights(FitResult r) {
        List<Param> ps = r.trainer().weightParams();
        float[][] w = new float[ps.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = java.util.Arrays.copyOf(ps.get(i).value(), ps.get(i).length());
        }
        return w;
    }

    @Test
    void aCrashedRunResumedFromItsCheckpointEndsBitForBitAsTheUninterruptedOne() throws Exception {
        List<String> args = new ArrayList<>(ARGS);
        args.addAll(List.of("--epochs", "3", "--checkpoint-every", "6"));
        FitResult whole = run(args, null);

        // Checkpoints: epoch 1 round 2 (8 updates), end of epoch 1, epoch 2 round 2, ...: crash at the third,
        // in the middle of epoch 2, after writing it.
        Path file = tmp.resolve("checkpoint.safetensors");
        int[] seen = {0};
        FitListener crash = new FitListener() {
            @Override
            public void onCheckpoint(Checkpoint c) {
                c.write(file);
                if (++seen[0] == 3) {
                    throw new IllegalStateException("simulated crash");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> run(args, null, crash));
        Checkpoint c = Checkpoint.read(file);
        assertEquals(1, c.epochsDone());
        assertEquals(20L, c.updates());
        assertEquals(1, c.records().size());

        FitResult resumed = run(args, c);
        float[][] a = weights(whole);
        float[][] b = weights(resumed);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "tensor " + i);
        }
        assertEquals(3, resumed.history().size());
        for (int e = 0; e < 3; e++) {
            Map<String, Object> x = whole.history().get(e);
            Map<String, Object> y = resumed.history().get(e);
            assertEquals(x.get("train_loss"), y.get("train_loss"), "epoch " + (e + 1));
            assertEquals(x.get("test_accuracy"), y.get("test_accuracy"), "epoch " + (e + 1));
            assertEquals(x.get("updates"), y.get("updates"));
        }
    }

    @Test
    void keepBestLeavesTheBestValidationEpochInTheNetwork() {
        List<String> args = new ArrayList<>(ARGS);
        args.addAll(List.of("--epochs", "4", "--validation", "0.2", "--keep", "best", "--lr", "2e-2"));
        List<float[][]> perEpoch = new ArrayList<>();
        List<FitListener.Start> start = new ArrayList<>();
        FitListener record = new FitListener() {
            @Override
            public void onStart(Start s) {
                start.add(s);
            }

            @Override
            public void onEpoch(EpochReport r) {
                List<Param> ps = start.get(0).trainer().weightParams();
                float[][] w = new float[ps.size()][];
                for (int i = 0; i < w.length; i++) {
                    w[i] = ps.get(i).value().clone();
                }
                perEpoch.add(w);
            }
        };
        FitResult r = run(args, null, record);
        int best = 0;
        for (int e = 1; e < r.history().size(); e++) {
            if ((double) r.history().get(e).get("validation_accuracy") > (double) r.history().get(best).get("validation_accuracy")) {
                best = e;
            }
        }
        assertEquals(best + 1, r.keptEpoch());
        float[][] now = weights(r);
        for (int i = 0; i < now.length; i++) {
            assertArrayEquals(perEpoch.get(best)[i], now[i], "tensor " + i);
        }
    }

    private static List<Map<String, Object>> records(Path dir) throws Exception {
        List<Map<String, Object>> m = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
            m.add(org.pcn4j.util.Json.parseObject(line));
        }
        return m;
    }

    private static List<String> cli(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train"));
        a.addAll(ARGS);
        a.addAll(List.of("--epochs", "2", "--state-momentum", "0", "--quiet", "--no-plots", "--out", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void theDivergenceGuardRollsBackStopsOrIgnoresPerRound() throws Exception {
        // A state rate that blows inference up: rolled back (rates halved on every partition), the run recovers.
        Path rb = tmp.resolve("rollback");
        SparkTrainingTest.Result r = SparkTrainingTest.ok(cli(rb, "--state-lr", "5"));
        assertTrue(r.err().contains("action: rollback"), r.err());
        List<Map<String, Object>> m = records(rb);
        assertTrue(m.stream().anyMatch(x -> "rollback".equals(x.get("action"))), m.toString());
        // (Every round of epoch 1 may be rolled back, as a single-machine epoch whose every batch was: not evaluated.)
        assertTrue(m.stream().anyMatch(x -> !x.containsKey("event")), r.err());
        assertTrue(Files.exists(rb.resolve("model.safetensors")));
        for (Map<String, Object> x : m) {
            if (!x.containsKey("event")) {
                assertTrue(Double.isFinite(((Number) x.get("train_loss")).doubleValue()), x.toString());
            }
        }

        // Non-finite at once, --on-divergence stop: a one-line error and no model.
        Path st = tmp.resolve("stop");
        r = SparkTrainingTest.cli(cli(st, "--state-lr", "1e30", "--on-divergence", "stop").toArray(new String[0]));
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("training stopped: divergence in epoch 1, batch 1 (update 1)"), r.err());
        assertTrue(r.err().contains("non-finite"), r.err());
        assertFalse(Files.exists(st.resolve("model.safetensors")));
        assertEquals("stop", records(st).get(0).get("action"));

        // ignore: recorded, and the run goes on at the same rates.
        Path ig = tmp.resolve("ignore");
        r = SparkTrainingTest.ok(cli(ig, "--state-lr", "5", "--on-divergence", "ignore"));
        m = records(ig);
        assertTrue(m.stream().anyMatch(x -> "ignore".equals(x.get("action"))), m.toString());
        assertTrue(m.stream().noneMatch(x -> "rollback".equals(x.get("action"))), m.toString());
    }

    @Test
    void theCliResumesASparkRunFromItsConfigAndRefusesAMismatch() throws Exception {
        Path a = tmp.resolve("a");
        SparkTrainingTest.ok(cli(a, "--checkpoint-every", "6"));
        byte[] model = Files.readAllBytes(a.resolve("model.safetensors"));
        // The last checkpoint is the end of the run: resuming it has nothing left to train and keeps the model.
        SparkTrainingTest.Result r = SparkTrainingTest.ok(List.of("train", "--resume", a.toString(), "--quiet", "--no-plots"));
        assertTrue(r.err().contains("resuming"), r.err());
        assertArrayEquals(model, Files.readAllBytes(a.resolve("model.safetensors")));
        assertEquals(2, records(a).size());

        // A run folder whose config.json does not name K (made under another default) keeps the checkpoint's.
        Path old = tmp.resolve("old");
        List<String> o = cli(old, "--checkpoint-every", "6");
        o.set(o.indexOf("--sync-every") + 1, "3");
        SparkTrainingTest.ok(o);
        Path cfg = old.resolve("config.json");
        String json = Files.readString(cfg);
        assertTrue(json.contains("\"sync-every\": 3"), json);
        Files.writeString(cfg, json.replaceAll("\\s*\"sync-every\": 3,?", ""));
        r = SparkTrainingTest.ok(List.of("train", "--resume", old.toString(), "--quiet", "--no-plots"));
        assertTrue(r.err().contains("sync weights every 3 local steps"), r.err());

        r = SparkTrainingTest.cli("train", "--resume", a.toString(), "--sync-every", "2");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("the checkpoint was written with --sync weights, --sync-every 4 on 2 partitions"),
                r.err());
        // A Spark checkpoint is not a single-machine one, and the other way round.
        Path local = tmp.resolve("local");
        SparkTrainingTest.ok(List.of("train", "--dataset", "digits", "--model", "64-32-10", "--epochs", "1", "--quiet",
                "--no-plots", "--out", local.toString()));
        r = SparkTrainingTest.cli("train", "--resume", local.toString(), "--spark", "local[2]");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("written by a single-machine run: resume it without --spark"), r.err());
        r = SparkTrainingTest.cli("train", "--resume", a.toString(), "--spark", "local[2]", "--sync", "gradients");
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
