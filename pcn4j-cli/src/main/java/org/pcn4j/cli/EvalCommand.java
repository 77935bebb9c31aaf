package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.train.Inference;
import org.pcn4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pcn4j eval}: test accuracy of a saved model, as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on a dataset's test split; prints JSON with test_accuracy.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.safetensors file (layered or graph).")
    Path model;

    @Mixin
    Options.Data data = new Options.Data();

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--inference-steps", paramLabel = "N", description = "Inference steps with the label free (default: 0, a feedforward"
            + " pass, for acyclic discriminative models; T for cyclic graphs; " + org.pcn4j.fit.Fit.GENERATIVE_EVAL_STEPS
            + " per clamped label for generative models).")
    Integer inferenceSteps;

    @Mixin
    Options.StateLrOverride stateLrOption = new Options.StateLrOverride();

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Mixin
    Options.Quiet quiet = new Options.Quiet();

    @Override
    public Integer call() {
        quiet.apply();
        threads.apply();
        QueryModel q = QueryModel.load(model);
        DatasetSplits splits = Datasets.load(data.dataset, data.dataDir, null, ProgressBar.onTerminal(null));
        q.checkFits(splits, "model " + model);
        Dataset d;
        if (split.equals("test")) {
            if (!splits.hasTest()) {
                throw new PcnException(data.dataset + " has no test split (use --split train)");
            }
            d = splits.test();
        } else if (split.equals("train")) {
            d = splits.train();
        } else {
            throw new PcnException("unknown split '" + split + "' (expected test or train)");
        }
        int steps = inferenceSteps != null ? inferenceSteps : q.defaultInferenceSteps();
        Inference t = q.inference(steps, stateLrOption.stateLr);
        org.pcn4j.fit.Evaluation.Predictor p = q.generative
                ? org.pcn4j.fit.Evaluation.generative(t, q.image, q.label, steps)
                : org.pcn4j.fit.Evaluation.discriminative(t, q.image, q.label, steps);
        double acc = Evaluation.accuracy(d, q.affine, p);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model.toString());
        out.put("dataset", data.dataset);
        out.put("split", split);
        out.put("samples", d.size());
        out.put(split + "_accuracy", acc);
        System.out.println(Json.write(out));
        return 0;
    }
}
