package org.pcn4j.cli;

import org.pcn4j.data.Dataset;
import org.pcn4j.data.InputAffine;
import org.pcn4j.model.Node;
import org.pcn4j.train.Trainer;

/** The query commands' view of {@link org.pcn4j.fit.Evaluation}, which train's loop uses too (same numbers). */
final class Evaluation {
    private Evaluation() {}

    static final int BATCH = org.pcn4j.fit.Evaluation.BATCH;

    /** Predicted classes of a batch of normalized inputs. */
    interface Predictor extends org.pcn4j.fit.Evaluation.Predictor {}

    static Predictor discriminative(Trainer trainer, int steps) {
        org.pcn4j.fit.Evaluation.Predictor p = org.pcn4j.fit.Evaluation.discriminative(trainer, steps);
        return p::predict;
    }

    static Predictor generative(Trainer trainer, Node image, Node label, int steps) {
        org.pcn4j.fit.Evaluation.Predictor p = org.pcn4j.fit.Evaluation.generative(trainer, image, label, steps);
        return p::predict;
    }

    static double accuracy(Dataset split, InputAffine affine, Predictor predictor) {
        return org.pcn4j.fit.Evaluation.accuracy(split, affine, predictor);
    }
}
