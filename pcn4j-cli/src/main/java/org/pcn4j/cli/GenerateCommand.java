package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.graph.Generative;
import org.pcn4j.train.Inference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pcn4j generate}: images of one class from a generative model, as IDX plus a PNG grid. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate images of a class with a generative (or fully connected graph) model: clamp the label, infer the rest.",
                "Writes OUT.idx (uint8, raw pixel values) and OUT.png (a grid) beside it."})
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model trained with --mode generative, or a graph model whose image node is predicted.")
    Path model;

    @Option(names = "--label", required = true, paramLabel = "C", description = "Class index to generate.")
    int label;

    @Option(names = "--count", defaultValue = "16", paramLabel = "N", description = "Number of images (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--out", required = true, paramLabel = "OUT.idx", description = "IDX file to write.")
    Path out;

    @Option(names = "--inference-steps", paramLabel = "N",
            description = "Inference steps (default: 50 for acyclic models, such as --mode generative ones; 500 for"
                    + " graphs with cycles, whose image relaxes from its start rather than being predicted top-down).")
    Integer inferenceStepsOption;

    int inferenceSteps;

    @Mixin
    Options.StateLrOverride stateLrOption = new Options.StateLrOverride();

    @Option(names = "--noise", defaultValue = "0", paramLabel = "SIGMA",
            description = "Langevin noise: each state step adds Gaussian noise of sd SIGMA*sqrt(2*state-lr), so samples differ"
                    + " (0: every sample is the deterministic top-down image) (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ImageStartOption imageStart = new ImageStartOption();

    @Option(names = "--label-precision", defaultValue = "1", paramLabel = "PI",
            description = "Precision of the clamped label's prediction error during generation: above 1 the label"
                    + " weighs more against the other nodes' errors (default: ${DEFAULT-VALUE}).")
    float labelPrecision;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Override
    public Integer call() {
        threads.apply();
        if (count <= 0) {
            throw new PcnException("--count must be positive, got " + count);
        }
        QueryModel q = QueryModel.load(model);
        inferenceSteps = inferenceStepsOption != null ? inferenceStepsOption
                : q.loaded.model().network().isAcyclic() ? 50 : 500;
        if (inferenceSteps < 0) {
            throw new PcnException("--inference-steps must be >= 0, got " + inferenceSteps);
        }
        q.checkQueryable(model);
        if (label < 0 || label >= q.label.size()) {
            throw new PcnException("--label " + label + " is outside the model's label set 0.." + (q.label.size() - 1));
        }
        if (!(labelPrecision > 0) || !Float.isFinite(labelPrecision)) {
            throw new PcnException("--label-precision must be positive, got " + labelPrecision);
        }
        float[] startImage = imageStart.resolve(q, model);
        Inference t = q.inference(inferenceSteps, stateLrOption.stateLr);
        t.setLangevinNoise(noise, seed);
        // The label node's precision matters only for this query; the model file is not written.
        q.label.setPrecision(labelPrecision);
        int f = q.image.size();
        byte[] px = new byte[count * f];
        for (int start = 0; start < count; start += Evaluation.BATCH) {
            int b = Math.min(Evaluation.BATCH, count - start);
            float[] img = Generative.generate(t, q.image, q.label, label, b, inferenceSteps, startImage);
            ImageFiles.toPixels(img, b, f, q.affine, px, start);
        }
        int[] shape = q.imageShape();
        Path png = ImageFiles.write(out, px, count, shape[0], shape[1]);
        System.out.println("wrote " + count + " images of class " + label + " to " + out
                + (png != null ? " and " + png : ""));
        return 0;
    }
}
