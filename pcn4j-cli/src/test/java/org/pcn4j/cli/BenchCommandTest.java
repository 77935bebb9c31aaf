package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    private static final Pattern LINE = Pattern.compile(
            "\\{\"m\":(\\d+),\"k\":(\\d+),\"n\":(\\d+),\"threads\":(\\d+),\"kernel\":\"(pcn4j|naive)\",\"gflops\":([0-9.]+)\\}");

    private static String run(String... args) {
        CommandLine cl = Main.newCommandLine(false);
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute(args));
        return out.toString();
    }

    /** The --json contract: one object per line, exactly these keys in this order. */
    @Test
    void gemmJsonLines() {
        String out = run("bench", "gemm", "--json", "--quick", "--threads", "2");
        List<String> seen = new ArrayList<>();
        for (String line : out.split("\n")) {
            Matcher mt = LINE.matcher(line.trim());
            assertTrue(mt.matches(), "not a contract line: " + line);
            assertTrue(Double.parseDouble(mt.group(6)) > 0);
            seen.add(mt.group(1) + "," + mt.group(2) + "," + mt.group(3) + "," + mt.group(4) + "," + mt.group(5));
        }
        for (int[] s : BenchCommand.SHAPES) {
            String shape = s[0] + "," + s[1] + "," + s[2];
            assertTrue(seen.contains(shape + ",1,pcn4j"), shape);
            assertTrue(seen.contains(shape + ",2,pcn4j"), shape);
            assertTrue(seen.contains(shape + ",1,naive"), shape);
        }
        assertEquals(3 * BenchCommand.SHAPES.length, seen.size());
    }

    /** The table names the GEMM microkernel shape it measures (issue 12). */
    @Test
    void gemmTableNamesTheMicrokernel() {
        String out = run("bench", "gemm", "--quick", "--threads", "1");
        String kernel = out.lines().filter(l -> l.startsWith("GEMM microkernel: ")).findFirst().orElse("");
        assertTrue(kernel.matches("GEMM microkernel: (scalar loops|[4568]x2L( \\(k unrolled x2\\))?, narrow [48]x1L \\(L=\\d+, KC=\\d+, NC=\\d+, MC=\\d+\\))"),
                "no microkernel line in: " + out);
    }

    /** Runs a bench command that must succeed and returns its --json rows, one object per line. */
    private static java.util.List<java.util.Map<String, Object>> jsonRows(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.code(), r.err());
        return r.out().trim().lines().map(org.pcn4j.util.Json::parseObject).collect(java.util.stream.Collectors.toList());
    }

    @Test
    void stepPrintsOneJsonLinePerCase() {
        java.util.List<java.util.Map<String, Object>> lines = jsonRows("bench", "step", "--models", "16-8-4", "--seconds", "0.05", "--json");
        assertEquals(2, lines.size());
        assertEquals("bp", lines.get(1).get("algorithm"));
        assertEquals(1.0, ((Number) lines.get(1).get("ratio_to_bp")).doubleValue());
        for (java.util.Map<String, Object> l : lines) {
            assertTrue(((Number) l.get("step_us")).doubleValue() > 0, l.toString());
            assertTrue(((Number) l.get("mflop")).doubleValue() > 0, l.toString());
        }
        lines = jsonRows("bench", "step", "--fully-connected", "16-8-4", "--seconds", "0.02", "--json");
        assertEquals(5, lines.size());
        assertEquals("fc block, self", lines.get(0).get("model"));
        for (java.util.Map<String, Object> l : lines) {
            assertTrue(((Number) l.get("train_step_us")).doubleValue() > 0, l.toString());
            assertTrue(((Number) l.get("inference_step_us")).doubleValue() > 0, l.toString());
        }
    }

    /** --hidden-precision times train's recipe: the same products (FLOPs) as the plain step; a bad value is one line. */
    @Test
    void stepTimesTheHiddenPrecisionRecipe() {
        java.util.List<Object> flops = new java.util.ArrayList<>();
        for (String[] extra : new String[][] {{}, {"--hidden-precision", "1000"},
                {"--hidden-precision", "1000", "--precision-growth", "20"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("bench", "step", "--models", "16-8-4",
                    "--seconds", "0.05", "--json"));
            args.addAll(java.util.List.of(extra));
            java.util.Map<String, Object> pc = jsonRows(args.toArray(new String[0])).get(0);
            assertEquals("pc", pc.get("algorithm"));
            assertTrue(((Number) pc.get("step_us")).doubleValue() > 0, pc.toString());
            flops.add(pc.get("mflop"));
        }
        assertEquals(flops.get(0), flops.get(1));
        assertEquals(flops.get(0), flops.get(2), "growth changes the precisions' values, not the products");
        CliRunner.Result bad = CliRunner.run("bench", "step", "--models", "16-8-4", "--hidden-precision", "-1");
        assertEquals(1, bad.code());
        assertEquals("pcn4j: error: --hidden-precision must be a finite number > 0, got -1.0", bad.err().strip());
        CliRunner.Result alone = CliRunner.run("bench", "step", "--models", "16-8-4", "--precision-growth", "20");
        assertEquals(1, alone.code());
        assertEquals("pcn4j: error: --precision-growth scales --hidden-precision; give --hidden-precision PI with it",
                alone.err().strip());
        CliRunner.Result zero = CliRunner.run("bench", "step", "--models", "16-8-4", "--hidden-precision", "10",
                "--precision-growth", "0");
        assertEquals(1, zero.code());
        assertEquals("pcn4j: error: --precision-growth must be a finite number > 0, got 0.0", zero.err().strip());
    }

    /**
     * The FLOP figures do not depend on how many steps the warm-up ran. They did: one step of the
     * timed copy was counted after a one-second warm-up, and with the hidden-precision recipe that
     * step sometimes held a curvature estimate or an undone step. After 49 warm-up steps the timed
     * copy's next step has no estimate, after 50 it has one (Inference.CURVATURE_EVERY = 50).
     */
    @Test
    void stepFlopsDoNotDependOnTheWarmUp() {
        assertEquals(50, org.pcn4j.train.Inference.CURVATURE_EVERY);
        String[] args = {"--models", "16-8-4", "--seconds", "0.02", "--threads", "1", "--json", "--hidden-precision", "1000"};
        java.util.List<java.util.Map<String, Object>> a = stepRows(49, args);
        java.util.List<java.util.Map<String, Object>> b = stepRows(50, args);
        java.util.List<java.util.Map<String, Object>> c = stepRows(51, args);
        assertEquals(2, a.size());
        for (int i = 0; i < a.size(); i++) {
            for (String key : new String[] {"mflop", "extra_mflop"}) {
                assertEquals(a.get(i).get(key), b.get(i).get(key), key + " " + a.get(i) + " / " + b.get(i));
                assertEquals(a.get(i).get(key), c.get(i).get(key), key + " " + a.get(i) + " / " + c.get(i));
            }
        }
        java.util.Map<String, Object> pc = a.get(0);
        assertEquals("pc", pc.get("algorithm"));
        // The recipe's extra products are there (an estimate per cycle at least), and the rate counts them.
        double mflop = ((Number) pc.get("mflop")).doubleValue();
        double extra = ((Number) pc.get("extra_mflop")).doubleValue();
        assertTrue(extra > 0, pc.toString());
        assertEquals((mflop + extra) / ((Number) pc.get("step_us")).doubleValue() * 1e3,
                ((Number) pc.get("gflops")).doubleValue(), 1e-9 * ((Number) pc.get("gflops")).doubleValue(), pc.toString());
    }

    /** extra_mflop is the recipe's first estimate cycle on a fresh copy, less that many plain steps: counted here by hand. */
    @Test
    void stepExtraFlopsAreOneEstimateCycleOfAFreshCopy() {
        int[] sizes = {16, 8, 4};
        int batch = 64;
        int cycle = org.pcn4j.train.Inference.CURVATURE_EVERY;
        float[][] xy = BenchStepCommand.randomBatch(sizes, batch);
        long[] counted = new long[2];
        for (int recipe = 0; recipe < 2; recipe++) {
            org.pcn4j.model.Mlp mlp = BenchStepCommand.benchMlp(sizes, "tanh");
            mlp.setHiddenPrecision(1000f);
            org.pcn4j.train.TrainConfig cfg = BenchStepCommand.benchConfig(org.pcn4j.train.Algorithm.PC, 5)
                    .inference(org.pcn4j.train.InferenceConfig.builder().steps(5).lr(Options.Inference.HIDDEN_PRECISION_STEP_PRECONDITIONED / 1000)
                            .backtrack(recipe == 1).precondition(recipe == 1).build()).build();
            org.pcn4j.train.Trainer t = new org.pcn4j.train.Trainer(mlp.network(), mlp.input(), mlp.output(), cfg);
            int n = recipe == 1 ? cycle : 1;
            counted[recipe] = BenchStepCommand.flopsOf(() -> {
                for (int i = 0; i < n; i++) {
                    t.step(xy[0], xy[1], batch);
                }
            });
        }
        java.util.Map<String, Object> pc = stepRows(0, "--models", "16-8-4", "--seconds", "0.02", "--threads", "1",
                "--algorithms", "pc", "--json", "--hidden-precision", "1000").get(0);
        assertEquals(counted[0] / 1e6, ((Number) pc.get("mflop")).doubleValue(), pc.toString());
        assertEquals((counted[1] - (double) counted[0] * cycle) / cycle / 1e6, ((Number) pc.get("extra_mflop")).doubleValue(),
                1e-12, pc.toString());
    }

    /** Runs {@code bench step} with exactly {@code warmupCalls} warm-up steps per case; its --json rows. */
    private static java.util.List<java.util.Map<String, Object>> stepRows(int warmupCalls, String... args) {
        BenchStepCommand cmd = new BenchStepCommand();
        cmd.warmupCalls = warmupCalls;
        synchronized (CliRunner.class) { // System.out is shared with CliRunner's captures
            java.io.PrintStream old = System.out;
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try {
                System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
                assertEquals(0, new CommandLine(cmd).execute(args));
            } finally {
                System.setOut(old);
            }
            return out.toString(java.nio.charset.StandardCharsets.UTF_8).trim().lines()
                    .map(org.pcn4j.util.Json::parseObject).collect(java.util.stream.Collectors.toList());
        }
    }

    /** --parallel: PC at 1 thread, each schedule at --threads, BP at --threads, then the labelled simulation. */
    @Test
    void stepParallelComparesSchedulesInOneRun() {
        java.util.List<java.util.Map<String, Object>> lines = jsonRows("bench", "step", "--models", "16-8-8-4", "--seconds", "0.05", "--threads", "2",
                "--parallel", "gemm,layers,auto", "--json");
        assertEquals(5 + 3, lines.size(), lines.toString());
        String[] cases = {"pc gemm 1", "pc gemm 2", "pc layers 2", "pc auto 2", "bp gemm 2"};
        for (int i = 0; i < 5; i++) {
            java.util.Map<String, Object> l = lines.get(i);
            assertEquals(cases[i], l.get("algorithm") + " " + l.get("parallel") + " " + l.get("threads"), l.toString());
            assertTrue(((Number) l.get("step_ms")).doubleValue() > 0, l.toString());
        }
        assertEquals(1.0, ((Number) lines.get(0).get("speedup_over_1_thread")).doubleValue());
        assertEquals(1.0, ((Number) lines.get(4).get("time_per_flop_vs_bp")).doubleValue());
        assertTrue(!((String) lines.get(3).get("auto")).contains("?"), lines.get(3).toString());
        for (int i = 5; i < 8; i++) {
            assertTrue(((Number) lines.get(i).get("layers_speedup")).doubleValue() > 0, lines.get(i).toString());
        }
        assertEquals(32, ((Number) lines.get(7).get("simulated_cores")).intValue());
    }

    /** --simulation-only: no timed cases, the simulation's three rows with the profile's fractions. */
    @Test
    void stepParallelSimulationOnly() {
        java.util.List<java.util.Map<String, Object>> lines = jsonRows("bench", "step", "--models", "16-8-8-4", "--threads", "2",
                "--parallel", "layers", "--simulation-only", "--json");
        assertEquals(3, lines.size(), lines.toString());
        for (java.util.Map<String, Object> l : lines) {
            assertTrue(((Number) l.get("layers_speedup")).doubleValue() > 0, l.toString());
            assertTrue(((Number) l.get("step_ms_1_thread")).doubleValue() > 0, l.toString());
            double init = ((Number) l.get("init_fraction")).doubleValue();
            assertTrue(init > 0 && init < 1, l.toString());
        }
    }

    /** --schedule: every algorithm's step under one thread schedule, said in the JSON rows; a bad value is one line. */
    @Test
    void stepScheduleRunsEveryAlgorithmUnderIt() {
        java.util.List<java.util.Map<String, Object>> lines = jsonRows("bench", "step", "--models", "16-8-8-4", "--seconds", "0.05", "--threads", "2",
                "--schedule", "batch", "--json");
        assertEquals(2, lines.size(), lines.toString());
        for (java.util.Map<String, Object> l : lines) {
            assertEquals("batch", l.get("parallel"), l.toString());
            assertEquals(2, ((Number) l.get("threads")).intValue(), l.toString());
            assertTrue(((Number) l.get("step_us")).doubleValue() > 0, l.toString());
        }
        CliRunner.Result r = CliRunner.run("bench", "step", "--models", "16-8-4", "--schedule", "rows");
        assertEquals(1, r.code(), r.err());
        assertEquals("pcn4j: error: unknown --schedule value 'rows' (expected gemm, layers, auto or batch)", r.err().trim());
    }

    @Test
    void unknownParallelValueIsAOneLineError() {
        CliRunner.Result r = CliRunner.run("bench", "step", "--models", "16-8-4", "--parallel", "gemm,threads");
        assertEquals(1, r.code(), r.err());
        assertEquals("pcn4j: error: unknown --parallel value 'threads' (expected gemm, layers, auto or batch)", r.err().trim());
        r = CliRunner.run("train", "--dataset", "digits", "--parallel", "fast");
        assertEquals(1, r.code(), r.err());
        assertEquals("pcn4j: error: unknown --parallel value 'fast' (expected gemm, layers, auto or batch)", r.err().trim());
    }

    @Test
    void stepCpuTimeNeedsOneThreadAndMarksItsRows() {
        java.util.List<java.util.Map<String, Object>> lines = jsonRows("bench", "step", "--models", "16-8-4", "--seconds", "0.05", "--json",
                "--threads", "1", "--cpu-time");
        assertEquals(2, lines.size());
        for (java.util.Map<String, Object> l : lines) {
            assertEquals("thread-cpu", l.get("clock"), l.toString());
            assertTrue(((Number) l.get("step_us")).doubleValue() > 0, l.toString());
        }
        CliRunner.Result r = CliRunner.run("bench", "step", "--models", "16-8-4", "--seconds", "0.05", "--threads", "2", "--cpu-time");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("--cpu-time: needs --threads 1"), r.err());
    }
}
