package org.pcn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pcn4j.data.InputAffine;
import org.pcn4j.fit.Checkpoint;
import org.pcn4j.fit.DivergenceEvent;
import org.pcn4j.fit.EpochReport;
import org.pcn4j.fit.FitListener;
import org.pcn4j.model.PcModel;

/** What {@code train} hangs on the training loop: the console (progress bar, epoch lines) and the run folder. */
final class TrainListeners {
    private TrainListeners() {}

    /** The progress bar, one line per epoch and one per divergence event on stderr. */
    static final class Console implements FitListener {
        private final ProgressBar progress;
        private final boolean quiet;

        Console(boolean quiet) {
            this.quiet = quiet;
            progress = quiet ? null : ProgressBar.items(new PrintWriter(System.err, true), "batches");
        }

        /** A generative model's epoch-end evaluation: samples done, on a terminal (erased when done). */
        @Override
        public org.pcn4j.ProgressListener evaluationProgress() {
            return quiet ? org.pcn4j.ProgressListener.none() : ProgressBar.onTerminal("samples");
        }

        @Override
        public void onEpochStart(int epoch, int epochs, int batches) {
            if (progress != null) {
                progress.start("epoch " + epoch + "/" + epochs, batches);
            }
        }

        @Override
        public void onBatch(Batch b) {
            if (progress != null) {
                progress.setLabel(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f", b.epoch(), b.epochs(), b.meanLoss()));
                progress.update(b.batch());
            }
        }

        @Override
        public void onDivergence(DivergenceEvent e) {
            clear();
            System.err.println("pcn4j: " + e.describe());
        }

        @Override
        public void onEpoch(EpochReport r) {
            clear();
            System.err.println(epochLine(r.metrics()));
        }

        void clear() {
            if (progress != null) {
                progress.clear();
            }
        }
    }

    /**
     * metrics.jsonl (one record per epoch and per divergence event) and model.safetensors, written
     * only when the loop keeps an epoch: the model in the folder is never a diverged one. The first
     * record truncates a metrics.jsonl left by an earlier run (which --overwrite allowed).
     */
    static final class Folder implements FitListener {
        static final String CHECKPOINT = "checkpoint.safetensors";
        private final RunDir run;
        private final PcModel net;
        private final InputAffine affine;
        private final Map<String, String> meta;
        private final List<Map<String, Object>> history = new ArrayList<>();
        private boolean started;
        private boolean saved;

        Folder(RunDir run, PcModel net, InputAffine affine, Map<String, String> meta) {
            this.run = run;
            this.net = net;
            this.affine = affine;
            this.meta = meta;
        }

        /** A resumed run: metrics.jsonl restarts from the checkpoint's records (later ones are replayed). */
        void resumeFrom(Checkpoint c) {
            started = false; // the first append truncates
            for (Map<String, Object> r : c.records()) {
                append(r);
                if (!r.containsKey("event")) {
                    history.add(r);
                }
            }
            if (!started) {
                append(null);
            }
        }

        @Override
        public void onDivergence(DivergenceEvent e) {
            append(e.toMetrics());
        }

        @Override
        public void onCheckpoint(Checkpoint c) {
            run.removeStaleTemporaries(CHECKPOINT);
            c.write(run.path(CHECKPOINT));
        }

        @Override
        public void onEpoch(EpochReport r) {
            history.add(r.metrics());
            append(r.metrics());
            if (r.kept()) {
                run.saveModel(net, affine, meta);
                saved = true;
            }
        }

        private void append(Map<String, Object> record) {
            try {
                if (!started) {
                    started = true;
                    run.truncate("metrics.jsonl");
                }
                if (record != null) {
                    run.appendJsonLine("metrics.jsonl", record);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<Map<String, Object>> history() {
            return history;
        }

        boolean saved() {
            return saved;
        }
    }

    static String epochLine(Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "epoch %3d  loss %.4f  energy %.4f",
                (int) m.get("epoch"), (double) m.get("train_loss"), (double) m.get("train_energy")));
        if (m.containsKey("train_accuracy")) {
            b.append(String.format(Locale.ROOT, "  train %.2f%%", 100 * (double) m.get("train_accuracy")));
        }
        if (m.containsKey("validation_accuracy")) {
            b.append(String.format(Locale.ROOT, "  val %.2f%%", 100 * (double) m.get("validation_accuracy")));
        }
        if (m.containsKey("validation_energy")) {
            b.append(String.format(Locale.ROOT, "  val energy %.4f", (double) m.get("validation_energy")));
        }
        if (m.containsKey("test_accuracy")) {
            b.append(String.format(Locale.ROOT, "  test %.2f%%", 100 * (double) m.get("test_accuracy")));
        }
        b.append(String.format(Locale.ROOT, "  %.2f s  %.0f samples/s", (double) m.get("epoch_seconds"),
                (double) m.get("samples_per_second")));
        return b.toString();
    }
}
