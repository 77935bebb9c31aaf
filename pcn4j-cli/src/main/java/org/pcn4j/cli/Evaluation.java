package org.pcn4j.cli;

import org.pcn4j.data.Batches;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Generative;
import org.pcn4j.model.Node;
import org.pcn4j.train.Trainer;

/** Classification accuracy of a trained network on a split. */
final class Evaluation {
    private Evaluation() {}

    static final int BATCH = 500;

    static double accuracy(Trainer trainer, Dataset split, InputAffine affine, int inferenceSteps) {
        if (split.size() == 0) {
            return Double.NaN;
        }
        Batches b = new Batches(split, affine, BATCH, false, 0);
        b.startEpoch(0);
        long correct = 0;
        while (b.next()) {
            int[] pred = trainer.predict(b.x(), b.size(), inferenceSteps);
            int[] labels = b.labels();
            for (int i = 0; i < b.size(); i++) {
                if (pred[i] == labels[i]) {
                    correct++;
                }
            }
        }
        return (double) correct / split.size();
    }

    /** Accuracy of a generative model: clamp the image, infer the label for {@code steps} steps, argmax. */
    static double generativeAccuracy(Trainer trainer, Node image, Node label, Dataset split, InputAffine affine, int steps) {
        if (split.size() == 0) {
            return Double.NaN;
        }
        Batches b = new Batches(split, affine, BATCH, false, 0);
        b.startEpoch(0);
        long correct = 0;
        while (b.next()) {
            int[] pred = Generative.classify(trainer, image, label, b.x(), b.size(), steps);
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
