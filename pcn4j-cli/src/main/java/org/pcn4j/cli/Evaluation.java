package org.pcn4j.cli;

import org.pcn4j.ProgressListener;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.InputAffine;
import org.pcn4j.fit.Evaluation.Predictor;

/** The query commands' view of {@link org.pcn4j.fit.Evaluation} (the training loop's numbers), with a progress bar. */
final class Evaluation {
    private Evaluation() {}

    static final int BATCH = org.pcn4j.fit.Evaluation.BATCH;

    /** Accuracy on {@code split}; a slow predictor shows a bar on a terminal (a generative test set takes minutes). */
    static double accuracy(Dataset split, InputAffine affine, Predictor predictor) {
        return org.pcn4j.fit.Evaluation.accuracy(split, affine, predictor,
                predictor.slow() ? ProgressBar.onTerminal("samples") : ProgressListener.none());
    }
}
