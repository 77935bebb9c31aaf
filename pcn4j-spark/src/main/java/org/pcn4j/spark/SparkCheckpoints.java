package org.pcn4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.fit.Checkpoint;

/**
 * A Spark run's checkpoints, in the single-machine run's file (checkpoint.safetensors, written by
 * the cli's run-folder listener) with the driver's own position: the epoch and the rounds of it
 * done, the update count, the rate scale and rollbacks, the kept model, the guard's reference and
 * the epoch's partial sums. Checkpoints fall on round boundaries, where the driver holds the whole
 * state (the workers keep nothing between rounds that the next round does not send), so a resumed
 * run continues exactly as the uninterrupted one. The partition count, --sync and --sync-every
 * must be the same (the shards and the rounds depend on them).
 */
final class SparkCheckpoints {
    private SparkCheckpoints() {}

    static Checkpoint make(Driver d, int epoch, int roundsDone) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(Driver.SPARK_KEY, d.gradients ? "gradients" : "weights");
        s.put("spark_sync_every", d.gradients ? 1 : d.job.syncEvery());
        s.put("spark_partitions", d.parts);
        s.put("spark_lr_scale", d.lrScale);
        s.put("epochs_done", epoch - 1);
        s.put("epoch", epoch);
        s.put("rounds_done", roundsDone);
        s.put("updates", d.updates);
        s.put("rate_scale", d.rateScale);
        s.put("rollbacks", d.rollbacks);
        s.put("kept_epoch", d.keptEpoch);
        s.put("best_score", d.bestScore);
        s.put("best_train_loss", d.bestTrainLoss);
        s.put("rolled_back_in_epoch", roundsDone > 0 && d.rolledBackInEpoch);
        double[] g = d.guard.state();
        s.put("ref_energy", g[0]);
        s.put("ref_loss", g[1]);
        s.put("good_batches", (long) g[2]);
        Driver.Epoch ep = roundsDone == 0 ? new Driver.Epoch() : d.ep;
        s.put("samples", ep.samples);
        s.put("loss_sum", ep.loss);
        s.put("energy_sum", ep.energy);
        s.put("correct", ep.correct);
        s.put("epoch_rounds", ep.rounds);
        s.put("overhead", ep.overhead);
        s.put("setup", ep.setup);
        // Trace sums, flattened: steps, width, then each step's sums and count.
        List<Double> t = new ArrayList<>();
        int width = ep.traceSums.isEmpty() ? 0 : ep.traceSums.get(0).length;
        t.add((double) ep.traceSums.size());
        t.add((double) width);
        for (int k = 0; k < ep.traceSums.size(); k++) {
            for (double v : ep.traceSums.get(k)) {
                t.add(v);
            }
            t.add((double) ep.traceCounts.get(k));
        }
        double[] trace = t.stream().mapToDouble(Double::doubleValue).toArray();
        return Checkpoint.of(s, List.of(d.weights()), d.trainer.weightOptimizer().saveState(), d.keptList(), trace,
                d.records);
    }

    /** Puts the driver where {@code c} left it; returns {epoch, rounds of it to skip}. */
    static int[] restore(Driver d, Checkpoint c) {
        Map<String, Object> s = c.scalars();
        if (!s.containsKey(Driver.SPARK_KEY)) {
            throw new PcnException("the checkpoint was written by a single-machine run: resume it without --spark");
        }
        String sync = d.gradients ? "gradients" : "weights";
        int every = d.gradients ? 1 : d.job.syncEvery();
        if (!sync.equals(s.get(Driver.SPARK_KEY)) || number(s, "spark_sync_every") != every
                || number(s, "spark_partitions") != d.parts) {
            throw new PcnException("the checkpoint was written with --sync " + s.get(Driver.SPARK_KEY) + ", --sync-every "
                    + number(s, "spark_sync_every") + " on " + number(s, "spark_partitions") + " partitions; this run has "
                    + sync + ", " + every + " on " + d.parts + " (the shards and rounds must be the same)");
        }
        if (s.containsKey("spark_lr_scale") && ((Number) s.get("spark_lr_scale")).doubleValue() != d.lrScale) {
            throw new PcnException("the checkpoint was written with a local weight rate factor of " + s.get("spark_lr_scale")
                    + " (--sync-lr-scale); this run has " + d.lrScale);
        }
        List<float[]> w = c.weights();
        if (w.size() != d.params.size()) {
            throw new PcnException("the checkpoint does not fit this model (" + w.size() + " weight tensors, the model has "
                    + d.params.size() + "): it belongs to another run");
        }
        for (int i = 0; i < w.size(); i++) {
            if (w.get(i).length != d.params.get(i).length()) {
                throw new PcnException("the checkpoint does not fit this model (tensor " + i + " has " + w.get(i).length
                        + " values, the model " + d.params.get(i).length() + "): it belongs to another run");
            }
        }
        d.setWeights(w.toArray(new float[0][]));
        d.trainer.weightOptimizer().restoreState(c.optimizer());
        d.updates = number(s, "updates");
        d.rateScale = ((Number) s.get("rate_scale")).doubleValue();
        d.rollbacks = (int) number(s, "rollbacks");
        d.keptEpoch = (int) number(s, "kept_epoch");
        d.kept = c.kept() == null ? null : new Driver.Snap(c.kept().toArray(new float[0][]), null, 0);
        d.bestScore = ((Number) s.get("best_score")).doubleValue();
        d.bestTrainLoss = ((Number) s.get("best_train_loss")).doubleValue();
        d.guard.restore(new double[] {((Number) s.get("ref_energy")).doubleValue(),
            ((Number) s.get("ref_loss")).doubleValue(), number(s, "good_batches")});
        d.lastCheckpoint = d.updates;
        for (Map<String, Object> r : c.records()) {
            d.records.add(r);
            if (!"divergence".equals(r.get("event"))) {
                d.history.add(r);
            }
        }
        int epoch = (int) number(s, "epoch");
        int roundsDone = (int) number(s, "rounds_done");
        Driver.Epoch ep = new Driver.Epoch();
        ep.samples = number(s, "samples");
        ep.loss = ((Number) s.get("loss_sum")).doubleValue();
        ep.energy = ((Number) s.get("energy_sum")).doubleValue();
        ep.correct = number(s, "correct");
        ep.rounds = (int) number(s, "epoch_rounds");
        ep.overhead = ((Number) s.get("overhead")).doubleValue();
        ep.setup = ((Number) s.get("setup")).doubleValue();
        double[] t = c.traceSums();
        int steps = (int) t[0];
        int width = (int) t[1];
        int at = 2;
        for (int k = 0; k < steps; k++) {
            double[] sums = java.util.Arrays.copyOfRange(t, at, at + width);
            at += width;
            ep.add(k, sums, (int) t[at++]);
        }
        d.ep = ep;
        d.clean = true;
        d.rolledBackInEpoch = Boolean.TRUE.equals(s.get("rolled_back_in_epoch"));
        d.good = d.snap(true);
        d.recent = d.good;
        d.epochStart = d.good;
        return new int[] {epoch, roundsDone};
    }

    private static long number(Map<String, Object> s, String key) {
        return ((Number) s.get(key)).longValue();
    }
}
