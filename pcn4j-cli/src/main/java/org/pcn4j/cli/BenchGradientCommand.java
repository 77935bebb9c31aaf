package org.pcn4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.data.Batches;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Parameter;
import org.pcn4j.model.PcModel;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;
import org.pcn4j.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pcn4j bench gradient}: how close one PC step's weight gradients come to backprop's on the
 * same weights and batches, per parameter tensor (cosine and length ratio). At large hidden
 * precision PC's fixed point is backprop's; this says whether T inference steps reach it on a
 * given (best: trained, via --init-from) network, which is what decides PC's accuracy against BP.
 */
@Command(name = "gradient",
        mixinStandardHelpOptions = true,
        description = {
            "One training step's weight gradients under --algorithm (pc by default, with train's inference options)"
                    + " against backprop's on the same weights and batches, per parameter tensor: the cosine and the"
                    + " length ratio |PC| / |BP|, medians over --batches training batches. The weights never change.",
            "Measure a trained network (--init-from RUN/model.safetensors): at initialization the states move little"
                    + " and every schedule looks close."})
final class BenchGradientCommand implements Runnable {
    @Mixin Options.Data data = new Options.Data();
    @Mixin Options.Model model = new Options.Model();
    @Mixin Options.Inference inference = new Options.Inference();
    @Mixin ThreadsOption threads = new ThreadsOption();

    @Option(names = "--batches", paramLabel = "N", description = "Training batches to measure on (default: ${DEFAULT-VALUE}).")
    int batches = 8;

    @Option(names = "--batch-size", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize = 64;

    @Option(names = "--seed", paramLabel = "SEED", description = "Seeds the batches and a new model's weights (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--json", description = "Print one JSON object per parameter tensor (and one for all) instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (batches < 1 || batchSize < 1) {
            throw new PcnException("--batches and --batch-size must be >= 1, got " + batches + " and " + batchSize);
        }
        threads.apply();
        Algorithm alg = inference.parsedAlgorithm();
        if (alg == Algorithm.BP) {
            throw new PcnException("--algorithm bp is the reference; give the rule to compare with it (pc, ipc, pc-nudge, fpa, zil)");
        }
        inference.resolveDefaults(!model.generative() && alg == Algorithm.IPC, model.hiddenPrecision(), alg == Algorithm.IPC);
        DatasetSplits splits = Datasets.load(data.dataset, data.dataDir, null, ProgressBar.onTerminal(null));
        splits = splits.withNormalization(TrainCommand.resolveNormalization(model.normalize, splits));
        ModelBuilder.Built built = ModelBuilder.build(model, alg, splits, seed, spec);
        PcModel net = built.model();
        if (!net.network().isAcyclic()) {
            throw new PcnException("bench gradient compares with backprop, which needs an acyclic graph; this one has cycles");
        }
        // Rate 0: each step leaves its gradients in the parameters and the weights as they were.
        TrainConfig frozen = TrainConfig.builder().algorithm(Algorithm.BP).optimizer(OptimizerConfig.sgd(0))
                .schedule(Schedule.constant(0.0)).build();
        Trainer bp = new Trainer(net.network(), net.input(), net.output(), frozen);
        Trainer pc = new Trainer(net.network(), net.input(), net.output(), frozen.toBuilder().rule(inference.rule())
                .inference(inference.config()).build());
        // A saved model's own input map (its training normalization), else the data's.
        Batches b = new Batches(splits.train(), built.affine() != null ? built.affine() : splits.inputAffine(), batchSize,
                true, seed);
        b.startEpoch(0);
        List<String> names = new ArrayList<>();
        for (Edge e : net.network().edges()) {
            for (Parameter p : e.parameters()) {
                names.add(e.name() + "." + p.name());
            }
        }
        double[][] cos = new double[names.size() + 1][batches];
        double[][] len = new double[names.size() + 1][batches];
        for (int t = 0; t < batches; t++) {
            if (!b.next()) {
                b.startEpoch(t);
                b.next();
            }
            float[] x = b.x().clone();
            float[] y = b.oneHot().clone();
            bp.step(x, y, b.size());
            List<float[]> ref = grads(net);
            pc.step(x, y, b.size());
            List<float[]> got = grads(net);
            double dotAll = 0;
            double aAll = 0;
            double bAll = 0;
            for (int i = 0; i < ref.size(); i++) {
                double[] d = dots(got.get(i), ref.get(i));
                cos[i][t] = d[0] / Math.sqrt(d[1] * d[2]);
                len[i][t] = Math.sqrt(d[1] / d[2]);
                dotAll += d[0];
                aAll += d[1];
                bAll += d[2];
            }
            cos[ref.size()][t] = dotAll / Math.sqrt(aAll * bAll);
            len[ref.size()][t] = Math.sqrt(aAll / bAll);
        }
        names.add("all");
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            out.printf(Locale.ROOT, "pcn4j bench gradient: %s against bp on %s, %s, T = %d, medians over %d batches of %d%n%n",
                    alg.id(), splits.name(), net.describe(), inference.inferenceSteps, batches, batchSize);
            out.printf(Locale.ROOT, "%-28s %9s %14s%n", "parameter", "cosine", "length PC/BP");
        }
        for (int i = 0; i < names.size(); i++) {
            double c = median(cos[i]);
            double l = median(len[i]);
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("parameter", names.get(i));
                row.put("algorithm", alg.id());
                row.put("inference_steps", inference.inferenceSteps);
                row.put("cosine", c);
                row.put("length_ratio", l);
                row.put("batches", batches);
                out.println(Json.write(row));
            } else {
                out.printf(Locale.ROOT, "%-28s %9.4f %14.3f%n", names.get(i), c, l);
            }
        }
        out.flush();
    }

    private static List<float[]> grads(PcModel net) {
        List<float[]> g = new ArrayList<>();
        for (Edge e : net.network().edges()) {
            for (Parameter p : e.parameters()) {
                g.add(p.grad().clone());
            }
        }
        return g;
    }

    /** {a.b, a.a, b.b} in double. */
    private static double[] dots(float[] a, float[] b) {
        double d = 0;
        double na = 0;
        double nb = 0;
        for (int j = 0; j < a.length; j++) {
            d += (double) a[j] * b[j];
            na += (double) a[j] * a[j];
            nb += (double) b[j] * b[j];
        }
        return new double[] {d, na, nb};
    }

    /** The median; a batch where a tensor's gradient was zero gives NaN, which sorts last. */
    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
