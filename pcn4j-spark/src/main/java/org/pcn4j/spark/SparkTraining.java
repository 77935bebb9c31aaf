package org.pcn4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.pcn4j.PcnException;
import org.pcn4j.cli.DistributedTraining;
import org.pcn4j.data.Dataset;
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
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * The driver of a Spark run, found by the cli through {@link DistributedTraining}. It keeps the
 * model's authoritative weights in a {@link Trainer} over the cli's own network (so evaluation,
 * the run folder and the plots are the local run's), and runs rounds over one RDD of partition
 * indices, each partition's work done by its {@link Shard}:
 * <ul>
 * <li>{@code gradients}: one round per batch of the single-machine run; each partition computes
 *     the gradient of its rows, the driver sums them, divides by the batch size and takes the
 *     optimizer step itself (with the run's clipping and schedule): the single-machine training,
 *     up to float rounding in the batch sums;</li>
 * <li>{@code weights}: each partition trains on its own shard for K local steps from the averaged
 *     weights and optimizer state, then both are averaged, weighted by the samples each trained on.</li>
 * </ul>
 * Not supported (one-line errors in the cli): checkpoints and --resume; a divergence stops the run.
 */
public final class SparkTraining implements DistributedTraining {

    @Override
    public FitResult run(Job job) {
        Masters.check(job.master());
        boolean gradients = job.sync().equals("gradients");
        JavaSparkContext sc = context(job.master());
        if (!job.master().startsWith("local")) {
            awaitExecutors(sc, job.master());
        }
        int parts = sc.defaultParallelism();
        String runId = UUID.randomUUID().toString();
        if (gradients && job.trainConfig().algorithm() == org.pcn4j.train.Algorithm.IPC) {
            throw new PcnException("--sync gradients needs a rule that updates the weights once per batch;"
                    + " --algorithm ipc updates them at every inference step (use --sync weights)");
        }
        try {
            return new Driver(job, sc, parts, runId, gradients).run();
        } catch (RuntimeException e) {
            throw explain(e, job.master(), sc);
        } finally {
            Shard.forget(runId);
            if (!job.master().startsWith("local[") && !job.master().equals("local")) {
                // Executor JVMs are released now, not by a shutdown hook racing the workers at exit.
                sc.stop();
            }
        }
    }

    /** A task's own one-line error (thrown on an executor, wrapped by Spark), or what stopped Spark. */
    static RuntimeException explain(RuntimeException e, String master, JavaSparkContext sc) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PcnException) {
                return (PcnException) t;
            }
        }
        if (sc.sc().isStopped()) {
            return new PcnException("--spark " + master + ": Spark stopped the application (" + e.getMessage()
                    + "); see Spark's log above");
        }
        return e;
    }

    /** The jars (or folders) holding pcn4j-spark, pcn4j-cli and pcn4j-core, comma-separated. */
    static String ownJars() {
        java.util.LinkedHashSet<String> jars = new java.util.LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {SparkTraining.class, org.pcn4j.cli.Main.class, PcnException.class}) {
            java.security.CodeSource cs = c.getProtectionDomain().getCodeSource();
            if (cs != null && cs.getLocation() != null) {
                try {
                    jars.add(java.nio.file.Paths.get(cs.getLocation().toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    jars.add(cs.getLocation().toString());
                }
            }
        }
        return String.join(",", jars);
    }

    /** Seconds to wait for a cluster's first executor before giving up with a one-line error. */
    static final int EXECUTOR_WAIT_SECONDS = Integer.getInteger("pcn4j.spark.executorWait", 15);

    /**
     * A cluster master that accepts the connection but never gives executors (not a Spark master,
     * no free workers) would leave the run waiting or fail deep inside Spark: wait a bounded time.
     */
    static void awaitExecutors(JavaSparkContext sc, String master) {
        long deadline = System.nanoTime() + EXECUTOR_WAIT_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (sc.sc().isStopped()) {
                throw new PcnException("--spark " + master + ": Spark stopped while connecting (is it a Spark master?)");
            }
            // The driver counts as one; any more is an executor.
            if (sc.statusTracker().getExecutorInfos().length > 1) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        sc.stop();
        throw new PcnException("--spark " + master + ": no executor registered within " + EXECUTOR_WAIT_SECONDS
                + " s (is it a Spark master with free workers? -Dpcn4j.spark.executorWait=SECONDS waits longer)");
    }

    /** One SparkContext per JVM: reused when one runs (tests train several times in one JVM). */
    static synchronized JavaSparkContext context(String master) {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "org/pcn4j/spark/log4j2.properties");
        }
        SparkConf conf = new SparkConf().setAppName("pcn4j train").setMaster(master)
                .setIfMissing("spark.ui.enabled", "false")
                // Executor JVMs need the Vector API too (the kernels fall back to scalar code without it).
                .setIfMissing("spark.executor.extraJavaOptions", "--add-modules=jdk.incubator.vector");
        boolean inProcess = master.equals("local") || master.startsWith("local[");
        if (!inProcess) {
            // Executors in other JVMs need pcn4j's classes: the jars this driver runs from (spark-submit sets its own).
            conf.setIfMissing("spark.jars", ownJars());
        }
        if ((inProcess || master.startsWith("local-cluster")) && System.getenv("SPARK_LOCAL_IP") == null) {
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        org.apache.spark.SparkContext ctx = org.apache.spark.SparkContext.getOrCreate(conf);
        if (!ctx.master().equals(master)) {
            throw new PcnException("--spark " + master + ": this JVM already runs a SparkContext on " + ctx.master()
                    + " (one per JVM)");
        }
        current = ctx;
        return JavaSparkContext.fromSparkContext(ctx);
    }

    private static org.apache.spark.SparkContext current;

    /** Stops the context the runs of this JVM share, if one is up (tests, before the JVM exits). */
    static synchronized void stopContext() {
        if (current != null && !current.isStopped()) {
            current.stop();
        }
        current = null;
    }

    /** One run's driver state. */
    private static final class Driver {
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
        final JavaRDD<Integer> partitions;
        final int batchesPerEpoch;
        final List<Map<String, Object>> history = new ArrayList<>();
        long updates;
        double syncSeconds;
        long rounds;
        String stopReason;

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
            List<Integer> idx = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                idx.add(p);
            }
            this.partitions = sc.parallelize(idx, parts);
            int n = job.fit().data().train().size();
            if (gradients) {
                batchesPerEpoch = job.fit().batchesPerEpoch();
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
            }
        }

        float[][] weights() {
            float[][] w = new float[params.size()][];
            for (int i = 0; i < w.length; i++) {
                w[i] = java.util.Arrays.copyOf(params.get(i).value(), params.get(i).length());
            }
            return w;
        }

        void weightsChanged() {
            for (Edge e : net.network().edges()) {
                e.weightsChanged();
            }
        }

        FitResult run() {
            System.err.printf(Locale.ROOT, "pcn4j: spark %s, %d partitions, sync %s%n", job.master(), parts,
                    gradients ? "gradients (every batch)" : "weights every " + job.syncEvery() + " local steps");
            out.onStart(new FitListener.Start(job.fit().data(), trainer, batchesPerEpoch, job.evalInferenceSteps()));
            float[][] kept = null;
            int keptEpoch = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int epoch = 1; epoch <= fc.epochs() && stopReason == null; epoch++) {
                out.onEpochStart(epoch, fc.epochs(), batchesPerEpoch);
                Epoch ep = new Epoch();
                long e0 = System.nanoTime();
                if (gradients) {
                    for (int b = 0; b < batchesPerEpoch && stopReason == null; b++) {
                        gradientRound(epoch, b, ep);
                    }
                } else {
                    for (int first = 0; first < batchesPerEpoch && stopReason == null; first += job.syncEvery()) {
                        averagingRound(epoch, first, Math.min(job.syncEvery(), batchesPerEpoch - first), ep);
                    }
                }
                Map<String, Object> m = endEpoch(epoch, ep, (System.nanoTime() - e0) / 1e9);
                double score = m.containsKey("validation_energy") ? -(double) m.get("validation_energy")
                        : m.containsKey("validation_accuracy") ? (double) m.get("validation_accuracy") : Double.NaN;
                boolean keep = fc.keep() == FitConfig.Keep.LAST || score > bestScore;
                if (keep) {
                    bestScore = score;
                    kept = weights();
                    keptEpoch = epoch;
                }
                out.onEpoch(new EpochReport(epoch, m, true, keep));
            }
            if (kept != null && keptEpoch != history.size()) {
                for (int i = 0; i < kept.length; i++) {
                    System.arraycopy(kept[i], 0, params.get(i).value(), 0, kept[i].length);
                }
                weightsChanged();
            }
            FitResult r = new FitResult(history, List.of(), keptEpoch, stopReason, false, trainer);
            out.onEnd(r);
            return r;
        }

        /** One exact step: every partition's gradient of its rows of batch b, summed; the driver steps. */
        void gradientRound(int epoch, int b, Epoch ep) {
            long t0 = System.nanoTime();
            Broadcast<float[][]> w = sc.broadcast(weights());
            List<String> args = job.args();
            String run = runId;
            int n = parts;
            List<Partial> rs = partitions.map(p -> Shard.get(run, args, p, n, true).gradient(epoch, b, w.value())).collect();
            w.destroy();
            long samples = check(rs, epoch);
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
                throw new PcnException("training diverged in epoch " + epoch + ": non-finite gradient (try a smaller --lr)");
            }
            trainer.weightOptimizer().step(params, tc.schedule().rate(updates));
            weightsChanged();
            updates++;
            finishRound(rs, ep, epoch, (System.nanoTime() - t0) / 1e9);
        }

        /** K local steps on every shard from the averaged weights and optimizer state, then the averages. */
        void averagingRound(int epoch, int first, int k, Epoch ep) {
            long t0 = System.nanoTime();
            double[] rates = new double[k];
            for (int i = 0; i < k; i++) {
                // The P partitions together cover P batches per local step, as P single-machine updates would.
                rates[i] = tc.schedule().rate((updates + i) * parts);
            }
            OptimizerState st = trainer.weightOptimizer().saveState();
            Broadcast<float[][]> w = sc.broadcast(weights());
            Broadcast<LinkedHashMap<String, float[]>> oa = sc.broadcast(Partial.copy(st.arrays()));
            Broadcast<LinkedHashMap<String, Long>> oc = sc.broadcast(new LinkedHashMap<>(st.counters()));
            List<String> args = job.args();
            String run = runId;
            int n = parts;
            boolean fresh = updates == 0;
            List<Partial> rs = partitions.map(p -> Shard.get(run, args, p, n, false).localSteps(epoch, first, rates,
                    w.value(), fresh ? null : oa.value(), fresh ? null : oc.value())).collect();
            w.destroy();
            oa.destroy();
            oc.destroy();
            long samples = check(rs, epoch);
            for (int i = 0; i < params.size(); i++) {
                int ti = i;
                average(rs, r -> r.tensors[ti], params.get(i).value(), samples);
            }
            weightsChanged();
            // Optimizer moments are averaged with the same weights as the parameters (see docs/spark.md).
            Map<String, float[]> arrays = new LinkedHashMap<>();
            for (String key : rs.get(0).optimizerArrays.keySet()) {
                float[] a = new float[rs.get(0).optimizerArrays.get(key).length];
                average(rs, r -> r.optimizerArrays.get(key), a, samples);
                arrays.put(key, a);
            }
            trainer.weightOptimizer().restoreState(new OptimizerState(arrays, rs.get(0).optimizerCounters));
            updates += rs.stream().mapToInt(r -> r.steps).max().orElse(0);
            finishRound(rs, ep, epoch, (System.nanoTime() - t0) / 1e9);
        }

        private void average(List<Partial> rs, java.util.function.Function<Partial, float[]> get, float[] dst, long samples) {
            double[] acc = new double[dst.length];
            for (Partial r : rs) {
                float[] t = get.apply(r);
                double wgt = (double) r.samples / samples;
                for (int j = 0; j < t.length; j++) {
                    acc[j] += wgt * t[j];
                }
            }
            for (int j = 0; j < dst.length; j++) {
                dst[j] = (float) acc[j];
            }
        }

        private long check(List<Partial> rs, int epoch) {
            long samples = 0;
            for (Partial r : rs) {
                if (r.error != null) {
                    throw new PcnException("training diverged in epoch " + epoch + " on partition " + r.partition + ": "
                            + r.error + " (try a smaller --state-lr or --lr)");
                }
                samples += r.samples;
            }
            if (samples == 0) {
                throw new IllegalStateException("a round trained on no samples");
            }
            return samples;
        }

        private void finishRound(List<Partial> rs, Epoch ep, int epoch, double seconds) {
            long samples = 0;
            double loss = 0;
            double e0 = 0;
            double e1 = 0;
            long correct = 0;
            long slowest = 0;
            int steps = 0;
            for (Partial r : rs) {
                samples += r.samples;
                loss += r.lossSum;
                e0 += r.initialEnergySum;
                e1 += r.finalEnergySum;
                correct += r.correct;
                slowest = Math.max(slowest, r.computeNanos + r.setupNanos);
                ep.setup = Math.max(ep.setup, r.setupNanos / 1e9);
                steps = Math.max(steps, r.inferenceSteps);
                ep.addTrace(r);
            }
            ep.samples += samples;
            ep.loss += loss;
            ep.energy += e1;
            ep.correct += correct;
            rounds++;
            // The round's wall time beyond the slowest partition's work (its training and, in its first
            // round, building its worker): scheduling, (de)serialization, averaging.
            double overhead = Math.max(0, seconds - slowest / 1e9);
            ep.overhead += overhead;
            syncSeconds += overhead;
            ep.rounds++;
            out.onBatch(new FitListener.Batch(epoch, fc.epochs(), ep.rounds, batchesPerEpoch, updates, ep.loss / ep.samples,
                    new Trainer.StepResult(loss / samples, e0 / samples, e1 / samples, steps, (int) correct)));
            if (fc.maxSteps() > 0 && updates >= fc.maxSteps()) {
                stopReason = "reached max-steps " + fc.maxSteps();
            }
        }

        private Map<String, Object> endEpoch(int epoch, Epoch ep, double seconds) {
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
            if (job.fit().data().validation() != null) {
                m.put("validation_accuracy", Evaluation.accuracy(job.fit().data().validation(), job.fit().affine(), predictor));
                if (generative) {
                    m.put("validation_energy", Evaluation.generativeEnergy(job.fit().data().validation(), job.fit().affine(),
                            trainer, image, label, steps));
                }
            }
            Dataset test = job.fit().data().hasTest() ? job.fit().data().test() : null;
            if (test != null) {
                m.put("test_accuracy", Evaluation.accuracy(test, job.fit().affine(), predictor));
            }
            m.put("epoch_seconds", seconds);
            m.put("samples_per_second", ep.samples / seconds);
            m.put("updates", updates);
            m.put("lr", tc.schedule().rate(Math.max(0, gradients ? updates - 1 : (updates - 1) * parts)));
            m.put("inference_energy", ep.traceMean(trainer.tracedNodes()));
            m.put("spark_partitions", parts);
            m.put("spark_rounds", ep.rounds);
            m.put("spark_sync_seconds", ep.overhead);
            m.put("spark_setup_seconds", ep.setup);
            history.add(m);
            return m;
        }
    }

    /** An epoch's sums. */
    private static final class Epoch {
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
                if (traceSums.size() <= t) {
                    traceSums.add(new double[r.traceSums[t].length]);
                    traceCounts.add(0);
                }
                double[] s = traceSums.get(t);
                for (int i = 0; i < s.length; i++) {
                    s[i] += r.traceSums[t][i];
                }
                traceCounts.set(t, traceCounts.get(t) + r.traceCounts[t]);
            }
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
}
