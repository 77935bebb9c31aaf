package org.pcn4j.fit;

import java.util.List;
import java.util.Map;
import org.pcn4j.ProgressListener;
import org.pcn4j.data.Batches;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Generative;
import org.pcn4j.model.Node;
import org.pcn4j.train.Inference;
import org.pcn4j.train.Trainer;

/**
 * Accuracy (and, for generative models, relaxed energy) of a trained network on a split: the one
 * implementation behind the training loop's evaluation and the CLI's eval and query commands, so
 * both report the same numbers.
 */
public final class Evaluation {
    private Evaluation() {}

    /** Samples per evaluation batch. */
    public static final int BATCH = 500;

    /** Predicted classes of a batch of normalized inputs. */
    public interface Predictor {
        int[] predict(float[] x, int batch);

        /** Slow predictors (generative: one relaxation per class) are worth a progress display. */
        default boolean slow() {
            return false;
        }
    }

    /** A discriminative network: a feedforward pass, or {@code steps} of inference with the output free. */
    public static Predictor discriminative(Trainer trainer, int steps) {
        return (x, b) -> trainer.predict(x, b, steps);
    }

    /** As {@link #discriminative(Trainer, int)} for a query's inference: {@code input} clamped, {@code output} read. */
    public static Predictor discriminative(Inference inference, Node input, Node output, int steps) {
        return (x, b) -> inference.classify(input, output, x, b, steps);
    }

    /**
     * A generative network: clamp the image and each one-hot label in turn, relax the hidden nodes
     * for {@code steps} steps, pick the label of lowest energy ({@link Generative#classifyByEnergy}).
     */
    public static Predictor generative(Trainer trainer, Node image, Node label, int steps) {
        return generative(trainer.inference(), image, label, steps);
    }

    /** As {@link #generative(Trainer, Node, Node, int)} for a query's inference. */
    public static Predictor generative(Inference inference, Node image, Node label, int steps) {
        return new Predictor() {
            @Override
            public int[] predict(float[] x, int b) {
                return Generative.classifyByEnergy(inference, image, label, x, b, steps);
            }

            @Override
            public boolean slow() {
                return true;
            }
        };
    }

    /** Fraction of {@code split} predicted right; NaN for an empty split. */
    public static double accuracy(Dataset split, InputAffine affine, Predictor predictor) {
        return accuracy(split, affine, predictor, ProgressListener.none());
    }

    /** As {@link #accuracy(Dataset, InputAffine, Predictor)}, reporting samples done to {@code progress}. */
    public static double accuracy(Dataset split, InputAffine affine, Predictor predictor, ProgressListener progress) {
        if (split.size() == 0) {
            return Double.NaN;
        }
        progress.start("evaluating " + split.name(), split.size());
        try {
            Batches b = new Batches(split, affine, BATCH, false, 0);
            b.startEpoch(0);
            long correct = 0;
            long done = 0;
            while (b.next()) {
                int[] pred = predictor.predict(b.x(), b.size());
                int[] labels = b.labels();
                for (int i = 0; i < b.size(); i++) {
                    if (pred[i] == labels[i]) {
                        correct++;
                    }
                }
                done += b.size();
                progress.update(done);
            }
            return (double) correct / split.size();
        } finally {
            progress.finish();
        }
    }

    /**
     * Mean energy per sample of a generative network with the image and its true label clamped and
     * the hidden nodes relaxed for {@code steps} steps: how well the model explains the split (lower
     * is better), the score generative models are selected by. NaN for an empty split.
     */
    public static double generativeEnergy(Dataset split, InputAffine affine, Trainer trainer, Node image, Node label,
                                          int steps) {
        if (split.size() == 0) {
            return Double.NaN;
        }
        Inference inference = trainer.inference();
        Batches b = new Batches(split, affine, BATCH, false, 0);
        b.startEpoch(0);
        double sum = 0;
        while (b.next()) {
            inference.query(Map.of(image, b.x(), label, b.oneHot()), b.size(), steps);
            List<double[]> trace = inference.energyTrace();
            sum += trace.get(trace.size() - 1)[0] * b.size();
        }
        return sum / split.size();
    }
}
