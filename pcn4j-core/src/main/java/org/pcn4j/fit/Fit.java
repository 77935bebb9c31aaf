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
    /** Inference steps per clamped label when classifying with a generative model. */
    public static final int GENERATIVE_EVAL_STEPS = 20;

    private final PcModel model;
    private final DatasetSplits data;
    private final InputAffine affine;
    private final FitConfig config;
    private final Batches train;

    private Fit(PcModel model, DatasetSplits data, InputAffine affine, FitConfig config) {
        this.model = model;
        this.data = data;
        this.affine = affine;
        this.config = config;
        this.train = new Batches(data.train(), affine, config.batchSize(), config.shuffle(), config.seed());
    }

    /**
     * Holds out the validation split (when the config asks for one) and sets up the batches;
     * {@code affine} maps raw inputs to the model's input space (usually {@code data.inputAffine()}).
     */
    public static Fit prepare(PcModel model, DatasetSplits data, InputAffine affine, FitConfig config) {
        DatasetSplits d = config.validation() > 0 ? data.withValidation(config.validation(), config.seed()) : data;
        if (d.train().size() == 0 && config.epochs() > 0) {
            throw new PcnException(d.name() + ": the training split is empty; nothing to train on");
        }
        return new Fit(model, d, affine, config);
    }

    /** Prepares and runs in one call, with the data's own input affine. */
    public static FitResult fit(PcModel model, TrainConfig train, DatasetSplits data, FitConfig config,
                                FitListener... listeners) {
        return prepare(model, data, data.inputAffine(), config).run(train, List.of(listeners));
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
        return new Loop(tc, FitListener.all(listeners)).run(resume);
    }

    /** One run's mutable state: what a checkpoint saves. */
    private final class Loop {
        final TrainConfig tc;
        final FitListener out;
        final boolean generative = config.task() == FitConfig.Task.GENERATE;
        final Node image = generative ? model.output() : null;
        final Node label = generative ? model.input() : null;
        // Only a rollback needs the optimizer state back; the other actions need the weights alone.
        final boolean withState = config.onDivergence() == FitConfig.OnDivergence.ROLLBACK;
        final int snapEvery = Math.max(1, train.batchesPerEpoch() / 10);
        final DivergenceGuard guard;
        final List<Map<String, Object>> history = new ArrayList<>();
        final List<DivergenceEvent> events = new ArrayList<>();
        final List<Map<String, Object>> records = new ArrayList<>();
        Trainer trainer;
        int evalSteps;
        long offset; // updates made by earlier trainers (a rollback or a resume starts a new one)
        double rateScale = 1;
        int rollbacks;
        Snapshot good;
        Snapshot kept;
        int keptEpoch;
        double bestScore = Double.NEGATIVE_INFINITY;
        String stopReason;
        boolean diverged;
        // The epoch in progress.
        int epoch;
        int nb;
        double lossSum;
        double energySum;
        long seen;
        long correct;
        boolean clean;
        InferenceTrace traceSum;
        long lastCheckpoint;

        Loop(TrainConfig tc, FitListener out) {
            this.tc = tc;
            this.out = out;
            Algorithm alg = tc.algorithm();
            guard = new DivergenceGuard(config.divergenceFactor(),
                    alg == Algorithm.PC || alg == Algorithm.IPC || alg == Algorithm.PC_NUDGE);
        }

        long updates() {
            return offset + trainer.updates();
        }

        FitResult run(Checkpoint resume) {
            trainer = new Trainer(model.network(), model.input(), model.output(), tc);
            evalSteps = evalInferenceSteps(tc);
            out.onStart(new FitListener.Start(data, trainer, train.batchesPerEpoch(), evalSteps));
            if (config.epochs() == 0) {
                FitResult r = new FitResult(history, events, 0, null, false, trainer);
                out.onEnd(r);
                return r;
            }
            good = Snapshot.take(trainer, 0, withState);
            int skip = 0;
            if (resume != null) {
                skip = restore(resume);
            }
            while ((epoch < config.epochs() || skip > 0) && stopReason == null) {
                if (skip == 0) {
                    epoch++;
                    startEpoch();
                }
                train.startEpoch(epoch - 1);
                out.onEpochStart(epoch, config.epochs(), train.batchesPerEpoch());
                for (int i = 0; i < skip; i++) {
                    train.next(); // batches the checkpoint had already trained on
                }
                skip = 0;
                long e0 = System.nanoTime();
                while (stopReason == null && train.next()) {
                    batch();
                }
                if (diverged) {
                    break; // an epoch cut short by a divergence is not evaluated or kept
                }
                if (seen == 0) {
                    continue; // every batch of it was rolled back
                }
                endEpoch((System.nanoTime() - e0) / 1e9);
            }
            // The network ends holding the kept model: the last clean epoch, the best one, or the initial one.
            if (kept != null && (keptEpoch != epoch || diverged)) {
                kept.restore(trainer);
            } else if (kept == null && diverged) {
                good.restore(trainer);
            }
            FitResult result = new FitResult(history, events, keptEpoch, stopReason, diverged, trainer);
            out.onEnd(result);
            return result;
        }

        void startEpoch() {
            nb = 0;
            lossSum = 0;
            energySum = 0;
            seen = 0;
            correct = 0;
            clean = true;
            traceSum = new InferenceTrace(trainer.tracedNodes());
        }

        void batch() {
            nb++;
            Trainer.StepResult r = null;
            DivergenceGuard.Finding f;
            long thisUpdate = updates() + 1;
            try {
                r = generative ? trainer.step(train.oneHot(), train.x(), train.size())
                        : trainer.step(train.x(), train.oneHot(), train.size());
                f = guard.check(r, trainer.energyTrace(), trainer.tracedNodes());
            } catch (DivergenceException d) {
                f = new DivergenceGuard.Finding(d.node(), Double.NaN, "non-finite energy");
            }
            if (f != null) {
                FitConfig.OnDivergence action = config.onDivergence();
                if (action == FitConfig.OnDivergence.ROLLBACK && rollbacks >= config.maxRollbacks()) {
                    action = FitConfig.OnDivergence.STOP;
                } else if (action == FitConfig.OnDivergence.IGNORE && !Double.isFinite(f.value())) {
                    action = FitConfig.OnDivergence.STOP;
                }
                if (action == FitConfig.OnDivergence.ROLLBACK) {
                    rollbacks++;
                    rateScale *= config.rateDecay();
                    offset = good.updates;
                    trainer = new Trainer(model.network(), model.input(), model.output(), lowered(tc, rateScale, offset));
                    good.restore(trainer);
                }
                DivergenceEvent ev = new DivergenceEvent(epoch, nb, thisUpdate, f.node(), f.value(), f.reason(),
                        action.id(), rateScale);
                events.add(ev);
                records.add(ev.toMetrics());
                out.onDivergence(ev);
                if (action == FitConfig.OnDivergence.STOP) {
                    stopReason = "diverged in epoch " + epoch + ", batch " + nb
                            + (rollbacks > 0 ? " after " + rollbacks + " rollbacks" : "");
                    diverged = true;
                    return;
                }
                if (action == FitConfig.OnDivergence.ROLLBACK) {
                    return;
                }
                clean = false; // ignored: the reference follows, so one jump is one event, not one per batch
            }
            guard.accept(r);
            lossSum += r.loss() * train.size();
            energySum += r.finalEnergy() * train.size();
            seen += train.size();
            correct += r.correct();
            traceSum.add(trainer.energyTrace());
            long updates = updates();
            if (clean && nb % snapEvery == 0) {
                good = Snapshot.take(trainer, updates, withState);
            }
            out.onBatch(new FitListener.Batch(epoch, config.epochs(), nb, train.batchesPerEpoch(), updates,
                    lossSum / seen, r));
            if (config.maxSteps() > 0 && updates >= config.maxSteps()) {
                stopReason = "reached max-steps " + config.maxSteps();
            } else if (clean && config.checkpointEvery() > 0 && updates - lastCheckpoint >= config.checkpointEvery()
                    && nb < train.batchesPerEpoch()) {
                checkpoint();
            }
        }

        void endEpoch(double seconds) {
            long updates = updates();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch);
            m.put("train_loss", lossSum / seen);
            m.put("train_energy", energySum / seen);
            if (!generative) {
                // (In generative mode the step's "correct" compares images, not classes.)
                m.put("train_accuracy", (double) correct / seen);
            }
            Evaluation.Predictor predictor = generative ? Evaluation.generative(trainer, image, label, evalSteps)
                    : Evaluation.discriminative(trainer, evalSteps);
            double score = Double.NaN;
            if (data.validation() != null) {
                double acc = Evaluation.accuracy(data.validation(), affine, predictor);
                m.put("validation_accuracy", acc);
                score = acc;
                if (generative) {
                    double ve = Evaluation.generativeEnergy(data.validation(), affine, trainer, image, label, evalSteps);
                    m.put("validation_energy", ve);
                    score = -ve;
                }
            }
            Dataset test = data.hasTest() ? data.test() : null;
            if (test != null) {
                m.put("test_accuracy", Evaluation.accuracy(test, affine, predictor));
            }
            m.put("epoch_seconds", seconds);
            m.put("samples_per_second", seen / seconds);
            m.put("updates", updates);
            m.put("lr", trainer.config().schedule().rate(Math.max(0, trainer.updates() - 1)));
            m.put("inference_energy", traceSum.mean());
            history.add(m);
            records.add(m);
            boolean keep = clean && (config.keep() == FitConfig.Keep.LAST || score > bestScore);
            if (keep) {
                bestScore = score;
                kept = Snapshot.take(trainer, updates, false);
                keptEpoch = epoch;
            }
            if (clean) {
                good = Snapshot.take(trainer, updates, withState);
            }
            out.onEpoch(new EpochReport(epoch, m, clean, keep));
            if (clean && stopReason == null) {
                startEpoch(); // the next epoch's empty sums, so the checkpoint says "nothing of it done yet"
                checkpoint();
            }
        }

        /**
         * Hands a checkpoint to the listeners. It is also the rollback point from now on, in the
         * run that continues and in one resumed from it alike, which keeps both identical.
         */
        void checkpoint() {
            long updates = updates();
            lastCheckpoint = updates;
            good = Snapshot.take(trainer, updates, withState);
            Snapshot now = Snapshot.take(trainer, updates, true);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("epochs_done", nb == 0 ? epoch : epoch - 1);
            s.put("epoch", epoch);
            s.put("batches_done", nb);
            s.put("updates", updates);
            s.put("offset", offset);
            s.put("rate_scale", rateScale);
            s.put("rollbacks", rollbacks);
            s.put("kept_epoch", keptEpoch);
            s.put("best_score", bestScore);
            s.put("ref_energy", guard.refEnergy);
            s.put("ref_loss", guard.refLoss);
            s.put("good_batches", guard.good);
            s.put("loss_sum", lossSum);
            s.put("energy_sum", energySum);
            s.put("seen", seen);
            s.put("correct", correct);
            s.put("trainer_updates", trainer.updates());
            out.onCheckpoint(new Checkpoint(s, now.weights, now.optimizer, kept == null ? null : kept.weights,
                    traceSum.save(), new ArrayList<>(records)));
        }

        /** Puts the run where {@code c} left it; returns the batches of the current epoch to skip. */
        int restore(Checkpoint c) {
            offset = ((Number) c.scalars.get("offset")).longValue();
            rateScale = c.number("rate_scale");
            rollbacks = ((Number) c.scalars.get("rollbacks")).intValue();
            long trainerUpdates = ((Number) c.scalars.get("trainer_updates")).longValue();
            // A trainer counts its own updates from 0: the resumed one continues the schedule where the saved one was.
            long base = offset + trainerUpdates;
            trainer = new Trainer(model.network(), model.input(), model.output(), lowered(tc, rateScale, base));
            offset = base;
            new Snapshot(c.weights, c.optimizer, base).restore(trainer);
            good = Snapshot.take(trainer, base, withState);
            lastCheckpoint = base;
            keptEpoch = ((Number) c.scalars.get("kept_epoch")).intValue();
            kept = c.kept == null ? null : new Snapshot(c.kept, null, 0);
            bestScore = c.number("best_score");
            guard.refEnergy = c.number("ref_energy");
            guard.refLoss = c.number("ref_loss");
            guard.good = ((Number) c.scalars.get("good_batches")).intValue();
            for (Map<String, Object> r : c.records) {
                records.add(r);
                if ("divergence".equals(r.get("event"))) {
                    continue; // (the events themselves are not rebuilt; their records are kept)
                }
                history.add(r);
            }
            epoch = ((Number) c.scalars.get("epoch")).intValue();
            startEpoch();
            nb = ((Number) c.scalars.get("batches_done")).intValue();
            lossSum = c.number("loss_sum");
            energySum = c.number("energy_sum");
            seen = ((Number) c.scalars.get("seen")).longValue();
            correct = ((Number) c.scalars.get("correct")).longValue();
            traceSum = InferenceTrace.restore(trainer.tracedNodes(), c.traceSums);
            return nb;
        }
    }

    /**
     * The same training setup with the state and weight rates multiplied by {@code scale}; the
     * weight schedule continues from update {@code offset} (a new trainer counts from 0).
     */
    static TrainConfig lowered(TrainConfig tc, double scale, long offset) {
        InferenceConfig i = tc.inference();
        InferenceConfig li = new InferenceConfig(i.steps(), i.optimizer(), i.lr() * scale, i.momentum(),
                i.energyTolerance());
        org.pcn4j.optim.Schedule base = tc.schedule();
        return new TrainConfig(tc.algorithm(), li, tc.optimizer(), step -> scale * base.rate(offset + step),
                tc.clipNorm(), tc.nudge(), tc.beta());
    }
}
