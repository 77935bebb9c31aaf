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
        return (x, b) -> Generative.classifyByEnergy(inference, image, label, x, b, steps);
    }

    static double accuracy(Dataset split, InputAffine affine, Predictor predictor) {
        if (split.size() == 0) {
            return Double.NaN;
        }
        Batches b = new Batches(split, affine, BATCH, false, 0);
        b.startEpoch(0);
        long correct = 0;
        while (b.next()) {
            int[] pred = predictor.predict(b.x(), b.size());
            int[] labels = b.labels();
            for (int i = 0; i < b.size(); i++) {
                if (pred[i] == labels[i]) {
                    correct++;
                }
            }
        }
        return (double) correct / split.size();
    }
}
