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
    public FitResult run(TrainConfig tc, List<FitListener> listenerList) {
        FitListener out = FitListener.all(listenerList);
        boolean generative = config.task() == FitConfig.Task.GENERATE;
        Node image = generative ? model.output() : null;
        Node label = generative ? model.input() : null;
        int evalSteps = evalInferenceSteps(tc);
        Trainer trainer = new Trainer(model.network(), model.input(), model.output(), tc);
        out.onStart(new FitListener.Start(data, trainer, train.batchesPerEpoch(), evalSteps));
        List<Map<String, Object>> history = new ArrayList<>();
        List<DivergenceEvent> events = new ArrayList<>();
        if (config.epochs() == 0) {
            FitResult r = new FitResult(history, events, 0, null, false, trainer);
            out.onEnd(r);
            return r;
        }
        // Only a rollback needs the optimizer state back; the other actions need the weights alone.
        boolean withState = config.onDivergence() == FitConfig.OnDivergence.ROLLBACK;
        Algorithm alg = tc.algorithm();
        DivergenceGuard guard = new DivergenceGuard(config.divergenceFactor(),
                alg == Algorithm.PC || alg == Algorithm.IPC || alg == Algorithm.PC_NUDGE);
        long offset = 0; // updates made by earlier trainers (a rollback starts a new one)
        double rateScale = 1;
        int rollbacks = 0;
        Snapshot good = Snapshot.take(trainer, 0, withState);
        Snapshot kept = null;
        int keptEpoch = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        int snapEvery = Math.max(1, train.batchesPerEpoch() / 10);
        String stopReason = null;
        boolean diverged = false;
        int epoch = 0;
        while (epoch < config.epochs() && stopReason == null) {
            epoch++;
            long e0 = System.nanoTime();
            train.startEpoch(epoch - 1);
            double lossSum = 0;
            double energySum = 0;
            long seen = 0;
            long correct = 0;
            int nb = 0;
            boolean clean = true;
            InferenceTrace traceSum = new InferenceTrace(trainer.tracedNodes());
            out.onEpochStart(epoch, config.epochs(), train.batchesPerEpoch());
            while (train.next()) {
                nb++;
                Trainer.StepResult r = null;
                DivergenceGuard.Finding f;
                long thisUpdate = offset + trainer.updates() + 1;
                try {
                    r = generative ? trainer.step(train.oneHot(), train.x(), train.size())
                            : trainer.step(train.x(), train.oneHot(), train.size());
                    f = guard.check(r, trainer.energyTrace(), trainer.tracedNodes());
                } catch (DivergenceException d) {
                    f = new DivergenceGuard.Finding(d.node(), Double.NaN, "non-finite energy");
                }
                if (f != null) {
                    FitConfig.OnDivergence action = config.onDivergence();
                    boolean finite = Double.isFinite(f.value());
                    if (action == FitConfig.OnDivergence.ROLLBACK && rollbacks >= config.maxRollbacks()) {
                        action = FitConfig.OnDivergence.STOP;
                    } else if (action == FitConfig.OnDivergence.IGNORE && !finite) {
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
                    out.onDivergence(ev);
                    if (action == FitConfig.OnDivergence.STOP) {
                        stopReason = "diverged in epoch " + epoch + ", batch " + nb
                                + (rollbacks > 0 ? " after " + rollbacks + " rollbacks" : "");
                        diverged = true;
                        break;
                    }
                    if (action == FitConfig.OnDivergence.ROLLBACK) {
                        continue;
                    }
                    clean = false; // ignored: the reference follows, so one jump is one event, not one per batch
                }
                guard.accept(r);
                lossSum += r.loss() * train.size();
                energySum += r.finalEnergy() * train.size();
                seen += train.size();
                correct += r.correct();
                traceSum.add(trainer.energyTrace());
                long updates = offset + trainer.updates();
                if (clean && nb % snapEvery == 0) {
                    good = Snapshot.take(trainer, updates, withState);
                }
                out.onBatch(new FitListener.Batch(epoch, config.epochs(), nb, train.batchesPerEpoch(), updates,
                        lossSum / seen, r));
                if (config.maxSteps() > 0 && updates >= config.maxSteps()) {
                    stopReason = "reached max-steps " + config.maxSteps();
                    break;
                }
            }
            if (diverged) {
                break; // an epoch cut short by a divergence is not evaluated or kept
            }
            if (seen == 0) {
                continue; // every batch of it was rolled back
            }
            double seconds = (System.nanoTime() - e0) / 1e9;
            long updates = offset + trainer.updates();
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
