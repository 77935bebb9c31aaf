package org.pcn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.temporal.Activation;
import org.pcn4j.temporal.FilterMetrics;
import org.pcn4j.temporal.KalmanFilter;
import org.pcn4j.temporal.LinearSystem;
import org.pcn4j.temporal.StateFilter;
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
 * {@code pcn4j filter}: state estimation with temporal predictive coding (iterative or at its
 * closed-form equilibrium) or a Kalman filter, optionally learning A and C; {@code filter simulate}
 * makes data; {@code filter bench} runs the tracking and pendulum experiments.
 */
@Command(name = "filter",
        mixinStandardHelpOptions = true,
        description = {"Estimate states from OBS.csv with temporal PC (tpc, tpc-equilibrium) or a Kalman filter.",
                "OBS.csv: header u1..um,y1..yp, one row per step. EST.csv: x1..xn, the estimate per step."},
        subcommands = {FilterCommand.Simulate.class, FilterBench.class})
public final class FilterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--system", paramLabel = "SYS.yaml", description = "A, B, C, Q, R (lists of rows), x0, activation.")
    Path system;

    @Option(names = "--data", paramLabel = "OBS.csv", description = "Inputs and observations, columns u1..um then y1..yp.")
    Path data;

    @Option(names = "--method", paramLabel = "M", defaultValue = "tpc",
            description = "tpc (iterative inference), tpc-equilibrium (closed form, linear only) or kalman. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--inference-steps", paramLabel = "T", defaultValue = "20",
            description = "tpc: gradient steps per time step. Default: ${DEFAULT-VALUE}.")
    int inferenceSteps;

    @Option(names = "--state-lr", paramLabel = "ETA", defaultValue = "0.1",
            description = "tpc: inference step size. Default: ${DEFAULT-VALUE}.")
    double stateLr;

    @Option(names = "--learn", paramLabel = "A,C", description = "Learn these matrices with the local rules (A, C or A,C).")
    String learn;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "80", description = "Learning epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--lr", paramLabel = "ALPHA", defaultValue = "2e-5", description = "Learning rate. Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--lr-decay", paramLabel = "E", defaultValue = "0",
            description = "Epoch e learns at lr/(1+e/E); 0 keeps lr constant. Default: ${DEFAULT-VALUE}.")
    double lrDecay;

    @Option(names = "--train-data", paramLabel = "OBS.csv", split = ",",
            description = "With --learn: learn on these sequences (one length, side by side) instead of --data; the "
                    + "filter then runs on --data with the learned model (a held-out check).")
    List<Path> trainData;

    @Option(names = "--variance-correction",
            description = "With --learn: C descends the expected energy under the Laplace posterior of x_k (the plain "
                    + "rule lets C grow; docs/temporal.md).")
    boolean varianceCorrection;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "0",
            description = "With --learn: the sampled local rule (Monte-Carlo PC): after inference, Langevin chains of "
                    + "x_k sample its posterior and the N states after the burn-in each give the ordinary local "
                    + "increments (their mean is the update; for C it includes the posterior's spread, locally). "
                    + "0 = the rule at the inferred state. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(names = "--sample-burn-in", paramLabel = "B", defaultValue = "40",
            description = "With --samples: Langevin steps before the first sample. Default: ${DEFAULT-VALUE}.")
    int sampleBurnIn;

    @Option(names = "--sample-lr", paramLabel = "ETA", defaultValue = "0.05",
            description = "With --samples: Langevin step size (noise sd sqrt(2 ETA)). Default: ${DEFAULT-VALUE}.")
    double sampleLr;

    @Option(names = "--antithetic", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "With --samples: pair every chain with a mirror chain driven by the negated noise (cancels "
                    + "the noise's linear part; --no-antithetic: one chain per sequence). Default: ${DEFAULT-VALUE}.")
    boolean antithetic;

    @Option(names = "--sample-seed", paramLabel = "S", defaultValue = "1",
            description = "With --samples: seed of the Langevin noise. Default: ${DEFAULT-VALUE}.")
    long sampleSeed;

    @Option(names = "--init-seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the random start of learned matrices (N(0, 0.1^2) entries). Default: ${DEFAULT-VALUE}.")
    long initSeed;

    @Option(names = "--restarts", paramLabel = "K", defaultValue = "1",
            description = "With --learn: learn from K random starts (init seeds S..S+K-1) and keep the one with the "
                    + "lowest last-epoch forecast MSE on the training data (some starts end at a worse fixed point). "
                    + "Default: ${DEFAULT-VALUE}.")
    int restarts;

    @Option(names = "--out", paramLabel = "EST.csv", description = "Where to write the estimates.")
    Path out;

    @Option(names = "--model-out", paramLabel = "FILE",
            description = "With --learn: where to save the learned system (default: beside EST.csv, EST.model.yaml).")
    Path modelOut;

    @Option(names = "--truth", paramLabel = "X.csv", description = "True states x1..xn: print the MSE and plot estimates against them.")
    Path truth;

    @Option(names = "--steps", paramLabel = "N", description = "Expected number of rows in OBS.csv (checked).")
    Integer steps;

    @Option(names = "--no-plots", description = "Do not write PNG plots.")
    boolean noPlots;

    @Override
    public void run() {
        if (system == null || data == null || out == null) {
            throw new PcnException("filter needs --system SYS.yaml, --data OBS.csv and --out EST.csv (or a subcommand: "
                    + "simulate, bench)");
        }
        LinearSystem sys = SystemFile.read(system);
        double[][][] uy = readObservations(data, sys);
        double[][] u = uy[0];
        double[][] y = uy[1];
        if (steps != null && steps != y.length) {
            throw new PcnException(data + ": " + y.length + " rows but --steps is " + steps);
        }
        double[][] x = null;
        if (truth != null) {
            SeriesCsv.Table t = SeriesCsv.read(truth);
            SeriesCsv.expectHeader(truth, t, SeriesCsv.names("x", sys.stateDim()), "A is " + sys.stateDim() + "x"
                    + sys.stateDim());
            if (t.rows().length != y.length) {
                throw new PcnException(truth + ": " + t.rows().length + " rows but " + data + " has " + y.length);
            }
            x = t.rows();
        }
        String m = method.toLowerCase(Locale.ROOT);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("method", m);
        report.put("steps", y.length);
        StateFilter filter;
        TpcModel model = null;
        double[] curve = null;
        LinearSystem used = sys;
        switch (m) {
            case "kalman":
                if (learn != null) {
                    throw new PcnException("--learn works with --method tpc or tpc-equilibrium, not kalman");
                }
                if (trainData != null || varianceCorrection || restarts != 1 || samples != 0) {
                    throw new PcnException("--train-data, --variance-correction, --samples and --restarts need --learn");
                }
                filter = new KalmanFilter(sys);
                break;
            case "tpc":
            case "tpc-equilibrium":
                TpcFilter.Config inf = m.equals("tpc") ? TpcFilter.Config.iterative(inferenceSteps, stateLr)
                        : TpcFilter.Config.equilibrium();
                if (m.equals("tpc-equilibrium") && sys.activation() != Activation.IDENTITY) {
                    throw new PcnException("--method tpc-equilibrium needs activation identity in " + system
                            + ", not " + sys.activation().label());
                }
                if (learn != null) {
                    if (samples < 0) {
                        throw new PcnException("--samples must be >= 0, got " + samples);
                    }
                    TpcLearner.Config lc = TpcLearner.Config.parse(learn, epochs, lr, lrDecay)
                            .withVarianceCorrection(varianceCorrection)
                            .withSampling(samples == 0 ? null
                                    : new TpcLearner.Sampling(samples, sampleBurnIn, sampleLr, antithetic, sampleSeed));
                    List<double[][]> us = new ArrayList<>();
                    List<double[][]> ys = new ArrayList<>();
                    if (trainData == null || trainData.isEmpty()) {
                        us.add(u);
                        ys.add(y);
                    } else {
                        for (Path p : trainData) {
                            double[][][] t = readObservations(p, sys);
                            if (!us.isEmpty() && t[1].length != ys.get(0).length) {
                                throw new PcnException(p + ": " + t[1].length + " rows but " + trainData.get(0) + " has "
                                        + ys.get(0).length + " (training sequences need one length)");
                            }
                            us.add(t[0]);
                            ys.add(t[1]);
                        }
                        report.put("train_sequences", trainData.size());
                    }
                    if (restarts < 1) {
                        throw new PcnException("--restarts must be at least 1, got " + restarts);
                    }
                    List<Object> finals = new ArrayList<>();
                    for (int k = 0; k < restarts; k++) {
                        TpcModel candidate = TpcLearner.randomStart(sys, lc, 0.1, initSeed + k);
                        double[] c = TpcLearner.learn(candidate, inf, lc, sys.x0(), us, ys).epochForecastMse();
                        finals.add(c[c.length - 1]);
                        if (curve == null || c[c.length - 1] < curve[curve.length - 1]) {
                            curve = c;
                            model = candidate;
                            report.put("init_seed", initSeed + k);
                        }
                    }
                    if (restarts > 1) {
                        report.put("restart_last_epoch_forecast_mse", finals);
                    }
                    used = sys.withAC(model.a(), model.c());
                    report.put("learned", learn.toUpperCase(Locale.ROOT).replace(" ", ""));
                    report.put("epochs", epochs);
                    report.put("learn_rule", samples > 0 ? "sampled (" + samples + " samples after " + sampleBurnIn
                            + " Langevin steps of " + sampleLr + (antithetic ? ", antithetic pairs)" : ")")
                            : varianceCorrection ? "variance-corrected" : "plain");
                    report.put("first_epoch_forecast_mse", curve[0]);
                    report.put("last_epoch_forecast_mse", curve[curve.length - 1]);
                } else {
                    if (trainData != null || varianceCorrection || restarts != 1 || samples != 0) {
                        throw new PcnException("--train-data, --variance-correction, --samples and --restarts need --learn");
                    }
                    model = new TpcModel(sys);
                }
                if (m.equals("tpc")) {
                    report.put("inference_steps", inferenceSteps);
                    report.put("state_lr", stateLr);
                }
                filter = new TpcFilter(model, inf, sys.x0());
                break;
            default:
                throw new PcnException("unknown --method '" + method + "' (expected tpc, tpc-equilibrium or kalman)");
        }
        // One pass that records estimates and one-step forecasts together.
        double[][] est = new double[y.length][];
        double fs = 0;
        for (int k = 0; k < y.length; k++) {
            est[k] = filter.step(u[k], y[k]);
            double[] f = filter.lastForecast();
            for (int i = 0; i < f.length; i++) {
                fs += (y[k][i] - f[i]) * (y[k][i] - f[i]);
            }
            for (double v : est[k]) {
                if (!Double.isFinite(v)) {
                    throw new PcnException("the filter diverged at step " + (k + 1) + "; try a smaller --state-lr");
                }
            }
        }
        report.put("forecast_mse", y.length == 0 ? 0 : fs / ((double) y.length * sys.obsDim()));
        SeriesCsv.write(out, SeriesCsv.names("x", sys.stateDim()), est);
        report.put("out", out.toString());
        if (model != null && learn != null) {
            Path mf = modelOut != null ? modelOut : sibling(out, ".model.yaml");
            SystemFile.write(mf, used);
            report.put("model_out", mf.toString());
        }
        if (x != null) {
            report.put("mse", FilterMetrics.mse(est, x));
            double[] per = new double[sys.stateDim()];
            for (int i = 0; i < per.length; i++) {
                double s = 0;
                for (int k = 0; k < y.length; k++) {
                    s += (est[k][i] - x[k][i]) * (est[k][i] - x[k][i]);
                }
                per[i] = s / Math.max(1, y.length);
            }
            report.put("mse_per_state", toList(per));
            if (learn != null) {
                // A learned model's states live in its own basis (A, C are identified only up to a
                // similarity transform): the state MSE is printed but forecast_mse is the measure.
                report.put("mse_note", "learned A, C are identified up to a similarity transform: compare forecast_mse, "
                        + "not the state mse");
            }
            if (sys.activation() == Activation.IDENTITY && learn == null) {
                analytic(sys, m, report);
            }
        }
        if (!noPlots) {
            report.put("plots", plots(sys.stateDim(), est, x, curve));
        }
        PrintWriter pw = spec.commandLine().getOut();
        pw.println(Json.writePretty(report));
        pw.flush();
    }

    private static void analytic(LinearSystem sys, String m, Map<String, Object> report) {
        try {
            if (m.equals("kalman")) {
                report.put("riccati_mse", SteadyState.mse(SteadyState.kalmanCovariance(sys)));
            } else if (m.equals("tpc-equilibrium")) {
                report.put("lyapunov_mse",
                        SteadyState.mse(SteadyState.constantGainCovariance(sys, SteadyState.tpcGain(sys))));
            }
        } catch (PcnException e) {
            report.put("analytic_note", e.getMessage());
        }
    }

    private List<String> plots(int n, double[][] est, double[][] x, double[] curve) {
        List<String> files = new ArrayList<>();
        double[] t = XPlots.range(est.length);
        for (int i = 0; i < n; i++) {
            List<XPlots.Line> lines = new ArrayList<>();
            if (x != null) {
                lines.add(new XPlots.Line("true x" + (i + 1), t, XPlots.column(x, i)));
            }
            lines.add(new XPlots.Line("estimate (" + method + ")", t, XPlots.column(est, i)));
            Path png = sibling(out, "-x" + (i + 1) + ".png");
            XPlots.lines(png, "state x" + (i + 1), "step", "x" + (i + 1), lines, false);
            files.add(png.toString());
        }
        if (curve != null) {
            Path png = sibling(out, "-learning.png");
            XPlots.lines(png, "learning " + learn + ": one-step observation forecast MSE", "epoch", "MSE",
                    List.of(new XPlots.Line("online forecast MSE", XPlots.range(curve.length), curve)), true);
            files.add(png.toString());
        }
        return files;
    }

    /** EST.csv -> EST + suffix, in the same folder. */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Path parent = file.toAbsolutePath().getParent();
        return parent.resolve(stem + suffix);
    }

    static List<Object> toList(double[] v) {
        List<Object> l = new ArrayList<>();
        for (double d : v) {
            l.add(Double.isFinite(d) ? (Object) d : null);
        }
        return l;
    }

    /** Reads OBS.csv: header u1..um,y1..yp matching B's columns and C's rows. */
    static double[][][] readObservations(Path file, LinearSystem sys) {
        SeriesCsv.Table t = SeriesCsv.read(file);
        List<String> expected = new ArrayList<>(SeriesCsv.names("u", sys.inputDim()));
        expected.addAll(SeriesCsv.names("y", sys.obsDim()));
        SeriesCsv.expectHeader(file, t, expected, "B has " + sys.inputDim() + " columns and C has " + sys.obsDim()
                + " rows");
        return new double[][][] {SeriesCsv.columns(t.rows(), 0, sys.inputDim()),
            SeriesCsv.columns(t.rows(), sys.inputDim(), sys.obsDim())};
    }

    /** {@code pcn4j filter simulate}: OBS.csv and X.csv from a system. */
    @Command(name = "simulate",
            mixinStandardHelpOptions = true,
            description = "Simulate a system: writes DIR/OBS.csv (u1..um,y1..yp) and DIR/X.csv (true x1..xn).")
    static final class Simulate implements Runnable {
        @Spec
        CommandSpec spec;

        @Option(names = "--system", required = true, paramLabel = "SYS.yaml", description = "The system; u_k from its input field (zero without).")
        Path system;

        @Option(names = "--steps", required = true, paramLabel = "N", description = "Number of steps.")
        int steps;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Noise seed. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created).")
        Path out;

        @Override
        public void run() {
            LinearSystem sys = SystemFile.read(system);
            LinearSystem.Trajectory tr;
            try {
                tr = sys.simulate(steps, seed);
            } catch (PcnException e) {
                throw new PcnException(e.getMessage().startsWith("--") ? e.getMessage()
                        : "system file " + system + ": " + e.getMessage(), e);
            }
            try {
                Files.createDirectories(out);
            } catch (java.io.IOException e) {
                throw new PcnException("cannot create " + out + ": " + e.getMessage(), e);
            }
            List<String> obsHeader = new ArrayList<>(SeriesCsv.names("u", sys.inputDim()));
            obsHeader.addAll(SeriesCsv.names("y", sys.obsDim()));
            SeriesCsv.write(out.resolve("OBS.csv"), obsHeader, tr.inputs(), tr.observations());
            SeriesCsv.write(out.resolve("X.csv"), SeriesCsv.names("x", sys.stateDim()), tr.states());
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("steps", steps);
            report.put("seed", seed);
            report.put("obs", out.resolve("OBS.csv").toString());
            report.put("states", out.resolve("X.csv").toString());
            spec.commandLine().getOut().println(Json.writePretty(report));
            spec.commandLine().getOut().flush();
        }
    }
}
