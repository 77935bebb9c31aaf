package org.pcn4j.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.data.Dataset;
import org.pcn4j.model.DivergenceException;
import org.pcn4j.model.Node;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * One run of {@link Fit}: its mutable state (what a checkpoint saves) and the epoch loop.
 * Over 400 lines: the state, the loop that changes it and the checkpoint that saves and restores it
 * stay in one place, so that a field added to one is seen missing from the others.
 */
final class FitLoop {
    private final Fit fit;
    final TrainConfig tc;
    final FitListener out;
    final boolean generative;
    final Node image;
    final Node label;
    // Only a rollback needs the optimizer state back; the other actions need the weights alone.
    final boolean withState;
    final int snapEvery;
    final DivergenceGuard guard;
    final LossTrend trend;
    final List<Map<String, Object>> history = new ArrayList<>();
    final List<DivergenceEvent> events = new ArrayList<>();
    final List<Map<String, Object>> records = new ArrayList<>();
    Trainer trainer;
    int evalSteps;
    long offset; // updates made by earlier trainers (a rollback or a resume starts a new one)
    double rateScale = 1;
    /** The state rate's factor: rateScale's, times the decay of every rollback for an inference rise. */
    double stateScale = 1;
    /** State steps undone by backtracking inference in this epoch's batches (reported when it is on). */
    long epochBacktracks;
    int rollbacks;
    /** The rollback target: a point that has since survived a stretch of batches without an event. */
    Snapshot good;
    /** The latest point, which becomes {@link #good} once the next stretch passes cleanly. */
    Snapshot recent;
    /** Where the epoch in progress started (or its last checkpoint): an epoch-level rollback returns here. */
    Snapshot epochStart;
    /** The end of the best stretch of batches ({@link LossTrend}): a drift's rollback returns here. */
    Snapshot trendBest;
    /** The lowest mean training loss of a kept-clean epoch so far. */
    double bestTrainLoss = Double.POSITIVE_INFINITY;
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
    boolean rolledBackInEpoch;
    InferenceTrace traceSum;
    long lastCheckpoint;

    /** The scalar that marks a checkpoint of a distributed (Spark) run, which this loop cannot continue. */
    static final String SPARK_KEY = "spark_sync";

    FitLoop(Fit fit, TrainConfig tc, FitListener out) {
        this.fit = fit;
        this.tc = tc;
        this.out = out;
        generative = fit.config.task() == FitConfig.Task.GENERATE;
        image = generative ? fit.model.output() : null;
        label = generative ? fit.model.input() : null;
        withState = fit.config.onDivergence() == FitConfig.OnDivergence.ROLLBACK;
        snapEvery = Math.max(1, fit.train.batchesPerEpoch() / 10);
        Algorithm alg = tc.algorithm();
        guard = new DivergenceGuard(fit.config.divergenceFactor(),
                alg == Algorithm.PC || alg == Algorithm.IPC || alg == Algorithm.PC_NUDGE);
        trend = new LossTrend(fit.train.batchesPerEpoch(), fit.config.batchSize());
    }

    long updates() {
        return offset + trainer.updates();
    }

    FitResult run(Checkpoint resume) {
        trainer = new Trainer(fit.model.network(), fit.model.input(), fit.model.output(), tc);
        evalSteps = fit.evalInferenceSteps(tc);
        out.onStart(new FitListener.Start(fit.data, trainer, fit.train.batchesPerEpoch(), evalSteps));
        if (fit.config.epochs() == 0) {
            FitResult r = new FitResult(history, events, 0, null, false, trainer);
            out.onEnd(r);
            return r;
        }
        good = Snapshot.take(trainer, 0, withState);
        recent = good;
        int skip = 0;
        if (resume != null) {
            skip = restore(resume);
        }
        while ((epoch < fit.config.epochs() || skip > 0) && stopReason == null) {
            if (skip == 0) {
                epoch++;
                startEpoch();
                epochStart = Snapshot.take(trainer, updates(), withState);
            }
            fit.train.startEpoch(epoch - 1);
            out.onEpochStart(epoch, fit.config.epochs(), fit.train.batchesPerEpoch());
            for (int i = 0; i < skip; i++) {
                fit.train.next(); // batches the checkpoint had already trained on
            }
            skip = 0;
            long e0 = System.nanoTime();
            while (stopReason == null && fit.train.next()) {
                batch();
            }
            if (diverged) {
                break; // an epoch cut short by a divergence is not evaluated or kept
            }
            if (seen == 0) {
                continue; // every batch of it was rolled back
            }
            if (epochDiverged()) {
                if (diverged) {
                    break;
                }
                continue;
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
        rolledBackInEpoch = false;
        trainer.inference().takeBacktracks(); // an evaluation's are not the epoch's
        epochBacktracks = 0;
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
            r = generative ? trainer.step(fit.train.oneHot(), fit.train.x(), fit.train.size())
                    : trainer.step(fit.train.x(), fit.train.oneHot(), fit.train.size());
            epochBacktracks += trainer.inference().takeBacktracks();
            f = guard.check(r, trainer.energyTrace(), trainer.tracedNodes());
        } catch (DivergenceException d) {
            f = new DivergenceGuard.Finding(d.node(), Double.NaN, "non-finite energy");
        }
        if (f != null) {
            FitConfig.OnDivergence action = respond(good, !Double.isFinite(f.value()), f.inference());
            record(new DivergenceEvent(epoch, nb, thisUpdate, f.node(), f.value(), f.reason(), action.id(), rateScale,
                    stateScale));
            if (action == FitConfig.OnDivergence.STOP) {
                stopReason = "diverged in epoch " + epoch + ", batch " + nb
                        + (rollbacks > 0 ? " after " + rollbacks + " rollbacks" : "");
                diverged = true;
                return;
            }
            if (action == FitConfig.OnDivergence.ROLLBACK) {
                return;
            }
            clean = false;
            guard.rebase(r); // one jump is one event, not one per batch
        } else {
            guard.accept(r);
        }
        lossSum += r.loss() * fit.train.size();
        energySum += r.finalEnergy() * fit.train.size();
        seen += fit.train.size();
        correct += r.correct();
        traceSum.add(trainer.energyTrace());
        long updates = updates();
        if (clean && nb % snapEvery == 0) {
            // Instability builds up before it shows: roll back past the latest stretch, not into it.
            good = recent;
            recent = Snapshot.take(trainer, updates, withState);
        }
        out.onBatch(new FitListener.Batch(epoch, fit.config.epochs(), nb, fit.train.batchesPerEpoch(), updates,
                lossSum / seen, r));
        LossTrend.Stretch stretch = trend.add(r.loss());
        if (stretch != null && drifted(stretch)) {
            return;
        }
        if (fit.config.maxSteps() > 0 && updates >= fit.config.maxSteps()) {
            stopReason = "reached max-steps " + fit.config.maxSteps();
        } else if (clean && fit.config.checkpointEvery() > 0 && updates - lastCheckpoint >= fit.config.checkpointEvery()
                && nb < fit.train.batchesPerEpoch()) {
            checkpoint();
        }
    }

    /**
     * At the end of each stretch of batches: a drift ({@link LossTrend#rise}) is an event like a
     * batch's divergence, but its rollback goes back to the end of the best stretch, before the drift
     * began (the last good point may already be inside it). True when the batch loop must stop here.
     */
    boolean drifted(LossTrend.Stretch s) {
        String why = clean ? trend.rise(s) : null;
        if (why == null) {
            if (trend.accept(s) && withState) {
                trendBest = Snapshot.take(trainer, updates(), true);
            }
            return false;
        }
        long at = updates();
        FitConfig.OnDivergence action = respond(trendBest != null ? trendBest : good, false, false);
        record(new DivergenceEvent(epoch, nb, at, "(all)", s.mean(), why, action.id(), rateScale, stateScale));
        if (action == FitConfig.OnDivergence.STOP) {
            stopReason = "drifted in epoch " + epoch + ", batch " + nb + (rollbacks > 0 ? " after " + rollbacks + " rollbacks" : "");
            diverged = true;
            return true;
        }
        if (action == FitConfig.OnDivergence.IGNORE) {
            clean = false;
            trend.rebase(s);
            return false;
        }
        return true;
    }

    /**
     * The action an event gets: the configured one, or stop once the rollbacks are used up (or for a
     * non-finite value under ignore). A rollback is taken here: back to {@code target}, weights and
     * optimizer state, with the state and weight rates lowered by the configured factor; the state
     * rate alone for an energy rise during inference ({@code stateOnly}): the state steps overshoot
     * for these weights, and lowering the weight rate too would slow a healthy run for nothing.
     */
    FitConfig.OnDivergence respond(Snapshot target, boolean nonFinite, boolean stateOnly) {
        FitConfig.OnDivergence action = fit.config.onDivergence();
        if (action == FitConfig.OnDivergence.ROLLBACK && rollbacks >= fit.config.maxRollbacks()) {
            action = FitConfig.OnDivergence.STOP;
        } else if (action == FitConfig.OnDivergence.IGNORE && nonFinite) {
            action = FitConfig.OnDivergence.STOP;
        }
        if (action == FitConfig.OnDivergence.ROLLBACK) {
            rollbacks++;
            rolledBackInEpoch = true;
            if (!stateOnly) {
                rateScale *= fit.config.rateDecay();
            }
            stateScale *= fit.config.rateDecay();
            offset = target.updates;
            trainer = new Trainer(fit.model.network(), fit.model.input(), fit.model.output(),
                    Fit.lowered(tc, rateScale, stateScale, offset));
            target.restore(trainer);
            good = target;
            recent = target;
            trend.restart();
        }
        return action;
    }

    void record(DivergenceEvent ev) {
        events.add(ev);
        records.add(ev.toMetrics());
        out.onDivergence(ev);
    }

    /**
     * A slow blow-up that no single batch shows: the epoch's mean training loss more than
     * {@link #Fit.EPOCH_FACTOR} times the best clean epoch's. Rolled back, the whole epoch's
     * training is discarded (it is not evaluated or kept) and the next starts where it began.
     */
    boolean epochDiverged() {
        double mean = lossSum / seen;
        // After a batch-level rollback the epoch's sums mix rolled-back batches in: that event was handled.
        if (!clean || rolledBackInEpoch || !(mean > Fit.EPOCH_FACTOR * bestTrainLoss)) {
            return false;
        }
        long at = updates();
        FitConfig.OnDivergence action = respond(epochStart, false, false);
        record(new DivergenceEvent(epoch, nb, at, "(all)", mean, String.format(
                java.util.Locale.ROOT, "epoch mean loss above %.0fx the best epoch's %.4g:", Fit.EPOCH_FACTOR,
                bestTrainLoss), action.id(), rateScale, stateScale));
        if (action == FitConfig.OnDivergence.STOP) {
            stopReason = "diverged in epoch " + epoch + (rollbacks > 0 ? " after " + rollbacks + " rollbacks" : "");
            diverged = true;
            return true;
        }
        if (action == FitConfig.OnDivergence.IGNORE) {
            clean = false;
            return false;
        }
        return true;
    }

    org.pcn4j.ProgressListener evaluationProgress(Evaluation.Predictor p) {
        return p.slow() ? out.evaluationProgress() : org.pcn4j.ProgressListener.none();
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
        double rateFactor = trainer.inference().rateFactor();
        if (trainer.config().inference().backtrack()) {
            m.put("state_backtracks", epochBacktracks);
            m.put("state_rate_factor", rateFactor);
        }
        Evaluation.Predictor predictor = generative ? Evaluation.generative(trainer, image, label, evalSteps)
                : Evaluation.discriminative(trainer, evalSteps);
        double score = Double.NaN;
        if (fit.data.validation() != null) {
            double acc = Evaluation.accuracy(fit.data.validation(), fit.affine, predictor, evaluationProgress(predictor));
            m.put("validation_accuracy", acc);
            score = acc;
            if (generative) {
                double ve = Evaluation.generativeEnergy(fit.data.validation(), fit.affine, trainer, image, label, evalSteps);
                m.put("validation_energy", ve);
                score = -ve;
            }
        }
        Dataset test = fit.data.hasTest() ? fit.data.test() : null;
        if (test != null) {
            m.put("test_accuracy", Evaluation.accuracy(test, fit.affine, predictor, evaluationProgress(predictor)));
        }
        // An evaluation that relaxes (eval inference steps) backtracks on its own account: training
        // goes on at the rate its batches left.
        trainer.inference().setRateFactor(rateFactor);
        trainer.inference().takeBacktracks();
        m.put("epoch_seconds", seconds);
        m.put("samples_per_second", seen / seconds);
        m.put("updates", updates);
        m.put("lr", trainer.config().schedule().rate(Math.max(0, trainer.updates() - 1)));
        m.put("inference_energy", traceSum.mean());
        history.add(m);
        records.add(m);
        if (clean) {
            bestTrainLoss = Math.min(bestTrainLoss, lossSum / seen);
        }
        boolean keep = clean && (fit.config.keep() == FitConfig.Keep.LAST || score > bestScore);
        if (keep) {
            bestScore = score;
            kept = Snapshot.take(trainer, updates, false);
            keptEpoch = epoch;
        }
        if (clean) {
            good = recent;
            recent = Snapshot.take(trainer, updates, withState);
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
        recent = good;
        epochStart = good;
        Snapshot now = Snapshot.take(trainer, updates, true);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("epochs_done", nb == 0 ? epoch : epoch - 1);
        s.put("epoch", epoch);
        s.put("batches_done", nb);
        s.put("updates", updates);
        s.put("offset", offset);
        s.put("rate_scale", rateScale);
        s.put("state_rate_scale", stateScale);
        s.put("rollbacks", rollbacks);
        s.put("kept_epoch", keptEpoch);
        s.put("best_score", bestScore);
        s.put("best_train_loss", bestTrainLoss);
        s.put("rolled_back_in_epoch", rolledBackInEpoch);
        s.put("ref_energy", guard.refEnergy);
        s.put("ref_loss", guard.refLoss);
        s.put("good_batches", guard.good);
        trend.save(s);
        s.put("loss_sum", lossSum);
        s.put("energy_sum", energySum);
        s.put("seen", seen);
        s.put("correct", correct);
        s.put("trainer_updates", trainer.updates());
        s.put("state_rate_factor", trainer.inference().rateFactor());
        double[] curv = trainer.inference().curvatureState();
        if (curv != null) {
            List<Object> cl = new ArrayList<>();
            for (double d : curv) {
                cl.add(d);
            }
            s.put("node_curvature", cl);
        }
        s.put("epoch_backtracks", epochBacktracks);
        out.onCheckpoint(new Checkpoint(s, now.weights, now.optimizer, kept == null ? null : kept.weights,
                traceSum.save(), new ArrayList<>(records), trendBest));
    }

    /** Puts the run where {@code c} left it; returns the batches of the current epoch to skip. */
    int restore(Checkpoint c) {
        if (c.scalars.containsKey(SPARK_KEY)) {
            throw new org.pcn4j.PcnException("the checkpoint was written by a --spark run (" + c.scalars.get(SPARK_KEY)
                    + "): resume it with --spark");
        }
        offset = ((Number) c.scalars.get("offset")).longValue();
        rateScale = c.number("rate_scale");
        // Checkpoints from before the state rate had its own factor: both rates carried rate_scale.
        stateScale = c.scalars.containsKey("state_rate_scale") ? c.number("state_rate_scale") : rateScale;
        rollbacks = ((Number) c.scalars.get("rollbacks")).intValue();
        long trainerUpdates = ((Number) c.scalars.get("trainer_updates")).longValue();
        // A trainer counts its own updates from 0: the resumed one continues the schedule where the saved one was.
        long base = offset + trainerUpdates;
        trainer = new Trainer(fit.model.network(), fit.model.input(), fit.model.output(), Fit.lowered(tc, rateScale, stateScale, base));
        List<org.pcn4j.optim.Param> ps = trainer.weightParams();
        boolean fits = c.weights.size() == ps.size() && (c.kept == null || c.kept.size() == ps.size());
        for (int i = 0; fits && i < ps.size(); i++) {
            fits = c.weights.get(i).length == ps.get(i).length() && (c.kept == null || c.kept.get(i).length == ps.get(i).length());
        }
        if (!fits) {
            throw new org.pcn4j.PcnException("the checkpoint does not fit this model (" + c.weights.size()
                    + " weight tensors, the model has " + ps.size() + "): it belongs to another run");
        }
        offset = base;
        if (c.scalars.containsKey("state_rate_factor")) { // (absent from checkpoints before backtracking)
            trainer.inference().setRateFactor(c.number("state_rate_factor"));
        }
        if (c.scalars.get("node_curvature") instanceof List<?> cl) {
            double[] curv = new double[cl.size()];
            for (int i = 0; i < curv.length; i++) {
                curv[i] = ((Number) cl.get(i)).doubleValue();
            }
            trainer.inference().setCurvatureState(curv);
        }
        new Snapshot(c.weights, c.optimizer, base).restore(trainer);
        good = Snapshot.take(trainer, base, withState);
        recent = good;
        epochStart = good;
        bestTrainLoss = c.number("best_train_loss");
        lastCheckpoint = base;
        keptEpoch = ((Number) c.scalars.get("kept_epoch")).intValue();
        kept = c.kept == null ? null : new Snapshot(c.kept, null, 0);
        bestScore = c.number("best_score");
        guard.refEnergy = c.number("ref_energy");
        guard.refLoss = c.number("ref_loss");
        guard.good = ((Number) c.scalars.get("good_batches")).intValue();
        trend.restore(c.scalars);
        trendBest = c.trendBest;
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
        rolledBackInEpoch = Boolean.TRUE.equals(c.scalars.get("rolled_back_in_epoch"));
        lossSum = c.number("loss_sum");
        energySum = c.number("energy_sum");
        seen = ((Number) c.scalars.get("seen")).longValue();
        correct = ((Number) c.scalars.get("correct")).longValue();
        if (c.scalars.containsKey("epoch_backtracks")) {
            epochBacktracks = ((Number) c.scalars.get("epoch_backtracks")).longValue();
        }
        traceSum = InferenceTrace.restore(trainer.tracedNodes(), c.traceSums);
        return nb;
    }
}
