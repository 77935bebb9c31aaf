package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.graph.Generative;
import org.pcn4j.model.DivergenceException;
import org.pcn4j.train.Inference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pcn4j complete}: fills in the unknown pixels of images with a generative model. */
@Command(name = "complete", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Complete (or denoise) IDX images with a generative model: clamp the known pixels, infer the rest.",
                "Writes OUT.idx (uint8, raw pixel values) and OUT.png (a grid) beside it."})
public final class CompleteCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model trained with --mode generative, or a graph model whose image node is predicted.")
    Path model;

    @Mixin
    CueOptions io = new CueOptions();

    @Option(names = "--inference-steps", defaultValue = "100", paramLabel = "N", description = "Inference steps (default: ${DEFAULT-VALUE}).")
    int inferenceSteps;

    @Mixin
    Options.StateLrOverride stateLrOption = new Options.StateLrOverride();

    @Mixin
    ImageStartOption imageStart = new ImageStartOption();

    @Mixin
    Truth truth = new Truth();

    @Option(names = "--label-search", description = "Clamp each one-hot label in turn with the known pixels, relax, and keep"
            + " the completion of lowest energy (model selection, as classify; costs one inference per class). Default:"
            + " the label is free.")
    boolean labelSearch;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Override
    public Integer call() {
        threads.apply();
        if (inferenceSteps < 0) {
            throw new PcnException("--inference-steps must be >= 0, got " + inferenceSteps);
        }
        QueryModel q = QueryModel.load(model);
        q.checkQueryable(model);
        int[] shape = q.imageShape();
        int rows = shape[0];
        int cols = shape[1];
        int f = q.image.size();
        int[] count = new int[1];
        float[] x = q.readImages(io.cues, count);
        int n = count[0];
        float[] mask = Masks.parse(io.clamp, n, rows, cols);
        if (labelSearch && (mask == null || !q.generative)) {
            throw new PcnException("--label-search needs a generative model (label -> image) and known pixels"
                    + " (--clamp top-half, left-half or a mask, not none)");
        }
        float[] startImage = imageStart.resolve(q, model);
        byte[] px = new byte[n * f];
        double rate = q.stateLr(stateLrOption.stateLr);
        for (int attempt = 0; ; attempt++) {
            Inference t = q.inference(inferenceSteps, rate);
            try {
                for (int start = 0; start < n; start += Evaluation.BATCH) {
                    int b = Math.min(Evaluation.BATCH, n - start);
                    float[] xb = Arrays.copyOfRange(x, start * f, (start + b) * f);
                    float[] mb = mask == null ? null : Arrays.copyOfRange(mask, start * f, (start + b) * f);
                    float[] img = labelSearch
                            ? Generative.completeBySelection(t, q.image, q.label, xb, mb, b, inferenceSteps, null)
                            : Generative.complete(t, q.image, xb, mb, b, inferenceSteps, startImage);
                    ImageFiles.toPixels(img, b, f, q.affine, px, start);
                }
                break;
            } catch (DivergenceException d) {
                // The training rate can be too large for long inference with most of the image
                // free; without an explicit --state-lr, retry smaller (said on stderr).
                if (stateLrOption.stateLr != null || attempt == 2) {
                    throw d;
                }
                System.err.printf(java.util.Locale.ROOT, "pcn4j: %s at state rate %.3g; retrying at %.3g%n", d.getMessage(),
                        rate, rate / 3);
                rate /= 3;
            }
        }
        Path png = ImageFiles.write(io.out, px, n, rows, cols);
        System.out.println("wrote " + n + " completed images to " + io.out + (png != null ? " and " + png : ""));
        truth.print(px, mask, n, rows, cols);
        return 0;
    }
}
