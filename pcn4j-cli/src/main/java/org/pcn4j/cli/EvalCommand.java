package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.io.Json;
import org.pcn4j.io.ModelFile;
import org.pcn4j.kernel.Backends;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.Nudge;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pcn4j eval}: test accuracy of a saved model, as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Evaluate a saved model on a dataset's test split; prints JSON with test_accuracy.")
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.safetensors file (layered or graph).")
    Path model;

    @Option(names = "--dataset", defaultValue = "digits", paramLabel = "NAME", description = "mnist, fashion-mnist, digits or csv:PATH.")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder with the four IDX files.")
    Path dataDir;

    @Option(names = "--split", defaultValue = "test", description = "test or train (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--inference-steps", defaultValue = "0", description = "Evaluate by inference with the output free (0: feedforward pass).")
    int inferenceSteps;

    @Option(names = "--state-lr", defaultValue = "0.1", description = "State learning rate for --inference-steps.")
    double stateLr;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Override
    public Integer call() {
        threads.apply();
        ModelFile.LoadedModel loaded = ModelFile.loadModel(model);
        DatasetSplits data = Datasets.load(dataset, dataDir);
        TrainCommand.checkFits(loaded.model(), data, "model " + model);
        Dataset d;
        if (split.equals("test")) {
            if (!data.hasTest()) {
                throw new PcnException(dataset + " has no test split (use --split train)");
            }
            d = data.test();
        } else if (split.equals("train")) {
            d = data.train();
        } else {
            throw new PcnException("unknown split '" + split + "' (expected test or train)");
        }
        TrainConfig tc = new TrainConfig(Algorithm.PC, new InferenceConfig(inferenceSteps, OptimizerConfig.Kind.SGD,
                stateLr, 0, 0), OptimizerConfig.sgd(0), Schedule.constant(0), 0, Nudge.POSITIVE, 1);
        Trainer t = new Trainer(loaded.model().network(), loaded.model().input(), loaded.model().output(), tc);
        double acc = Evaluation.accuracy(t, d, loaded.affine(), inferenceSteps);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model.toString());
        out.put("dataset", dataset);
        out.put("split", split);
        out.put("samples", d.size());
        out.put(split + "_accuracy", acc);
        System.out.println(Json.write(out));
        return 0;
    }
}
