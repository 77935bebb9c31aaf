package org.pcn4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.control.ControlMetrics;
import org.pcn4j.control.ControlPresets;
import org.pcn4j.control.ControlSimulation;
import org.pcn4j.control.Controller;
import org.pcn4j.control.Plant;
import org.pcn4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pcn4j control}: closed-loop active-inference (or PID) control of a simulated plant. */
@Command(name = "control",
        mixinStandardHelpOptions = true,
        description = {"Simulate a plant under an active inference controller (aic, uaic) or a PID.",
                "Writes DIR/trajectory.csv (t, q, belief, action per joint) and PNG plots; prints JSON with the "
                        + "settling time (2 %%), overshoot, steady-state error and RMSE of belief against state."})
public final class ControlCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--plant", required = true, paramLabel = "P", description = "mass-spring-damper or arm2.")
    String plant;

    @Option(names = "--controller", required = true, paramLabel = "C", description = "aic, uaic or pid.")
    String controller;

    @Option(names = "--duration", paramLabel = "S", description = "Simulated seconds. Default: 15 (mass-spring-damper), 10 (arm2).")
    Double duration;

    @Option(names = "--collision", paramLabel = "START,LENGTH",
            description = "Hold the plant still for LENGTH seconds from START (e.g. 2,3).")
    String collision;

    @Option(names = "--dt", defaultValue = "0.001", paramLabel = "DT", description = "Time step in s. Default: ${DEFAULT-VALUE}.")
    double dt;

    @Option(names = "--noise-sd", defaultValue = "0.001", paramLabel = "SD",
            description = "Sensor noise sd on position and velocity. Default: ${DEFAULT-VALUE}.")
    double noiseSd;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Sensor noise seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created).")
    Path out;

    @Option(names = "--no-plots", description = "Do not write PNG plots.")
    boolean noPlots;

    @Override
    public void run() {
        Plant p = ControlPresets.plant(plant);
        double[] cs = parseCollision(collision);
        double dur = duration != null ? duration : p.dof() == 1 ? 15 : 10;
        ControlSimulation.Config cfg = new ControlSimulation.Config(dur, dt, noiseSd, seed, cs[0], cs[1]);
        Controller c = ControlPresets.controller(controller, p, p.initialPosition());
        ControlSimulation.Trajectory tr = ControlSimulation.run(p, c, cfg);
        ControlMetrics m = ControlMetrics.of(tr);
        try {
            Files.createDirectories(out);
        } catch (java.io.IOException e) {
            throw new PcnException("cannot create " + out + ": " + e.getMessage(), e);
        }
        int n = p.dof();
        List<String> header = new ArrayList<>(List.of("t"));
        header.addAll(SeriesCsv.names("q", n));
        header.addAll(SeriesCsv.names("belief", n));
        header.addAll(SeriesCsv.names("action", n));
        double[][] t = new double[tr.t().length][];
        for (int k = 0; k < t.length; k++) {
            t[k] = new double[] {tr.t()[k]};
        }
        Path csv = out.resolve("trajectory.csv");
        SeriesCsv.write(csv, header, t, tr.q(), tr.belief(), tr.action());
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("plant", p.name());
        report.put("controller", c.name());
        report.put("duration_s", dur);
        report.put("goal", FilterCommand.toList(tr.goal()));
        report.put("settling_time_s", FilterCommand.toList(m.settlingTime()));
        report.put("overshoot_percent", FilterCommand.toList(m.overshootPercent()));
        report.put("steady_state_error", FilterCommand.toList(m.steadyStateError()));
        report.put("belief_rmse", FilterCommand.toList(m.beliefRmse()));
        if (cs[1] > 0) {
            int k = (int) Math.min(t.length - 1, Math.round((cs[0] + cs[1]) / dt) - 1);
            Map<String, Object> col = new LinkedHashMap<>();
            col.put("start_s", cs[0]);
            col.put("length_s", cs[1]);
            col.put("held_position", FilterCommand.toList(tr.q()[k]));
            col.put("belief_at_release", FilterCommand.toList(tr.belief()[k]));
            double[] frac = new double[n];
            for (int i = 0; i < n; i++) {
                frac[i] = (tr.belief()[k][i] - tr.q()[k][i]) / (tr.goal()[i] - tr.q()[k][i]);
            }
            col.put("belief_bias_fraction", FilterCommand.toList(frac));
            report.put("collision", col);
        }
        report.put("trajectory", csv.toString());
        if (!noPlots) {
            report.put("plots", plots(tr, n, c.name(), p.name()));
        }
        spec.commandLine().getOut().println(Json.writePretty(report));
        spec.commandLine().getOut().flush();
    }

    private List<String> plots(ControlSimulation.Trajectory tr, int n, String cname, String pname) {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] goal = new double[tr.t().length];
            java.util.Arrays.fill(goal, tr.goal()[i]);
            String j = n == 1 ? "" : String.valueOf(i + 1);
            Path png = out.resolve("q" + (i + 1) + ".png");
            XPlots.lines(png, pname + " / " + cname + ": position" + (n == 1 ? "" : " of joint " + j), "t [s]", "q" + j,
                    List.of(new XPlots.Line("q" + j, tr.t(), XPlots.column(tr.q(), i)),
                            new XPlots.Line("belief mu" + j, tr.t(), XPlots.column(tr.belief(), i)),
                            new XPlots.Line("goal", tr.t(), goal)), false);
            files.add(png.toString());
        }
        List<XPlots.Line> acts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            acts.add(new XPlots.Line("action" + (i + 1), tr.t(), XPlots.column(tr.action(), i)));
        }
        Path png = out.resolve("action.png");
        XPlots.lines(png, pname + " / " + cname + ": action", "t [s]", "u", acts, false);
        files.add(png.toString());
        return files;
    }

    static double[] parseCollision(String s) {
        if (s == null) {
            return new double[] {0, 0};
        }
        String[] parts = s.split(",");
        if (parts.length != 2) {
            throw new PcnException("--collision must be START,LENGTH in seconds (e.g. 2,3), got '" + s + "'");
        }
        try {
            double a = Double.parseDouble(parts[0].trim());
            double b = Double.parseDouble(parts[1].trim());
            if (!(a >= 0) || !(b >= 0) || !Double.isFinite(a + b)) {
                throw new NumberFormatException();
            }
            return new double[] {a, b};
        } catch (NumberFormatException e) {
            throw new PcnException("--collision must be START,LENGTH with two numbers >= 0, got '" + s + "'");
        }
    }
}
