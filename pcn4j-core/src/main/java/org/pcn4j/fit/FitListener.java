package org.pcn4j.fit;

import java.util.List;
import org.pcn4j.ProgressListener;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.train.Trainer;

/**
 * Hears what {@link Fit} does: the start, each epoch's start, each batch, each divergence event,
 * each finished epoch and the end. Every method has an empty default, so a listener overrides what
 * it needs (a progress bar: batches; a metrics file: epochs and divergences; a model writer: kept
 * epochs). Listeners run on the training thread, in the order they were given.
 */
public interface FitListener {

    /** Training is about to start: the splits as trained (validation held out) and the trainer. */
    default void onStart(Start start) {}

    default void onEpochStart(int epoch, int epochs, int batchesPerEpoch) {}

    /** After each batch that trained (not after one that diverged). */
    default void onBatch(Batch batch) {}

    /** After each divergence event, once its action has been taken. */
    default void onDivergence(DivergenceEvent event) {}

    /** After each epoch's evaluation; {@link EpochReport#kept()} says whether this is now the kept model. */
    default void onEpoch(EpochReport report) {}

    /**
     * A point the run can resume from ({@link Fit#run(org.pcn4j.train.TrainConfig, List, Checkpoint)}):
     * after every clean epoch and every {@link FitConfig#checkpointEvery()} updates. Write it with
     * {@link Checkpoint#write}; it is a copy, safe to keep.
     */
    default void onCheckpoint(Checkpoint checkpoint) {}

    /** At the end, with the kept model's weights back in the network. */
    default void onEnd(FitResult result) {}

    /**
     * Where a slow evaluation (generative: one relaxation per class, longer than the epoch's
     * training) reports the samples it has done, once per split evaluated; none by default.
     */
    default ProgressListener evaluationProgress() {
        return ProgressListener.none();
    }

    /** What {@link #onStart} receives. */
    record Start(DatasetSplits data, Trainer trainer, int batchesPerEpoch, int evalInferenceSteps) {}

    /** One trained batch: its position, the running mean loss of the epoch and what the step measured. */
    record Batch(int epoch, int epochs, int batch, int batchesPerEpoch, long updates, double meanLoss,
                 Trainer.StepResult step) {}

    /** Calls each of {@code listeners} in order. */
    static FitListener all(List<FitListener> listeners) {
        List<FitListener> ls = List.copyOf(listeners);
        return new FitListener() {
            @Override
            public void onStart(Start s) {
                ls.forEach(l -> l.onStart(s));
            }

            @Override
            public void onEpochStart(int epoch, int epochs, int batches) {
                ls.forEach(l -> l.onEpochStart(epoch, epochs, batches));
            }

            @Override
            public void onBatch(Batch b) {
                ls.forEach(l -> l.onBatch(b));
            }

            @Override
            public void onDivergence(DivergenceEvent e) {
                ls.forEach(l -> l.onDivergence(e));
            }

            @Override
            public void onEpoch(EpochReport r) {
                ls.forEach(l -> l.onEpoch(r));
            }

            @Override
            public void onCheckpoint(Checkpoint c) {
                ls.forEach(l -> l.onCheckpoint(c));
            }

            @Override
            public void onEnd(FitResult r) {
                ls.forEach(l -> l.onEnd(r));
            }

            @Override
            public ProgressListener evaluationProgress() {
                List<ProgressListener> ps = new java.util.ArrayList<>();
                ls.forEach(l -> ps.add(l.evaluationProgress()));
                return new ProgressListener() {
                    @Override
                    public void start(String label, long total) {
                        ps.forEach(p -> p.start(label, total));
                    }

                    @Override
                    public void update(long current) {
                        ps.forEach(p -> p.update(current));
                    }

                    @Override
                    public void finish() {
                        ps.forEach(ProgressListener::finish);
                    }
                };
            }
        };
    }

}
