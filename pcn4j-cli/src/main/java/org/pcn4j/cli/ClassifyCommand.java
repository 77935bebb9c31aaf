package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.data.Idx;
import org.pcn4j.graph.Generative;
import org.pcn4j.train.Inference;
import org.pcn4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pcn4j classify}: predicted labels of IDX images, as JSON. */
@Command(name = "classify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify IDX images with a saved model; prints JSON with the predicted labels.",
                "With --labels it adds the accuracy. Discriminative models run a feedforward pass (or"
                        + " --inference-steps); generative models clamp the image and infer the label."})
public final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.safetensors file.")
    Path model;

    @Option(names = "--images", required = true, paramLabel = "X.idx", description = "IDX image file (uint8), raw pixel values.")
    Path images;

    @Option(names = "--labels", paramLabel = "Y.idx", description = "IDX label file: adds accuracy to the output.")
    Path labels;

    @Option(names = "--expect", paramLabel = "C",
            description = "Every image should be class C (e.g. generated ones): adds accuracy, the share classified as C.")
    Integer expect;

    @Option(names = "--inference-steps", paramLabel = "N",
            description = "Inference steps (default: 0, a feedforward pass, for discriminative models; "
                    + TrainCommand.GENERATIVE_EVAL_STEPS + " for generative models).")
    Integer inferenceSteps;

    @Option(names = "--readout", defaultValue = "energy", paramLabel = "energy|state",
            description = "Generative models: 'energy' clamps each label in turn and picks the lowest relaxed energy (as"
                    + " train evaluates); 'state' starts the label free at zero and reads the argmax of its state"
                    + " (default: ${DEFAULT-VALUE}).")
    String readout;

    @Mixin
    Options.StateLrOverride stateLrOption = new Options.StateLrOverride();

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Override
    public Integer call() {
        threads.apply();
        QueryModel q = QueryModel.load(model);
        int steps = inferenceSteps != null ? inferenceSteps : q.defaultInferenceSteps();
        if (steps < 0) {
            throw new PcnException("--inference-steps must be >= 0, got " + steps);
        }
        if (!readout.equals("energy") && !readout.equals("state")) {
            throw new PcnException("unknown --readout '" + readout + "' (expected energy or state)");
        }
        int[] count = new int[1];
        float[] x = q.readImages(images, count);
        int n = count[0];
        int[] truth = null;
        if (labels != null && expect != null) {
            throw new PcnException("give --labels or --expect, not both");
        }
        if (expect != null) {
            if (expect < 0 || expect >= q.label.size()) {
                throw new PcnException("--expect " + expect + " is outside the model's label set 0.." + (q.label.size() - 1));
            }
            truth = new int[n];
            java.util.Arrays.fill(truth, expect);
        }
        if (labels != null) {
            truth = Idx.readLabels(labels);
            if (truth.length != n) {
                throw new PcnException(labels + ": has " + truth.length + " labels for " + n + " images");
            }
        }
        Inference t = q.inference(steps, stateLrOption.stateLr);
        int f = q.image.size();
        List<Integer> predicted = new ArrayList<>(n);
        for (int start = 0; start < n; start += Evaluation.BATCH) {
            int b = Math.min(Evaluation.BATCH, n - start);
            float[] xb = java.util.Arrays.copyOfRange(x, start * f, (start + b) * f);
            int[] p = !q.generative ? t.classify(q.image, q.label, xb, b, steps)
                    : readout.equals("energy") ? Generative.classifyByEnergy(t, q.image, q.label, xb, b, steps)
                    : Generative.classify(t, q.image, q.label, xb, b, steps);
            for (int v : p) {
                predicted.add(v);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model.toString());
        out.put("images", n);
        out.put("inference_steps", steps);
        if (truth != null) {
            int correct = 0;
            for (int i = 0; i < n; i++) {
                correct += predicted.get(i) == truth[i] ? 1 : 0;
            }
            out.put("accuracy", n == 0 ? Double.NaN : (double) correct / n);
        }
        out.put("predicted", predicted);
        System.out.println(Json.write(out));
        return 0;
    }
}
