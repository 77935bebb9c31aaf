package org.pcn4j.cli;

import org.pcn4j.data.Batches;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Generative;
import org.pcn4j.model.Node;
import org.pcn4j.train.Inference;
import org.pcn4j.train.Trainer;

/** Classification accuracy of a trained network on a split. */
final class Evaluation {
    private Evaluation() {}

    static final int BATCH = 500;

    /** Predicted classes of a batch of normalized inputs. */
    interface Predictor {
        int[] predict(float[] x, int batch);

        /** Slow predictors (generative: one relaxation per class) show progress on a terminal. */
        default boolean slow() {
            return false;
        }
    }

    /** A discriminative network: a feedforward pass, or {@code steps} of inference with the output free. */
    static Predictor discriminative(Trainer trainer, int steps) {
        return (x, b) -> trainer.predict(x, b, steps);
    }

    /** As {@link #discriminative(Trainer, int)} for a query's inference: {@code input} clamped, {@code output} read. */
    static Predictor discriminative(Inference inference, Node input, Node output, int steps) {
        return (x, b) -> inference.classify(input, output, x, b, steps);
    }

    /**
     * A generative network: clamp the image and each one-hot label in turn, relax the hidden nodes
     * for {@code steps} steps, pick the label of lowest energy ({@link Generative#classifyByEnergy}).
     */
    static Predictor generative(Trainer trainer, Node image, Node label, int steps) {
        return generative(trainer.inference(), image, label, steps);
    }

    /** As {@link #generative(Trainer, Node, Node, int)} for a query's inference. */
    static Predictor generative(Inference inference, Node image, Node label, int steps) {
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

    /** Accuracy on {@code split}; a slow predictor shows a bar on a terminal (a generative test set takes minutes). */
    static double accuracy(Dataset split, InputAffine affine, Predictor predictor) {
        return accuracy(split, affine, predictor,
                predictor.slow() ? ProgressBar.onTerminal("samples") : org.pcn4j.ProgressListener.none());
    }

    static double accuracy(Dataset split, InputAffine affine, Predictor predictor, org.pcn4j.ProgressListener progress) {
        if (split.size() == 0) {
            return Double.NaN;
        }
        progress.start("evaluating " + split.name(), split.size());
        try {
            return correct(split, affine, predictor, progress) / (double) split.size();
        } finally {
            progress.finish();
        }
    }

    private static long correct(Dataset split, InputAffine affine, Predictor predictor, org.pcn4j.ProgressListener progress) {
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
        return correct;
    }
}
