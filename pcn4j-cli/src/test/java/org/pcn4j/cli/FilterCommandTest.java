package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pcn4j.cli.TrainCommandTest.assertOneLineError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.util.Json;

class FilterCommandTest {
    @TempDir
    Path tmp;

    static final String SYS = "A: [[1.0, 0.1], [0.0, 1.0]]\n"
            + "B: [[0.0], [1.0]]\n"
            + "C: [[1.0, 0.0], [0.3, 0.8]]\n"
            + "Q: [[1.0, 0.0], [0.0, 1.0]]\n"
            + "R: [[1.0, 0.0], [0.0, 1.0]]\n"
            + "x0: [0.0, 0.0]\n"
            + "activation: identity\n"
            + "input: {scale: [1.0], decay: 0.01}\n";

    private Path sys(String text) throws Exception {
        Path p = tmp.resolve("sys-" + Math.abs(text.hashCode()) + ".yaml");
        Files.writeString(p, text);
        return p;
    }

    private Path simulate(int steps) throws Exception {
        Path dir = tmp.resolve("sim");
        CliRunner.Result r = CliRunner.run("filter", "simulate", "--system", sys(SYS).toString(), "--steps",
                String.valueOf(steps), "--seed", "3", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        return dir;
    }

    @Test
    void simulateThenFilterWithEachMethod() throws Exception {
        Path dir = simulate(300);
        List<String> obs = Files.readAllLines(dir.resolve("OBS.csv"));
        assertEquals("u1,y1,y2", obs.get(0));
        assertEquals(301, obs.size());
        assertEquals("x1,x2", Files.readAllLines(dir.resolve("X.csv")).get(0));
        double kalman = 0;
        double eq = 0;
        for (String method : new String[] {"kalman", "tpc-equilibrium", "tpc"}) {
            Path est = tmp.resolve(method + ".csv");
            CliRunner.Result r = CliRunner.run("filter", "--system", sys(SYS).toString(), "--data",
                    dir.resolve("OBS.csv").toString(), "--method", method, "--inference-steps", "50", "--state-lr", "0.1",
                    "--out", est.toString(), "--truth", dir.resolve("X.csv").toString(), "--steps", "300");
            assertEquals(0, r.code(), r.err());
            Map<String, Object> j = Json.parseObject(r.out());
            double mse = Json.getDouble(j, "mse");
            assertTrue(mse > 0 && mse < 5, method + " mse " + mse);
            List<String> lines = Files.readAllLines(est);
            assertEquals("x1,x2", lines.get(0));
            assertEquals(301, lines.size());
            assertTrue(Files.size(tmp.resolve(method + "-x1.png")) > 1000);
            if (method.equals("kalman")) {
                kalman = mse;
                assertTrue(j.containsKey("riccati_mse"));
            } else if (method.equals("tpc-equilibrium")) {
                eq = mse;
                assertTrue(j.containsKey("lyapunov_mse"));
            } else {
                // 50 steps of 0.1 converge on this system: the iterative filter is the equilibrium.
                assertEquals(eq, mse, 0.01 * eq);
            }
        }
        assertTrue(kalman < eq, "Kalman " + kalman + " should beat the constant-gain tPC " + eq);
    }

    @Test
    void learningSavesAModelThatLoadsBack() throws Exception {
        Path dir = simulate(200);
        Path est = tmp.resolve("learned.csv");
        CliRunner.Result r = CliRunner.run("filter", "--system", sys(SYS).toString(), "--data",
                dir.resolve("OBS.csv").toString(), "--method", "tpc-equilibrium", "--learn", "A,C", "--epochs", "5",
                "--lr", "1e-3", "--out", est.toString());
        assertEquals(0, r.code(), r.err());
        Path model = tmp.resolve("learned.model.yaml");
        assertTrue(Files.exists(model));
        assertTrue(Files.exists(tmp.resolve("learned-learning.png")));
        CliRunner.Result again = CliRunner.run("filter", "--system", model.toString(), "--data",
                dir.resolve("OBS.csv").toString(), "--method", "kalman", "--out", tmp.resolve("k.csv").toString(),
                "--no-plots");
        assertEquals(0, again.code(), again.err());
    }

    /** --train-data learns on other sequences (side by side) and filters --data with the result. */
    @Test
    void learningOnTrainingSequencesFiltersHeldOutData() throws Exception {
        Path held = simulate(150);
        String[] train = new String[2];
        for (int i = 0; i < 2; i++) {
            Path d = tmp.resolve("train" + i);
            CliRunner.Result r = CliRunner.run("filter", "simulate", "--system", sys(SYS).toString(), "--steps", "150",
                    "--seed", String.valueOf(10 + i), "--out", d.toString());
            assertEquals(0, r.code(), r.err());
            train[i] = d.resolve("OBS.csv").toString();
        }
        Path est = tmp.resolve("held.csv");
        CliRunner.Result r = CliRunner.run("filter", "--system", sys(SYS).toString(), "--data",
                held.resolve("OBS.csv").toString(), "--train-data", train[0] + "," + train[1], "--method", "tpc",
                "--inference-steps", "10", "--learn", "A,C", "--epochs", "3", "--lr", "1e-5", "--variance-correction",
                "--restarts", "2",
                "--out", est.toString(), "--no-plots");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> j = Json.parseObject(r.out());
        assertEquals(2, Json.getInt(j, "train_sequences"));
        // The start kept is the one whose last epoch forecast best on the training data.
        List<Object> finals = Json.getList(j, "restart_last_epoch_forecast_mse");
        assertEquals(2, finals.size());
        int best = ((Number) finals.get(0)).doubleValue() <= ((Number) finals.get(1)).doubleValue() ? 0 : 1;
        assertEquals(1 + best, Json.getInt(j, "init_seed"));
        assertEquals(((Number) finals.get(best)).doubleValue(), Json.getDouble(j, "last_epoch_forecast_mse"), 0);
        assertEquals(151, Files.readAllLines(est).size());
        assertTrue(Double.isFinite(Json.getDouble(j, "forecast_mse")));
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS).toString(), "--data", train[0], "--train-data",
                train[1], "--out", est.toString()), "--train-data, --variance-correction, --samples and --restarts need --learn");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS).toString(), "--data", train[0], "--train-data",
                train[1] + "," + tmp.resolve("sim/OBS.csv").toString().replace("sim", "nope"), "--learn", "A",
                "--out", est.toString()), "nope");
    }

    /** --samples learns with the sampled rule: reproducible under --sample-seed, and reported in the JSON. */
    @Test
    void sampledRuleIsSeededAndChecked() throws Exception {
        Path dir = simulate(60);
        String obs = dir.resolve("OBS.csv").toString();
        String[] args = {"filter", "--system", sys(SYS).toString(), "--data", obs, "--method", "tpc-equilibrium",
            "--learn", "A,C", "--epochs", "2", "--lr", "1e-4", "--samples", "3", "--sample-burn-in", "5",
            "--sample-seed", "4", "--out", tmp.resolve("s.csv").toString(), "--no-plots"};
        CliRunner.Result a = CliRunner.run(args);
        assertEquals(0, a.code(), a.err());
        CliRunner.Result b = CliRunner.run(args);
        Map<String, Object> ja = Json.parseObject(a.out());
        assertEquals(Json.getDouble(ja, "forecast_mse"), Json.getDouble(Json.parseObject(b.out()), "forecast_mse"), 0);
        assertTrue(Json.getString(ja, "learn_rule").startsWith("sampled (3 samples after 5 Langevin steps"),
                Json.getString(ja, "learn_rule"));
        String[] other = args.clone();
        other[other.length - 4] = "5";
        assertTrue(Json.getDouble(Json.parseObject(CliRunner.run(other).out()), "forecast_mse")
                != Json.getDouble(ja, "forecast_mse"), "another noise seed gives another run");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS).toString(), "--data", obs, "--learn", "C",
                "--samples", "2", "--variance-correction", "--out", tmp.resolve("s.csv").toString()),
                "--variance-correction and --samples");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS).toString(), "--data", obs, "--learn", "C",
                "--samples", "2", "--sample-lr", "0", "--out", tmp.resolve("s.csv").toString()), "--sample-lr must be positive");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS).toString(), "--data", obs, "--samples", "2",
                "--out", tmp.resolve("s.csv").toString()), "--samples and --restarts need --learn");
    }

    @Test
    void badInputIsAOneLineError() throws Exception {
        Path dir = simulate(20);
        String obs = dir.resolve("OBS.csv").toString();
        String out = tmp.resolve("e.csv").toString();
        // Mismatched sizes.
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS.replace("C: [[1.0, 0.0], [0.3, 0.8]]",
                "C: [[1.0, 0.0, 1.0]]")).toString(), "--data", obs, "--out", out), "C has 3 columns but A is 2x2");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS.replace("C: [[1.0, 0.0], [0.3, 0.8]]",
                "C: [[1.0, 0.0]]").replace("R: [[1.0, 0.0], [0.0, 1.0]]", "R: [[1.0]]")).toString(), "--data", obs,
                "--out", out), "header is u1,y1,y2 but expected u1,y1");
        // Singular noise.
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS.replace("Q: [[1.0, 0.0], [0.0, 1.0]]",
                "Q: [[1.0, 1.0], [1.0, 1.0]]")).toString(), "--data", obs, "--out", out), "Q is singular");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS.replace("R: [[1.0, 0.0], [0.0, 1.0]]",
                "R: [[0.0, 0.0], [0.0, 0.0]]")).toString(), "--data", obs, "--out", out), "R is singular");
        // A covariance that is not symmetric, or not positive definite.
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS.replace("Q: [[1.0, 0.0], [0.0, 1.0]]",
                "Q: [[1.0, 0.2], [0.0, 1.0]]")).toString(), "--data", obs, "--out", out),
                "Q is not symmetric: Q[2][1] = 0.0 but Q[1][2] = 0.2");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS.replace("R: [[1.0, 0.0], [0.0, 1.0]]",
                "R: [[1.0, 0.0], [0.0, -1.0]]")).toString(), "--data", obs, "--out", out), "R is not positive definite");
        // Non-numeric cell.
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(dir.resolve("OBS.csv")));
        lines.set(5, lines.get(5).replaceFirst(",[^,]*$", ",abc"));
        Path bad = tmp.resolve("bad.csv");
        Files.write(bad, lines);
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS).toString(), "--data", bad.toString(), "--out",
                out), "line 6, column y2: 'abc' is not a finite number");
        // Row count against --steps.
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS).toString(), "--data", obs, "--out", out,
                "--steps", "25"), "20 rows but --steps is 25");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS).toString(), "--data", obs, "--out", out,
                "--method", "particle"), "unknown --method 'particle'");
        assertOneLineError(CliRunner.run("filter", "--system", sys(SYS.replace("identity", "tanh")).toString(), "--data",
                obs, "--out", out, "--method", "kalman"), "kalman needs activation identity");
    }

    @Test
    void benchTrackingPartReportsAnalyticAndSimulatedErrors() {
        Path dir = tmp.resolve("bench");
        CliRunner.Result r = CliRunner.run("filter", "bench", "--part", "tracking", "--seeds", "2", "--out",
                dir.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> tr = Json.getObject(Json.parseObject(r.out()), "tracking");
        double lyap = Json.getDouble(tr, "lyapunov_mse");
        double ric = Json.getDouble(tr, "riccati_mse");
        assertTrue(ric < lyap, ric + " vs " + lyap);
        assertEquals(28, Json.getList(tr, "iterative").size());
        assertTrue(Files.exists(dir.resolve("tpc-mse-T-eta.png")));
    }

    /** The learning part runs its four variants (the sampled one included) and reports finite figures. */
    @Test
    void benchLearningPartHasTheSampledVariant() {
        Path dir = tmp.resolve("bench-learning");
        CliRunner.Result r = CliRunner.run("filter", "bench", "--part", "learning", "--learn-seeds", "1",
                "--learn-epochs", "1", "--learn-sequences", "2", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        List<Object> runs = Json.getList(Json.getObject(Json.parseObject(r.out()), "learning"), "runs");
        assertEquals(4, runs.size());
        @SuppressWarnings("unchecked")
        Map<String, Object> sampled = (Map<String, Object>) runs.get(3);
        assertEquals("sampled, 2 sequences", Json.getString(sampled, "variant"));
        assertTrue(Double.isFinite(Json.getDouble(sampled, "heldout_learned_vs_true_percent")), sampled.toString());
    }
}
