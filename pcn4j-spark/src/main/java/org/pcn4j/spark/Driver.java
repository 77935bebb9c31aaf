package org.pcn4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.pcn4j.PcnException;
import org.pcn4j.cli.DistributedTraining.Job;
import org.pcn4j.data.Dataset;
import org.pcn4j.fit.DivergenceEvent;
import org.pcn4j.fit.DivergenceGuard;
import org.pcn4j.fit.EpochReport;
import org.pcn4j.fit.Evaluation;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.fit.FitListener;
import org.pcn4j.fit.FitResult;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcModel;
import org.pcn4j.optim.GradClip;
import org.pcn4j.optim.OptimizerState;
import org.pcn4j.optim.Param;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * One Spark run's driver: the authoritative weights (in a {@link Trainer} over the cli's own
 * network), the rounds, and what {@link org.pcn4j.fit.Fit} does around its batches, with a round
 * in the place of a batch: the divergence guard checks each round's mean loss and energies
 * (rollback restores the weights and optimizer state of an earlier round and lowers the weight
 * and state rates; stop; ignore), an epoch whose mean loss is far above the best one's is
 * rolled back or stops the run, the kept model (last or best on validation), and checkpoints at
 * round boundaries (every epoch, every --checkpoint-every updates) that a resumed run continues
 * from exactly.
 *
 * <p>Over 400 lines: the two kinds of round and what Fit does around a batch (guard, epoch check,
 * keep, checkpoints) all read and write the same driver state; split, they would pass it around.
 */
final class Driver {
    /** Marks a Spark checkpoint (the single-machine loop refuses one that has it). */
    static final String SPARK_KEY = "spark_sync";
    /** An epoch whose mean training loss exceeds the best clean epoch's by this factor has diverged (as in Fit). */
    static final double EPOCH_FACTOR = 2;

    final Job job;
    final JavaSparkContext sc;
    final int parts;
    final String runId;
    final boolean gradients;
    final FitConfig fc;
    final TrainConfig tc;
    final PcModel net;
    final FitListener out;
    final Trainer trainer;
    final List<Param> params;
    final boolean generative;
    /** One element per partition (a named dataset), or the table's rows partitioned into shards. */
    final JavaRDD<Object> source;
    final Tables.Table table;
    final int batchesPerEpoch;
    final int roundsPerEpoch;
    final DivergenceGuard guard;
    final int snapEvery;
    /** The local steps' weight rate factor (averaging mode; see --sync-lr-scale and docs/spark.md). */
    final double lrScale;
    final List<Map<String, Object>> history = new ArrayList<>();
    final List<DivergenceEvent> events = new ArrayList<>();
    /** metrics.jsonl's records so far (epochs and events), for checkpoints. */
    final List<Map<String, Object>> records = new ArrayList<>();
    long updates;
    double syncSeconds;
    long rounds;
    String stopReason;
    boolean diverged;
    double rateScale = 1;
    int rollbacks;
    Snap good;
    Snap recent;
    Snap epochStart;
    Snap kept;
    int keptEpoch;
    double bestScore = Double.NEGATIVE_INFINITY;
    double bestTrainLoss = Double.POSITIVE_INFINITY;
    boolean clean;
    boolean rolledBackInEpoch;
    long lastCheckpoint;
    Epoch ep;

    /** Weights, optimizer state and update count: a rollback target, the kept model, a checkpoint's content. */
    record Snap(float[][] weights, OptimizerState optimizer, long updates) {}

    Driver(Job job, JavaSparkContext sc, int parts, String runId, boolean gradients) {
        this.job = job;
        this.sc = sc;
        this.parts = parts;
        this.runId = runId;
        this.gradients = gradients;
        this.fc = job.fitConfig();
        this.tc = job.trainConfig();
        this.net = job.net();
        this.out = FitListener.all(job.listeners());
        this.trainer = new Trainer(net.network(), net.input(), net.output(), tc);
        this.params = trainer.weightParams();
        this.generative = fc.task() == FitConfig.Task.GENERATE;
        Algorithm alg = tc.algorithm();
        this.guard = new DivergenceGuard(fc.divergenceFactor(),
                alg == Algorithm.PC || alg == Algorithm.IPC || alg == Algorithm.PC_NUDGE);
        int n = job.fit().data().train().size();
        if (gradients) {
            batchesPerEpoch = job.fit().batchesPerEpoch();
            roundsPerEpoch = batchesPerEpoch;
        } else {
            // Every partition takes the same number of local steps per epoch: the smallest shard's
            // batches (a partition whose shard is one sample larger may skip one partial batch).
            int smallest = n / parts;
            batchesPerEpoch = (smallest + fc.batchSize() - 1) / fc.batchSize();
            if (job.syncEvery() > batchesPerEpoch) {
                throw new PcnException(String.format(Locale.ROOT, "--sync-every %d is more than the %d batches each of"
                        + " the %d partitions has per epoch (%d training samples / %d / --batch-size %d)",
                        job.syncEvery(), batchesPerEpoch, parts, n, parts, fc.batchSize()));
            }
            roundsPerEpoch = (batchesPerEpoch + job.syncEvery() - 1) / job.syncEvery();
        }
        this.snapEvery = Math.max(1, roundsPerEpoch / 10);
        this.lrScale = gradients ? 1 : org.pcn4j.cli.DistributedTraining.lrScale(job.lrScale(), parts);
        this.table = Tables.get(job.fit().data().name());
        if (table != null) {
            if (gradients) {
                throw new PcnException("--sync gradients needs every row on every partition; a --dataset parquet:"
                        + " table is split over them (use --sync weights)");
            }
            this.source = Tables.shards(sc, table, fc.validation(), fc.seed(), parts);
        } else {
            List<Object> idx = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                idx.add(p);
            }
            this.source = sc.parallelize(idx, parts);
        }
    }

    /** What a round does on one partition's worker. */
    interface Work extends java.io.Serializable {
        Partial apply(Shard s);
    }

    /** Runs {@code work} on every partition's worker (built on first use) and collects the results. */
    List<Partial> round(Work work) {
        List<String> args = job.args();
        String run = runId;
        int n = parts;
        boolean g = gradients;
        String name = table == null ? null : table.name();
        int features = table == null ? 0 : table.features();
        int classes = table == null ? 0 : table.classes();
        float[] scales = job.fit().affine().scales();
        float[] offsets = job.fit().affine().offsets();
        return source.mapPartitionsWithIndex((Integer p, java.util.Iterator<Object> it) -> {
            Shard s = Shard.get(run, args, p, n, g, name == null ? null
                    : () -> Tables.shard(it, p, name, features, classes, scales, offsets));
            return List.of(work.apply(s)).iterator();
        }, true).collect();
    }

    float[][] weights() {
        float[][] w = new float[params.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = java.util.Arrays.copyOf(params.get(i).value(), params.get(i).length());
        }
        return w;
    }

    void setWeights(float[][] w) {
        for (int i = 0; i < w.length; i++) {
            System.arraycopy(w[i], 0, params.get(i).value(), 0, w[i].length);
        }
        weightsChanged();
    }

    /** Edges cache products per weight version: weights written from outside must bump it. */
    void weightsChanged() {
        for (Edge e : net.network().edges()) {
            e.weightsChanged();
        }
    }

    Snap snap(boolean withState) {
        return new Snap(weights(), withState ? trainer.weightOptimizer().saveState() : null, updates);
    }

    void restore(Snap s) {
        setWeights(s.weights());
        if (s.optimizer() != null) {
            trainer.weightOptimizer().restoreState(s.optimizer());
        }
        updates = s.updates();
    }

    FitResult run() {
        System.err.printf(Locale.ROOT, "pcn4j: spark %s, %d partitions, sync %s%n", job.master(), parts,
                gradients ? "gradients (every batch)" : "weights every " + job.syncEvery() + " local steps");
        // Progress is counted in rounds (a round is K local steps, or one batch in gradients mode).
        out.onStart(new FitListener.Start(job.fit().data(), trainer, roundsPerEpoch, job.evalInferenceSteps()));
        good = snap(true);
        recent = good;
        int epoch = 1;
        int skip = 0;
        if (job.resume() != null) {
            int[] at = SparkCheckpoints.restore(this, job.resume());
            epoch = at[0];
            skip = at[1];
        }
        for (; epoch <= fc.epochs() && stopReason == null; epoch++) {
            if (skip == 0) {
                ep = new Epoch();
                clean = true;
                rolledBackInEpoch = false;
                epochStart = snap(true);
            }
            out.onEpochStart(epoch, fc.epochs(), roundsPerEpoch);
            long e0 = System.nanoTime();
            for (int r = skip; r < roundsPerEpoch && stopReason == null; r++) {
                if (gradients) {
                    gradientRound(epoch, r);
                } else {
                    int first = r * job.syncEvery();
                    averagingRound(epoch, first, Math.min(job.syncEvery(), batchesPerEpoch - first));
                }
                if (stopReason == null && clean && fc.checkpointEvery() > 0
                        && updates - lastCheckpoint >= fc.checkpointEvery() && r + 1 < roundsPerEpoch) {
                    checkpoint(epoch, r + 1);
                }
            }
            skip = 0;
            if (diverged) {
                break; // an epoch cut short by a divergence is not evaluated or kept
            }
            if (ep.samples == 0 || epochDiverged(epoch)) {
                if (diverged) {
                    break;
                }
                continue;
            }
            endEpoch(epoch, (System.nanoTime() - e0) / 1e9);
        }
        // The network ends holding the kept model: the last clean epoch, the best one, or the initial one.
        if (kept != null && (keptEpoch != history.size() || diverged)) {
            setWeights(kept.weights());
        } else if (kept == null && diverged) {
            setWeights(good.weights());
        }
        FitResult r = new FitResult(history, events, keptEpoch, stopReason, diverged, trainer);
        out.onEnd(r);
        return r;
    }

    /** One exact step: every partition's gradient of its rows of batch b, summed; the driver steps. */
    void gradientRound(int epoch, int b) {
        long t0 = System.nanoTime();
        long start = updates;
        Broadcast<float[][]> w = sc.broadcast(weights());
        double scale = rateScale;
        List<Partial> rs = round(s -> s.gradient(epoch, b, w.value(), scale));
        w.destroy();
        long samples = samples(rs);
        String error = error(rs);
        if (error == null) {
            for (int i = 0; i < params.size(); i++) {
                float[] g = params.get(i).grad();
                java.util.Arrays.fill(g, 0f);
                for (Partial r : rs) {
                    if (r.tensors != null) {
                        float[] t = r.tensors[i];
                        for (int j = 0; j < t.length; j++) {
                            g[j] += t[j];
                        }
                    }
                }
                float inv = 1f / samples;
                for (int j = 0; j < g.length; j++) {
                    g[j] *= inv;
                }
            }
            // What Trainer.applyWeights does with the whole batch's gradient.
            if (tc.clipNorm() > 0 && !Double.isFinite(GradClip.clipGlobalNorm(params, tc.clipNorm()))) {
                error = "non-finite gradient";
            } else {
                trainer.weightOptimizer().step(params, rateScale * tc.schedule().rate(updates));
                weightsChanged();
                updates++;
            }
        }
        finishRound(rs, epoch, start, error, (System.nanoTime() - t0) / 1e9);
    }

    /** K local steps on every shard from the averaged weights and optimizer state, then the averages. */
    void averagingRound(int epoch, int first, int k) {
        long t0 = System.nanoTime();
        long start = updates;
        double[] rates = new double[k];
        for (int i = 0; i < k; i++) {
            // The P partitions together cover P batches per local step, as P single-machine updates would.
            rates[i] = rateScale * lrScale * tc.schedule().rate((updates + i) * parts);
        }
        OptimizerState st = trainer.weightOptimizer().saveState();
        Broadcast<float[][]> w = sc.broadcast(weights());
        Broadcast<LinkedHashMap<String, float[]>> oa = sc.broadcast(Partial.copy(st.arrays()));
        Broadcast<LinkedHashMap<String, Long>> oc = sc.broadcast(new LinkedHashMap<>(st.counters()));
        boolean fresh = updates == 0;
        double scale = rateScale;
        List<Partial> rs = round(s -> s.localSteps(epoch, first, rates, w.value(), fresh ? null : oa.value(),
                fresh ? null : oc.value(), scale));
        w.destroy();
        oa.destroy();
        oc.destroy();
        long samples = samples(rs);
        String error = error(rs);
        if (error == null) {
            for (int i = 0; i < params.size(); i++) {
                int ti = i;
                average(rs, r -> r.tensors[ti], params.get(i).value(), samples);
            }
            weightsChanged();
            // Optimizer moments are averaged with the same weights as the parameters (see docs/spark.md).
            Map<String, float[]> arrays = new LinkedHashMap<>();
            for (String key : rs.get(0).optimizerArrays.keySet()) {
                float[] a = new float[rs.get(0).optimizerArrays.get(key).length];
                average(rs, r -> r.optimizerArrays.get(key), a, samples, RMS_MOMENTS && key.startsWith("v."));
                arrays.put(key, a);
            }
            trainer.weightOptimizer().restoreState(new OptimizerState(arrays, rs.get(0).optimizerCounters));
            updates += rs.stream().mapToInt(r -> r.steps).max().orElse(0);
        }
        finishRound(rs, epoch, start, error, (System.nanoTime() - t0) / 1e9);
    }

    /** Experiment: Adam's second moments averaged as (mean of sqrt v)^2 instead of the mean of v. */
    static final boolean RMS_MOMENTS = "rms".equals(System.getProperty("pcn4j.spark.moments"));

    private static void average(List<Partial> rs, java.util.function.Function<Partial, float[]> get, float[] dst,
                                long samples) {
        average(rs, get, dst, samples, false);
    }

    /** The sample-weighted mean; with {@code rms} the square of the weighted mean of square roots. */
    private static void average(List<Partial> rs, java.util.function.Function<Partial, float[]> get, float[] dst,
                                long samples, boolean rms) {
        double[] acc = new double[dst.length];
        for (Partial r : rs) {
            float[] t = get.apply(r);
            double wgt = (double) r.samples / samples;
            for (int j = 0; j < t.length; j++) {
                acc[j] += wgt * (rms ? Math.sqrt(t[j]) : t[j]);
            }
        }
        for (int j = 0; j < dst.length; j++) {
            dst[j] = (float) (rms ? acc[j] * acc[j] : acc[j]);
        }
    }

    private static long samples(List<Partial> rs) {
        long samples = 0;
        for (Partial r : rs) {
            samples += r.samples;
        }
        if (samples == 0 && error(rs) == null) {
            throw new IllegalStateException("a round trained on no samples");
        }
        return samples;
    }

    private static String error(List<Partial> rs) {
        for (Partial r : rs) {
            if (r.error != null) {
                return r.error + " on partition " + r.partition;
            }
        }
        return null;
    }

    /** The round's sums, the guard's verdict and its action, and the progress report. */
    /** {@code start}: the update count before the round (an event names the round's first update, as Fit its batch's). */
    private void finishRound(List<Partial> rs, int epoch, long start, String error, double seconds) {
        long samples = 0;
        double loss = 0;
        double e0 = 0;
        double e1 = 0;
        long correct = 0;
        long slowest = 0;
        int steps = 0;
        Epoch round = new Epoch();
        for (Partial r : rs) {
            samples += r.samples;
            loss += r.lossSum;
            e0 += r.initialEnergySum;
            e1 += r.finalEnergySum;
            correct += r.correct;
            slowest = Math.max(slowest, r.computeNanos + r.setupNanos);
            ep.setup = Math.max(ep.setup, r.setupNanos / 1e9);
            steps = Math.max(steps, r.inferenceSteps);
            round.addTrace(r);
        }
        rounds++;
        ep.rounds++;
        // The round's wall time beyond the slowest partition's work (its training and, in its first
        // round, building its worker): scheduling, (de)serialization, averaging.
        double overhead = Math.max(0, seconds - slowest / 1e9);
        ep.overhead += overhead;
        syncSeconds += overhead;
        Trainer.StepResult step = new Trainer.StepResult(loss / samples, e0 / samples, e1 / samples, steps, (int) correct);
        DivergenceGuard.Finding f = error != null ? new DivergenceGuard.Finding("?", Double.NaN, error)
                : guard.check(step, round.traceRows(), trainer.tracedNodes());
        if (f != null) {
            FitConfig.OnDivergence action = fc.onDivergence();
            if (action == FitConfig.OnDivergence.ROLLBACK && rollbacks >= fc.maxRollbacks()) {
                action = FitConfig.OnDivergence.STOP;
            } else if (action == FitConfig.OnDivergence.IGNORE && !Double.isFinite(f.value())) {
                action = FitConfig.OnDivergence.STOP;
            }
            if (action == FitConfig.OnDivergence.ROLLBACK) {
                rollbacks++;
                rolledBackInEpoch = true;
                rateScale *= fc.rateDecay();
                restore(good);
                recent = good;
            }
            DivergenceEvent ev = new DivergenceEvent(epoch, ep.rounds, start + 1, f.node(), f.value(), f.reason(), action.id(),
                    rateScale);
            events.add(ev);
            records.add(ev.toMetrics());
            out.onDivergence(ev);
            if (action == FitConfig.OnDivergence.STOP) {
                stopReason = "diverged in epoch " + epoch + ", round " + ep.rounds
                        + (rollbacks > 0 ? " after " + rollbacks + " rollbacks" : "");
                diverged = true;
                return;
            }
            if (action == FitConfig.OnDivergence.ROLLBACK) {
                return;
            }
            clean = false;
            guard.rebase(step); // one jump is one event, not one per round
        } else {
            guard.accept(step);
        }
        ep.samples += samples;
        ep.loss += loss;
        ep.energy += e1;
        ep.correct += correct;
        ep.add(round);
        if (clean && ep.rounds % snapEvery == 0) {
            // Instability builds up before it shows: roll back past the latest stretch, not into it.
            good = recent;
            recent = snap(true);
        }
        out.onBatch(new FitListener.Batch(epoch, fc.epochs(), ep.rounds, roundsPerEpoch, updates, ep.loss / ep.samples,
                step));
        if (fc.maxSteps() > 0 && updates >= fc.maxSteps()) {
            stopReason = "reached max-steps " + fc.maxSteps();
        }
    }

    /** A slow blow-up no single round shows (as in Fit): the epoch is rolled back, or the run stops. */
    private boolean epochDiverged(int epoch) {
        double mean = ep.loss / ep.samples;
        if (!clean || rolledBackInEpoch || !(mean > EPOCH_FACTOR * bestTrainLoss)) {
            return false;
        }
        FitConfig.OnDivergence action = fc.onDivergence();
        if (action == FitConfig.OnDivergence.ROLLBACK && rollbacks >= fc.maxRollbacks()) {
            action = FitConfig.OnDivergence.STOP;
        }
        if (action == FitConfig.OnDivergence.ROLLBACK) {
            rollbacks++;
            rateScale *= fc.rateDecay();
            restore(epochStart);
            good = epochStart;
            recent = epochStart;
        }
        DivergenceEvent ev = new DivergenceEvent(epoch, ep.rounds, updates, "(all)", mean, String.format(Locale.ROOT,
                "epoch mean loss above %.0fx the best epoch's %.4g:", EPOCH_FACTOR, bestTrainLoss), action.id(), rateScale);
        events.add(ev);
        records.add(ev.toMetrics());
        out.onDivergence(ev);
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

    private void endEpoch(int epoch, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("train_loss", ep.loss / ep.samples);
        m.put("train_energy", ep.energy / ep.samples);
        if (!generative) {
            m.put("train_accuracy", (double) ep.correct / ep.samples);
        }
        Node image = generative ? net.output() : null;
        Node label = generative ? net.input() : null;
        int steps = job.evalInferenceSteps();
        Evaluation.Predictor predictor = generative ? Evaluation.generative(trainer, image, label, steps)
                : Evaluation.discriminative(trainer, steps);
        double score = Double.NaN;
        if (job.fit().data().validation() != null) {
            double acc = Evaluation.accuracy(job.fit().data().validation(), job.fit().affine(), predictor);
            m.put("validation_accuracy", acc);
            score = acc;
            if (generative) {
                double ve = Evaluation.generativeEnergy(job.fit().data().validation(), job.fit().affine(), trainer, image,
                        label, steps);
                m.put("validation_energy", ve);
                score = -ve;
            }
        }
        Dataset test = job.fit().data().hasTest() ? job.fit().data().test() : null;
        if (test != null) {
            m.put("test_accuracy", Evaluation.accuracy(test, job.fit().affine(), predictor));
        }
        m.put("epoch_seconds", seconds);
        m.put("samples_per_second", ep.samples / seconds);
        m.put("updates", updates);
        m.put("lr", rateScale * lrScale * tc.schedule().rate(Math.max(0, gradients ? updates - 1 : (updates - 1) * parts)));
        m.put("inference_energy", ep.traceMean(trainer.tracedNodes()));
        m.put("spark_partitions", parts);
        m.put("spark_rounds", ep.rounds);
        m.put("spark_sync_seconds", ep.overhead);
        m.put("spark_setup_seconds", ep.setup);
        history.add(m);
        records.add(m);
        if (clean) {
            bestTrainLoss = Math.min(bestTrainLoss, ep.loss / ep.samples);
        }
        boolean keep = clean && (fc.keep() == FitConfig.Keep.LAST || score > bestScore);
        if (keep) {
            bestScore = score;
            kept = snap(false);
            keptEpoch = epoch;
        }
        if (clean) {
            good = recent;
            recent = snap(true);
        }
        out.onEpoch(new EpochReport(epoch, m, clean, keep));
        if (clean && stopReason == null) {
            checkpoint(epoch + 1, 0); // (after the last epoch too, as in Fit: resuming it has nothing left to do)
        }
    }

    /** Hands a checkpoint to the listeners; it is also the rollback point from now on (as in Fit). */
    void checkpoint(int epoch, int roundsDone) {
        lastCheckpoint = updates;
        good = snap(true);
        recent = good;
        epochStart = good;
        out.onCheckpoint(SparkCheckpoints.make(this, epoch, roundsDone));
    }

    /** An epoch's (or a round's) sums. */
    static final class Epoch {
        long samples;
        double loss;
        double energy;
        long correct;
        int rounds;
        double overhead;
        double setup;
        final List<double[]> traceSums = new ArrayList<>();
        final List<Integer> traceCounts = new ArrayList<>();

        void addTrace(Partial r) {
            for (int t = 0; t < r.traceSums.length; t++) {
                add(t, r.traceSums[t], r.traceCounts[t]);
            }
        }

        void add(Epoch round) {
            for (int t = 0; t < round.traceSums.size(); t++) {
                add(t, round.traceSums.get(t), round.traceCounts.get(t));
            }
        }

        void add(int t, double[] sums, int count) {
            if (traceSums.size() <= t) {
                traceSums.add(new double[sums.length]);
                traceCounts.add(0);
            }
            double[] s = traceSums.get(t);
            for (int i = 0; i < s.length; i++) {
                s[i] += sums[i];
            }
            traceCounts.set(t, traceCounts.get(t) + count);
        }

        /** The mean energy rows per inference step, as the guard reads a batch's trace. */
        List<double[]> traceRows() {
            List<double[]> rows = new ArrayList<>();
            for (int t = 0; t < traceSums.size(); t++) {
                double[] v = traceSums.get(t).clone();
                for (int i = 0; i < v.length; i++) {
                    v[i] /= Math.max(1, traceCounts.get(t));
                }
                rows.add(v);
            }
            return rows;
        }

        /** As metrics.jsonl's inference_energy: {"total": [per step], "x1": [per step], ...}. */
        Map<String, Object> traceMean(List<Node> nodes) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i <= nodes.size(); i++) {
                double[] v = new double[traceSums.size()];
                for (int t = 0; t < v.length; t++) {
                    v[t] = i < traceSums.get(t).length ? traceSums.get(t)[i] / traceCounts.get(t) : Double.NaN;
                }
                m.put(i == 0 ? "total" : nodes.get(i - 1).name(), v);
            }
            return m;
        }
    }

    /** For SparkCheckpoints: the kept model's weights as a list, or null. */
    List<float[]> keptList() {
        return kept == null ? null : List.of(kept.weights());
    }
}
