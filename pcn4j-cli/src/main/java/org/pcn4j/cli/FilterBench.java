package org.pcn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.pcn4j.PcnException;
import org.pcn4j.temporal.Activation;
import org.pcn4j.temporal.FilterMetrics;
import org.pcn4j.temporal.KalmanFilter;
import org.pcn4j.temporal.LinearSystem;
import org.pcn4j.temporal.Mat;
import org.pcn4j.temporal.SteadyState;
import org.pcn4j.temporal.TpcFilter;
import org.pcn4j.temporal.TpcLearner;
import org.pcn4j.temporal.TpcModel;
import org.pcn4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pcn4j filter bench}: the experiments of issue #14 item 5 (Millidge, Tang et al. 2024's
 * tracking task and a pendulum), printed as JSON, with plots in --out. Seconds per part on one core.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = "Run the tPC experiments: tracking (equilibrium vs Lyapunov, Kalman vs Riccati, MSE over T and "
                + "eta), learning A and C, and the pendulum (tanh vs linear tPC).")
final class FilterBench implements Runnable {
    /** The tracking task's observation matrix: N(0,1) entries drawn once from java.util.Random(2024), rounded to 4 places. */
    static final double[][] TRACKING_C = {{0.4522, -1.1899, 2.6795}, {-0.1928, -0.0793, -0.0008},
        {-1.0292, 1.0824, 0.9223}};

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for plots and CSVs (created).")
    Path out;

    @Option(names = "--seeds", defaultValue = "20", paramLabel = "N",
            description = "Seeds for the tracking MSEs. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(names = "--learn-seeds", defaultValue = "3", paramLabel = "N",
            description = "Repetitions (init seeds) of the learning experiment. Default: ${DEFAULT-VALUE}.")
    int learnSeeds;

    @Option(names = "--learn-epochs", defaultValue = "600", paramLabel = "N",
            description = "Epochs of the learning experiment (lr 3e-5 decaying as 1/(1+e/100)). Default: ${DEFAULT-VALUE}.")
    int learnEpochs;

    @Option(names = "--learn-sequences", defaultValue = "8", paramLabel = "N",
            description = "Training sequences of the learning experiment. Default: ${DEFAULT-VALUE}.")
    int learnSequences;

    @Option(names = "--part", defaultValue = "all", paramLabel = "P",
            description = "tracking, learning, pendulum or all. Default: ${DEFAULT-VALUE}.")
    String part;

    static LinearSystem trackingSystem() {
        double dt = 1e-3;
        return LinearSystem.builder()
                .a(new double[][] {{1, dt, dt * dt / 2}, {0, 1, dt}, {0, 0, 1}})
                .b(new double[][] {{0}, {0}, {1}})
                .c(TRACKING_C)
                .q(Mat.identity(3))
                .r(Mat.identity(3))
                .input(new double[] {1}, 0.01)
                .build();
    }

    @Override
    public void run() {
        if (seeds < 2 || learnSeeds < 1 || learnEpochs < 1 || learnSequences < 1) {
            throw new PcnException("--seeds must be >= 2, --learn-seeds, --learn-epochs and --learn-sequences >= 1");
        }
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new PcnException("cannot create " + out + ": " + e.getMessage(), e);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        boolean all = part.equals("all");
        if (!all && !List.of("tracking", "learning", "pendulum").contains(part)) {
            throw new PcnException("unknown --part '" + part + "' (expected tracking, learning, pendulum or all)");
        }
        if (all || part.equals("tracking")) {
            report.put("tracking", tracking());
        }
        if (all || part.equals("learning")) {
            report.put("learning", learning());
        }
        if (all || part.equals("pendulum")) {
            report.put("pendulum", pendulum());
        }
        spec.commandLine().getOut().println(Json.writePretty(report));
        spec.commandLine().getOut().flush();
    }

    static final int[] STEPS = {1, 2, 5, 10, 20, 50, 100};
    static final double[] RATES = {0.01, 0.05, 0.1, 0.2};

    private Map<String, Object> tracking() {
        LinearSystem s = trackingSystem();
        Map<String, Object> r = new LinkedHashMap<>();
        double lyap = SteadyState.mse(SteadyState.constantGainCovariance(s, SteadyState.tpcGain(s)));
        double ric = SteadyState.mse(SteadyState.kalmanCovariance(s));
        r.put("lyapunov_mse", lyap);
        r.put("riccati_mse", ric);
        r.put("predicted_gap", lyap - ric);
        double[] eq = new double[seeds];
        double[] kf = new double[seeds];
        double[][][] grid = new double[STEPS.length][RATES.length][seeds];
        LinearSystem.Trajectory first = null;
        double[][] firstEq = null;
        double[][] firstKf = null;
        double[][] firstIt = null;
        for (int sd = 0; sd < seeds; sd++) {
            LinearSystem.Trajectory tr = s.simulate(1000, sd + 1);
            double[][] e = new TpcFilter(new TpcModel(s), TpcFilter.Config.equilibrium(), s.x0())
                    .run(tr.inputs(), tr.observations());
            double[][] k = new KalmanFilter(s).run(tr.inputs(), tr.observations());
            eq[sd] = FilterMetrics.mse(e, tr.states());
            kf[sd] = FilterMetrics.mse(k, tr.states());
            for (int i = 0; i < STEPS.length; i++) {
                for (int j = 0; j < RATES.length; j++) {
                    double[][] it = new TpcFilter(new TpcModel(s), TpcFilter.Config.iterative(STEPS[i], RATES[j]), s.x0())
                            .run(tr.inputs(), tr.observations());
                    grid[i][j][sd] = FilterMetrics.mse(it, tr.states());
                    if (sd == 0 && STEPS[i] == 5 && RATES[j] == 0.1) {
                        firstIt = it;
                    }
                }
            }
            if (sd == 0) {
                first = tr;
                firstEq = e;
                firstKf = k;
            }
        }
        r.put("seeds", seeds);
        r.put("steps_per_seed", 1000);
        r.put("equilibrium_mse", stats(eq));
        r.put("kalman_mse", stats(kf));
        double[] gap = new double[seeds];
        for (int i = 0; i < seeds; i++) {
            gap[i] = eq[i] - kf[i];
        }
        r.put("simulated_gap", stats(gap));
        // Iterative tPC over T and eta, as the mean ratio to the equilibrium's MSE on the same data.
        List<Object> rows = new ArrayList<>();
        List<XPlots.Line> lines = new ArrayList<>();
        double[] ts = new double[STEPS.length];
        for (int i = 0; i < STEPS.length; i++) {
            ts[i] = STEPS[i];
        }
        StringBuilder csv = new StringBuilder("T,eta,mse,ratio_to_equilibrium\n");
        for (int j = 0; j < RATES.length; j++) {
            double[] mses = new double[STEPS.length];
            for (int i = 0; i < STEPS.length; i++) {
                double mean = mean(grid[i][j]);
                double[] ratio = new double[seeds];
                for (int sd = 0; sd < seeds; sd++) {
                    ratio[sd] = grid[i][j][sd] / eq[sd];
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("T", STEPS[i]);
                row.put("eta", RATES[j]);
                row.put("mse", mean);
                row.put("ratio_to_equilibrium", mean(ratio));
                rows.add(row);
                mses[i] = mean;
                csv.append(STEPS[i]).append(',').append(RATES[j]).append(',').append(mean).append(',')
                        .append(mean(ratio)).append('\n');
            }
            lines.add(new XPlots.Line("tPC, eta = " + RATES[j], ts, mses, true));
        }
        double[] eqLine = new double[STEPS.length];
        double[] kfLine = new double[STEPS.length];
        java.util.Arrays.fill(eqLine, mean(eq));
        java.util.Arrays.fill(kfLine, mean(kf));
        lines.add(new XPlots.Line("closed-form equilibrium", ts, eqLine));
        lines.add(new XPlots.Line("Kalman filter", ts, kfLine));
        r.put("iterative", rows);
        Path png = out.resolve("tpc-mse-T-eta.png");
        XPlots.lines(png, "Tracking task: tPC state MSE vs inference steps T and step size eta (" + seeds + " seeds)",
                "inference steps T", "state MSE", lines, true);
        write(out.resolve("tpc-mse-T-eta.csv"), csv.toString());
        double[] t = XPlots.range(1000);
        Path acc = out.resolve("tracking-x3.png");
        XPlots.lines(acc, "Tracking task, seed 1: acceleration x3, steps 560-600", "step", "x3",
                List.of(new XPlots.Line("true", slice(t), slice(XPlots.column(first.states(), 2))),
                        new XPlots.Line("tPC T=5 eta=0.1", slice(t), slice(XPlots.column(firstIt, 2))),
                        new XPlots.Line("tPC equilibrium", slice(t), slice(XPlots.column(firstEq, 2))),
                        new XPlots.Line("Kalman", slice(t), slice(XPlots.column(firstKf, 2)))), false);
        r.put("plots", List.of(png.toString(), acc.toString()));
        return r;
    }

    private static double[] slice(double[] v) {
        return java.util.Arrays.copyOfRange(v, 559, 600);
    }

    static final double LEARN_LR = 3e-5;
    static final double LEARN_DECAY = 100;
    static final int HELDOUT = 10;
    static final int SAMPLES = 10;
    static final int SAMPLE_BURN_IN = TpcLearner.Sampling.DEFAULT_BURN_IN;

    /** The sampled rule of the bench: the CLI's defaults with 10 samples, noise seed 100 + repetition. */
    static TpcLearner.Sampling sampling(int rep) {
        return new TpcLearner.Sampling(SAMPLES, SAMPLE_BURN_IN, TpcLearner.Sampling.DEFAULT_STATE_LR, true, 100L + rep);
    }

    /**
     * Learning A and C on the tracking task, four ways per repetition (init seed r): the plain rule
     * on one sequence (the earlier protocol), the plain rule on --learn-sequences sequences, the
     * variance-corrected rule (not local) and the sampled rule (local) on the same sequences. Each learned model is then frozen and run on its
     * training sequences and on HELDOUT other sequences (seeds 9001..), against the true A and C
     * with the same (closed-form) inference; a ratio is sum of learned / sum of true forecast MSEs.
     */
    private Map<String, Object> learning() {
        LinearSystem s = trackingSystem();
        TpcFilter.Config inf = TpcFilter.Config.equilibrium();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("inference", "tpc-equilibrium (the engine's errors at the closed-form state)");
        r.put("epochs", learnEpochs);
        r.put("lr", LEARN_LR + " / (1 + epoch/" + LEARN_DECAY + ")");
        r.put("init", "A, C entries N(0, 0.1^2), seed 100 + repetition");
        r.put("training_sequences", "seeds 100 r + 1 .. 100 r + " + learnSequences + " (repetition r), 1000 steps each");
        r.put("heldout_sequences", "seeds 9001 .. " + (9000 + HELDOUT) + ", 1000 steps each");
        r.put("sampled_rule", "Langevin chains from the closed-form state, " + SAMPLE_BURN_IN + " steps of "
                + TpcLearner.Sampling.DEFAULT_STATE_LR + " burn-in, then " + SAMPLES
                + " samples, antithetic pairs, noise seed 100 + repetition");
        List<LinearSystem.Trajectory> heldout = new ArrayList<>();
        for (int i = 1; i <= HELDOUT; i++) {
            heldout.add(s.simulate(1000, 9000 + i));
        }
        double[] trueHeld = forecasts(new TpcModel(s), inf, s, heldout);
        List<Object> runs = new ArrayList<>();
        List<XPlots.Line> curves = new ArrayList<>();
        String[] variants = {"plain, 1 sequence", "plain, " + learnSequences + " sequences",
            "variance-corrected, " + learnSequences + " sequences", "sampled, " + learnSequences + " sequences"};
        for (int rep = 1; rep <= learnSeeds; rep++) {
            List<LinearSystem.Trajectory> train = new ArrayList<>();
            for (int i = 1; i <= learnSequences; i++) {
                train.add(s.simulate(1000, 100L * rep + i));
            }
            double[] trueTrain = forecasts(new TpcModel(s), inf, s, train);
            for (int v = 0; v < variants.length; v++) {
                List<LinearSystem.Trajectory> used = v == 0 ? train.subList(0, 1) : train;
                TpcLearner.Config cfg = new TpcLearner.Config(learnEpochs, LEARN_LR, true, true, LEARN_DECAY, v == 2)
                        .withSampling(v == 3 ? sampling(rep) : null);
                TpcModel m = TpcLearner.randomStart(s, cfg, 0.1, 100 + rep);
                List<double[][]> us = new ArrayList<>();
                List<double[][]> ys = new ArrayList<>();
                for (LinearSystem.Trajectory t : used) {
                    us.add(t.inputs());
                    ys.add(t.observations());
                }
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("repetition", rep);
                run.put("variant", variants[v]);
                try {
                    double[] curve = TpcLearner.learn(m, inf, cfg, s.x0(), us, ys).epochForecastMse();
                    double[] lt = forecasts(m, inf, s, used);
                    double[] lh = forecasts(m, inf, s, heldout);
                    double[] tt = java.util.Arrays.copyOf(trueTrain, used.size());
                    run.put("train_learned_vs_true_percent", 100 * (sum(lt) / sum(tt) - 1));
                    run.put("heldout_learned_vs_true_percent", 100 * (sum(lh) / sum(trueHeld) - 1));
                    double worst = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < lh.length; i++) {
                        worst = Math.max(worst, 100 * (lh[i] / trueHeld[i] - 1));
                    }
                    run.put("heldout_worst_sequence_percent", worst);
                    run.put("c_frobenius_norm", Math.sqrt(Mat.trace(Mat.mul(Mat.t(m.c()), m.c()))));
                    if (rep == 1) {
                        curves.add(new XPlots.Line(variants[v], XPlots.range(curve.length), curve));
                    }
                } catch (PcnException e) {
                    run.put("failed", e.getMessage());
                }
                runs.add(run);
            }
        }
        r.put("true_c_frobenius_norm", Math.sqrt(Mat.trace(Mat.mul(Mat.t(s.c()), s.c()))));
        r.put("heldout_true_model_forecast_mse", mean(trueHeld));
        r.put("runs", runs);
        Path png = out.resolve("learning-curve.png");
        XPlots.lines(png, "Learning A and C on the tracking task (repetition 1): online one-step forecast MSE", "epoch",
                "forecast MSE", curves, true);
        r.put("plots", List.of(png.toString()));
        return r;
    }

    private static double[] forecasts(TpcModel m, TpcFilter.Config inf, LinearSystem s, List<LinearSystem.Trajectory> ts) {
        double[] f = new double[ts.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = FilterMetrics.forecastMse(new TpcFilter(m, inf, s.x0()), ts.get(i).inputs(), ts.get(i).observations(), 0);
        }
        return f;
    }

    private static double sum(double[] v) {
        double t = 0;
        for (double d : v) {
            t += d;
        }
        return t;
    }

    // ---------------------------------------------------------------- pendulum

    static final double PENDULUM_DT = 0.1;
    static final double PENDULUM_G = 9.81;
    static final double PENDULUM_L = 3;
    static final double PENDULUM_PROCESS_SD = 0.01;
    static final double PENDULUM_OBS_SD = 0.1;

    /**
     * Semi-implicit Euler pendulum released at rest from an angle uniform in [1.7, 2.3] rad (large
     * swings, well below going over the top); observations (angle, velocity) + noise.
     */
    static double[][][] pendulum(int steps, long seed) {
        Random rng = new Random(seed);
        double th = 2.0 + 0.3 * (2 * rng.nextDouble() - 1);
        double om = 0;
        double[][] y = new double[steps][];
        double[][] x = new double[steps][];
        for (int k = 0; k < steps; k++) {
            om += -PENDULUM_DT * PENDULUM_G / PENDULUM_L * Math.sin(th) + PENDULUM_PROCESS_SD * rng.nextGaussian();
            th += PENDULUM_DT * om + PENDULUM_PROCESS_SD * rng.nextGaussian();
            x[k] = new double[] {th, om};
            y[k] = new double[] {th + PENDULUM_OBS_SD * rng.nextGaussian(), om + PENDULUM_OBS_SD * rng.nextGaussian()};
        }
        return new double[][][] {new double[steps][0], y, x};
    }

    static final double PENDULUM_LR = 1e-4;
    static final int PENDULUM_EPOCHS = 400;
    /** Latent units of both pendulum models: with 2 the tanh model cannot fit (see docs/temporal.md). */
    static final int LATENT = 6;

    private Map<String, Object> pendulum() {
        Map<String, Object> r = new LinkedHashMap<>();
        TpcFilter.Config inf = TpcFilter.Config.iterative(50, 0.002);
        r.put("data", "g 9.81, L 3, dt 0.1, 500 steps, angle0 uniform in [1.7, 2.3], process sd 0.01, observation sd 0.1");
        r.put("model", LATENT + " latent units, Q = R = 0.01 I, A and C learned from N(0, 0.3^2) starts, " + PENDULUM_EPOCHS
                + " epochs, lr " + PENDULUM_LR + "/(1+e/" + (PENDULUM_EPOCHS / 10) + "), inference T 50 eta 0.002");
        int n = 5;
        for (Activation f : Activation.values()) {
            double[] train = new double[n];
            double[] test = new double[n];
            List<String> failed = new ArrayList<>();
            for (int sd = 1; sd <= n; sd++) {
                double[][][] tr = pendulum(500, sd);
                double[][][] te = pendulum(500, 100 + sd);
                double[][] q = Mat.identity(LATENT);
                for (int i = 0; i < LATENT; i++) {
                    q[i][i] = 0.01;
                }
                // A and C here only fix the shapes: both are replaced by the random start.
                LinearSystem s = LinearSystem.builder().a(Mat.identity(LATENT)).b(new double[LATENT][0])
                        .c(new double[2][LATENT]).q(q).r(new double[][] {{0.01, 0}, {0, 0.01}})
                        .activation(f).build();
                TpcLearner.Config cfg = new TpcLearner.Config(PENDULUM_EPOCHS, PENDULUM_LR, true, true,
                        PENDULUM_EPOCHS / 10.0);
                TpcModel m = TpcLearner.randomStart(s, cfg, 0.3, sd);
                try {
                    TpcLearner.learn(m, inf, cfg, s.x0(), tr[0], tr[1]);
                    train[sd - 1] = FilterMetrics.forecastMse(new TpcFilter(m, inf, s.x0()), tr[0], tr[1], 10);
                    test[sd - 1] = FilterMetrics.forecastMse(new TpcFilter(m, inf, s.x0()), te[0], te[1], 10);
                } catch (PcnException e) {
                    train[sd - 1] = Double.NaN;
                    test[sd - 1] = Double.NaN;
                    failed.add("seed " + sd + ": " + e.getMessage());
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("train_forecast_mse", FilterCommand.toList(train));
            m.put("heldout_forecast_mse", FilterCommand.toList(test));
            m.put("train_median", median(train));
            m.put("heldout_median", median(test));
            if (!failed.isEmpty()) {
                m.put("failed", failed);
            }
            r.put(f.label(), m);
        }
        return r;
    }

    // ---------------------------------------------------------------- helpers

    static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    static double median(double[] v) {
        double[] c = java.util.Arrays.stream(v).map(d -> Double.isFinite(d) ? d : Double.POSITIVE_INFINITY).sorted()
                .toArray();
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    }

    /** Mean and standard error of the mean. */
    static Map<String, Object> stats(double[] v) {
        double m = mean(v);
        double ss = 0;
        for (double d : v) {
            ss += (d - m) * (d - m);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mean", m);
        s.put("sem", Math.sqrt(ss / (v.length - 1) / v.length));
        return s;
    }

    private static void write(Path file, String text) {
        try {
            org.pcn4j.util.AtomicFiles.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new PcnException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
