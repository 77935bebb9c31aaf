package org.pcn4j.spark;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.pcn4j.cli.DistributedTraining;
import org.pcn4j.data.Batches;
import org.pcn4j.data.Dataset;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.model.DivergenceException;
import org.pcn4j.model.Edge;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.OptimizerState;
import org.pcn4j.optim.Param;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/**
 * One partition's worker, kept per executor JVM between rounds (a static cache keyed by run and
 * partition). It rebuilds the run's setup from the train arguments (the same data, validation
 * hold-out, normalization and model as the driver's) and holds nothing the driver cannot send
 * again: every round brings the weights (and in averaging mode the optimizer state) and names the
 * batches, so a worker lost with its executor is rebuilt where the task lands, with the same result.
 */
final class Shard {
    private static final Map<String, Shard> CACHE = new ConcurrentHashMap<>();

    private Trainer trainer;
    private final TrainConfig tc;
    private final org.pcn4j.model.PcModel net;
    /** The factor on the state (and weight) rates after rollbacks, as the driver sent it last. */
    private double rateScale = 1;
    private final Batches batches;
    private final boolean generative;
    private final boolean gradients;
    private final int partition;
    private final int partitions;
    /** The weight rate of the next local step (averaging mode), set from the driver's schedule. */
    private volatile double rate;
    private int epoch = -1;
    private int consumed;

    private Shard(List<String> args, int partition, int partitions, boolean gradients, DistributedTraining.ShardData rows) {
        DistributedTraining.Worker w = DistributedTraining.worker(args, rows);
        FitConfig fc = w.fitConfig();
        Dataset train = w.fit().data().train();
        this.partition = partition;
        this.partitions = partitions;
        this.gradients = gradients;
        this.generative = fc.task() == FitConfig.Task.GENERATE;
        TrainConfig base = w.trainConfig();
        TrainConfig tc;
        if (gradients) {
            // The same batches as the single-machine run; this partition takes its rows of each.
            // Plain SGD at rate 0 and no clipping leave the gradients as computed (the driver steps).
            batches = new Batches(train, w.fit().affine(), fc.batchSize(), fc.shuffle(), fc.seed()).augment(fc.augment());
            tc = base.toBuilder().optimizer(OptimizerConfig.sgd(0)).schedule(step -> 0).clipNorm(0).build();
        } else {
            // Averaging: a strided shard (sample i goes to partition i mod P), its own shuffle seed.
            // A table's partition arrives as that shard already (Tables.shards).
            Dataset shard = train;
            if (rows == null) {
                int n = (train.size() - partition + partitions - 1) / partitions;
                int[] idx = new int[n];
                for (int k = 0; k < n; k++) {
                    idx[k] = partition + k * partitions;
                }
                shard = train.subset(train.name() + "-part" + partition, idx);
            }
            batches = new Batches(shard, w.fit().affine(), fc.batchSize(), fc.shuffle(), fc.seed() + 1_000_003L * partition)
                    .augment(fc.augment());
            tc = base.toBuilder().schedule(step -> rate).build();
        }
        this.tc = tc;
        this.net = w.net();
        trainer = newTrainer();
    }

    /** A trainer with a fresh optimizer and the state rate lowered by {@link #rateScale}. */
    private Trainer newTrainer() {
        org.pcn4j.train.InferenceConfig i = tc.inference();
        TrainConfig c = rateScale == 1 ? tc : tc.toBuilder().inference(i.toBuilder().lr(i.lr() * rateScale).build()).build();
        return new Trainer(net.network(), net.input(), net.output(), c);
    }

    /** After a rollback on the driver the state rate is lower: a new trainer (the driver sends the optimizer state). */
    private void scale(double s, boolean fresh) {
        if (s != rateScale || fresh) {
            rateScale = s;
            trainer = newTrainer();
        }
    }

    /** {@code rows}: the partition's own rows (a table), or null to read the dataset named in {@code args}. */
    static Shard get(String run, List<String> args, int partition, int partitions, boolean gradients,
                     java.util.function.Supplier<DistributedTraining.ShardData> rows) {
        // Workers of earlier runs in this JVM are dropped (a run id is used by one run only).
        CACHE.keySet().removeIf(k -> !k.startsWith(run + "/"));
        return CACHE.computeIfAbsent(run + "/" + partition, k -> {
            long t0 = System.nanoTime();
            Shard s = new Shard(args, partition, partitions, gradients, rows == null ? null : rows.get());
            s.setupNanos = System.nanoTime() - t0;
            return s;
        });
    }

    /** Time spent building this worker (data, model), reported once with its next round. */
    private long setupNanos;

    private Partial partial() {
        Partial out = new Partial();
        out.partition = partition;
        out.setupNanos = setupNanos;
        setupNanos = 0;
        return out;
    }

    /** Forgets this run's workers (called on the driver at the end; executors drop them with the next run). */
    static void forget(String run) {
        CACHE.keySet().removeIf(k -> k.startsWith(run + "/"));
    }

    /** Positions the batches on batch {@code b} (0-based) of epoch {@code e} (1-based); false past the end. */
    private boolean seek(int e, int b) {
        if (epoch != e || consumed > b) {
            batches.startEpoch(e - 1);
            epoch = e;
            consumed = 0;
        }
        while (consumed < b) {
            if (!batches.next()) {
                return false;
            }
            consumed++;
        }
        consumed++;
        return batches.next();
    }

    private void setWeights(float[][] w) {
        // In local mode a broadcast value is the driver's own array: copy it, never write into it.
        List<Param> ps = trainer.weightParams();
        for (int i = 0; i < ps.size(); i++) {
            System.arraycopy(w[i], 0, ps.get(i).value(), 0, ps.get(i).length());
        }
        for (Edge e : trainer.network().edges()) {
            e.weightsChanged();
        }
    }

    private Trainer.StepResult step(float[] x, float[] y, int n, Partial out) {
        long t0 = System.nanoTime();
        try {
            Trainer.StepResult s = generative ? trainer.step(y, x, n) : trainer.step(x, y, n);
            out.addTrace(trainer.energyTrace());
            out.lossSum += s.loss() * n;
            out.initialEnergySum += s.initialEnergy() * n;
            out.finalEnergySum += s.finalEnergy() * n;
            out.correct += s.correct();
            out.samples += n;
            out.steps++;
            out.inferenceSteps = s.inferenceSteps();
            if (!Double.isFinite(s.loss()) || !Double.isFinite(s.finalEnergy())) {
                out.error = "non-finite loss or energy";
            }
            return s;
        } catch (DivergenceException d) {
            out.error = d.getMessage();
            return null;
        } finally {
            out.computeNanos += System.nanoTime() - t0;
        }
    }

    /** Gradient mode: this partition's rows of batch {@code b} of epoch {@code e}; tensors = gradient x rows. */
    Partial gradient(int e, int b, float[][] weights, double scale) {
        Partial out = partial();
        scale(scale, false);
        setWeights(weights);
        if (!seek(e, b)) {
            throw new IllegalStateException("epoch " + e + " has no batch " + b);
        }
        int size = batches.size();
        int lo = (int) ((long) partition * size / partitions);
        int hi = (int) ((long) (partition + 1) * size / partitions);
        int n = hi - lo;
        if (n == 0) {
            return out; // a batch smaller than the partition count: nothing for this one
        }
        float[] x = batches.x();
        float[] y = batches.oneHot();
        int fx = x.length / size;
        int fy = y.length / size;
        float[] xs = java.util.Arrays.copyOfRange(x, lo * fx, hi * fx);
        float[] ys = java.util.Arrays.copyOfRange(y, lo * fy, hi * fy);
        long u0 = trainer.updates();
        if (step(xs, ys, n, out) == null || out.error != null) {
            return out;
        }
        if (trainer.updates() - u0 != 1) {
            throw new org.pcn4j.PcnException("--sync gradients needs a rule that updates the weights once per batch;"
                    + " --algorithm " + trainer.config().algorithm().id() + " made " + (trainer.updates() - u0)
                    + " (use --sync weights)");
        }
        List<Param> ps = trainer.weightParams();
        out.tensors = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            float[] g = java.util.Arrays.copyOf(ps.get(i).grad(), ps.get(i).length());
            for (int j = 0; j < g.length; j++) {
                g[j] *= n; // batch mean over n rows -> sum, so the driver divides by the whole batch
            }
            out.tensors[i] = g;
        }
        return out;
    }

    /**
     * Averaging mode: local batches {@code [first, first + rates.length)} of epoch {@code e} from
     * the given weights and optimizer state; tensors = the weights after them.
     */
    Partial localSteps(int e, int first, double[] rates, float[][] weights, Map<String, float[]> optArrays,
                       Map<String, Long> optCounters, double scale) {
        Partial out = partial();
        // No optimizer state from the driver: the run's first round (or a rollback to it): a fresh optimizer.
        scale(scale, optArrays == null);
        setWeights(weights);
        if (optArrays != null) {
            Map<String, float[]> arrays = optArrays;
            if (LOCAL_SECOND_MOMENTS && ownSecondMoments != null) {
                arrays = new java.util.LinkedHashMap<>(optArrays);
                arrays.putAll(ownSecondMoments);
            }
            // restoreState copies, so the broadcast arrays stay untouched.
            trainer.weightOptimizer().restoreState(new OptimizerState(arrays, optCounters));
        }
        for (int i = 0; i < rates.length && out.error == null; i++) {
            if (!seek(e, first + i)) {
                break;
            }
            rate = rates[i];
            step(batches.x(), batches.oneHot(), batches.size(), out);
        }
        List<Param> ps = trainer.weightParams();
        out.tensors = new float[ps.size()][];
        for (int i = 0; i < ps.size(); i++) {
            out.tensors[i] = java.util.Arrays.copyOf(ps.get(i).value(), ps.get(i).length());
        }
        OptimizerState st = trainer.weightOptimizer().saveState();
        out.optimizerArrays = Partial.copy(st.arrays());
        out.optimizerCounters = new java.util.LinkedHashMap<>(st.counters());
        if (LOCAL_SECOND_MOMENTS) {
            ownSecondMoments = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, float[]> a : out.optimizerArrays.entrySet()) {
                if (a.getKey().startsWith("v.")) {
                    ownSecondMoments.put(a.getKey(), a.getValue().clone());
                }
            }
        }
        return out;
    }

    /**
     * Experiment (-Dpcn4j.spark.moments=local, in-process masters only; not in checkpoints): each
     * worker keeps its own Adam second moments between rounds instead of the averaged ones.
     */
    static final boolean LOCAL_SECOND_MOMENTS = "local".equals(System.getProperty("pcn4j.spark.moments"));
    private Map<String, float[]> ownSecondMoments;
}
