package org.pcn4j.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.data.Batches;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.InputAffine;
import org.pcn4j.model.DivergenceException;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcModel;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * The training loop: epochs of mini-batches through a {@link Trainer}, evaluation after each epoch,
 * the divergence guard, and the choice of the model to keep. Typical use:
 * <pre>{@code
 * FitResult r = Fit.fit(mlp, trainConfig, data, FitConfig.builder().epochs(5).build());
 * }</pre>
 * or, when the schedule needs the number of updates, {@link #prepare} first and {@link #run} after.
 * At the end the network holds the kept model (the last clean epoch, or the best on validation).
 */
public final class Fit {
    /** An epoch whose mean training loss exceeds the best epoch's by this factor has diverged slowly. */
    static final double EPOCH_FACTOR = 2;

    /** Inference steps per clamped label when classifying with a generative model. */
    public static final int GENERATIVE_EVAL_STEPS = 20;

    final PcModel model;
    final DatasetSplits data;
    final InputAffine affine;
    final FitConfig config;
    final Batches train;

    private Fit(PcModel model, DatasetSplits data, InputAffine affine, FitConfig config) {
        this.model = model;
        this.data = data;
        this.affine = affine;
        this.config = config;
        this.train = new Batches(data.train(), affine, config.batchSize(), config.shuffle(), config.seed())
                .augment(config.augment());
    }

    /**
     * Holds out the validation split (when the config asks for one) and sets up the batches;
     * {@code affine} maps raw inputs to the model's input space: null for the training split's own
     * normalization (computed without the validation samples), or a saved model's.
     */
    public static Fit prepare(PcModel model, DatasetSplits data, InputAffine affine, FitConfig config) {
        DatasetSplits d = config.validation() > 0 ? data.withValidation(config.validation(), config.seed()) : data;
        if (d.train().size() == 0 && config.epochs() > 0) {
            throw new PcnException(d.name() + ": the training split is empty; nothing to train on");
        }
        return new Fit(model, d, affine != null ? affine : d.inputAffine(), config);
    }

    /** Prepares and runs in one call, with the training split's own input affine. */
    public static FitResult fit(PcModel model, TrainConfig train, DatasetSplits data, FitConfig config,
                                FitListener... listeners) {
        return prepare(model, data, null, config).run(train, List.of(listeners));
    }

    /** The map from raw inputs to the model's input space that training uses (save it with the model). */
    public InputAffine affine() {
        return affine;
    }

    /** The splits as trained: the training split without the validation samples. */
    public DatasetSplits data() {
        return data;
    }

    public int batchesPerEpoch() {
        return train.batchesPerEpoch();
    }

    /** Weight updates the whole run will make (what a warmup-cosine schedule spans). */
    public long plannedUpdates(Algorithm algorithm, int inferenceSteps) {
        long total = (long) config.epochs() * train.batchesPerEpoch() * (algorithm == Algorithm.IPC ? inferenceSteps : 1);
        return config.maxSteps() > 0 ? Math.min(total, config.maxSteps()) : total;
    }

    /** Evaluation's inference steps: the config's, or the default for this model. */
    public int evalInferenceSteps(TrainConfig tc) {
        if (config.evalInferenceSteps() != null) {
            return config.evalInferenceSteps();
        }
        if (config.task() == FitConfig.Task.GENERATE) {
            return GENERATIVE_EVAL_STEPS;
        }
        // A feedforward pass is the energy minimum only of an acyclic network.
        return model.network().isAcyclic() ? 0 : tc.inference().steps();
    }

    /** Runs the epochs; see the class comment. */
    public FitResult run(TrainConfig tc, List<FitListener> listeners) {
        return run(tc, listeners, null);
    }

    /**
     * Runs the epochs, continuing from {@code resume} when it is not null: a checkpoint this run's
     * setup (same model, data, configs) wrote, reached through {@link FitListener#onCheckpoint}.
     * With one thread the result equals that of the run never interrupted, bit for bit.
     */
    public FitResult run(TrainConfig tc, List<FitListener> listeners, Checkpoint resume) {
        return new FitLoop(this, bound(tc), FitListener.all(listeners)).run(resume);
    }

    /** The config with a run-long schedule (the default warmup-cosine) bound to this run's planned updates. */
    TrainConfig bound(TrainConfig tc) {
        if (!(tc.schedule() instanceof org.pcn4j.optim.Schedule.OverRun)) {
            return tc;
        }
        org.pcn4j.optim.Schedule.OverRun s = (org.pcn4j.optim.Schedule.OverRun) tc.schedule();
        return tc.toBuilder().schedule(s.over(plannedUpdates(tc.algorithm(), tc.inference().steps()))).build();
    }

    /**
     * The same training setup with the weight rate multiplied by {@code scale} and the state rate by
     * {@code stateScale}; the weight schedule continues from update {@code offset} (a new trainer counts from 0).
     */
    static TrainConfig lowered(TrainConfig tc, double scale, double stateScale, long offset) {
        // toBuilder keeps the rule itself (a rule defined outside the project too) and its own settings.
        InferenceConfig i = tc.inference();
        org.pcn4j.optim.Schedule base = tc.schedule();
        return tc.toBuilder().inference(i.toBuilder().lr(i.lr() * stateScale).build())
                .schedule(step -> scale * base.rate(offset + step)).build();
    }
}
