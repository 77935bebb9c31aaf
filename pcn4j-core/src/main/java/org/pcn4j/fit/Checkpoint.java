package org.pcn4j.fit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.optim.OptimizerState;
import org.pcn4j.util.Json;

/**
 * Everything {@link Fit} needs to continue a run exactly where it was: the weights, the weight
 * optimizer's state, the kept model, the position in the data (epoch and batches done; the order
 * is a function of the seed and the epoch), the epoch's partial sums, the divergence guard's
 * reference and its best stretch of batches (weights and optimizer state: a drift's rollback
 * target), the rate scale and the metrics records so far. Written atomically as one safetensors
 * file (arrays as F32 tensors, the rest as JSON metadata); read back, a run continues bit for bit.
 */
public final class Checkpoint {
    static final String KEY = "pcn4j_checkpoint";

    final Map<String, Object> scalars;
    final List<float[]> weights;
    final OptimizerState optimizer;
    final List<float[]> kept;
    final double[] traceSums;
    final List<Map<String, Object>> records;
    /** The end of the best stretch ({@link LossTrend}), null when none was kept. */
    final Snapshot trendBest;

    Checkpoint(Map<String, Object> scalars, List<float[]> weights, OptimizerState optimizer, List<float[]> kept,
               double[] traceSums, List<Map<String, Object>> records, Snapshot trendBest) {
        this.trendBest = trendBest;
        this.scalars = scalars;
        this.weights = weights;
        this.optimizer = optimizer;
        this.kept = kept;
        this.traceSums = traceSums;
        this.records = records;
    }

    /**
     * A checkpoint made outside {@link Fit} (a distributed trainer's driver): {@code scalars} are
     * its own position and sums, JSON numbers, strings and booleans; {@code kept} may be null. It
     * carries no drift-check stretch: a distributed run's guard works per round, without one.
     */
    public static Checkpoint of(Map<String, Object> scalars, List<float[]> weights, OptimizerState optimizer,
                                List<float[]> kept, double[] traceSums, List<Map<String, Object>> records) {
        return new Checkpoint(new LinkedHashMap<>(scalars), List.copyOf(weights), optimizer,
                kept == null ? null : List.copyOf(kept), traceSums.clone(), new ArrayList<>(records), null);
    }

    /** The position and sums as written (see {@link #of}). */
    public Map<String, Object> scalars() {
        return java.util.Collections.unmodifiableMap(scalars);
    }

    /** The weights, one array per weight tensor in the trainer's order (not copies). */
    public List<float[]> weights() {
        return weights;
    }

    public OptimizerState optimizer() {
        return optimizer;
    }

    /** The kept model's weights, or null when no epoch was kept yet. */
    public List<float[]> kept() {
        return kept;
    }

    public double[] traceSums() {
        return traceSums.clone();
    }

    /** Epochs completed. */
    public int epochsDone() {
        return ((Number) scalars.get("epochs_done")).intValue();
    }

    /** Weight updates made. */
    public long updates() {
        return ((Number) scalars.get("updates")).longValue();
    }

    /** The metrics.jsonl records so far (epochs and divergence events), in order. */
    public List<Map<String, Object>> records() {
        return records;
    }

    /** Writes this checkpoint to {@code file}, atomically replacing it. */
    public void write(Path file) {
        List<SafeTensors.Entry> es = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            es.add(new SafeTensors.Entry("weights." + i, new int[] {weights.get(i).length}, weights.get(i)));
        }
        for (Map.Entry<String, float[]> e : optimizer.arrays().entrySet()) {
            es.add(new SafeTensors.Entry("optimizer." + e.getKey(), new int[] {e.getValue().length}, e.getValue()));
        }
        if (kept != null) {
            for (int i = 0; i < kept.size(); i++) {
                es.add(new SafeTensors.Entry("kept." + i, new int[] {kept.get(i).length}, kept.get(i)));
            }
        }
        Map<String, Object> meta = new LinkedHashMap<>(scalars);
        meta.put("trend_weights", trendBest == null ? -1 : trendBest.weights.size());
        if (trendBest != null) {
            for (int i = 0; i < trendBest.weights.size(); i++) {
                float[] w = trendBest.weights.get(i);
                es.add(new SafeTensors.Entry("trend." + i, new int[] {w.length}, w));
            }
            for (Map.Entry<String, float[]> e : trendBest.optimizer.arrays().entrySet()) {
                es.add(new SafeTensors.Entry("trend_optimizer." + e.getKey(), new int[] {e.getValue().length}, e.getValue()));
            }
            meta.put("trend_counters", trendBest.optimizer.counters());
            meta.put("trend_updates", trendBest.updates);
        }
        meta.put("weights", weights.size());
        meta.put("kept", kept == null ? -1 : kept.size());
        meta.put("optimizer_counters", optimizer.counters());
        meta.put("trace_sums", encode(traceSums));
        meta.put("records", records);
        SafeTensors.write(file, Map.of(KEY, Json.write(encodeNonFinite(meta))), es);
    }

    /** Reads a checkpoint {@link #write} wrote; a one-line error naming the file otherwise. */
    @SuppressWarnings("unchecked")
    public static Checkpoint read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new PcnException("no checkpoint at " + file + " (train with this version writes one every epoch)");
        }
        SafeTensors.Contents c = SafeTensors.read(file);
        String json = c.metadata().get(KEY);
        if (json == null) {
            throw new PcnException(file + " is not a pcn4j checkpoint (no " + KEY + " metadata)");
        }
        Map<String, Object> meta;
        try {
            meta = Json.parseObject(json);
        } catch (PcnException e) {
            throw new PcnException(file + ": corrupt checkpoint metadata: " + e.getMessage(), e);
        }
        int nw = ((Number) meta.remove("weights")).intValue();
        int nk = ((Number) meta.remove("kept")).intValue();
        List<float[]> w = new ArrayList<>();
        for (int i = 0; i < nw; i++) {
            w.add(c.get("weights." + i).data());
        }
        List<float[]> k = null;
        if (nk >= 0) {
            k = new ArrayList<>();
            for (int i = 0; i < nk; i++) {
                k.add(c.get("kept." + i).data());
            }
        }
        Object nt = meta.remove("trend_weights"); // absent in checkpoints from before the trend check
        Snapshot trend = null;
        if (nt != null && ((Number) nt).intValue() >= 0) {
            List<float[]> tw = new ArrayList<>();
            for (int i = 0; i < ((Number) nt).intValue(); i++) {
                tw.add(c.get("trend." + i).data());
            }
            trend = new Snapshot(tw, optimizerState(c, "trend_optimizer.", (Map<String, Object>) meta.remove("trend_counters")),
                    ((Number) meta.remove("trend_updates")).longValue());
        }
        OptimizerState optimizer = optimizerState(c, "optimizer.", (Map<String, Object>) meta.remove("optimizer_counters"));
        double[] trace = decodeArray((List<Object>) meta.remove("trace_sums"));
        List<Map<String, Object>> records = new ArrayList<>();
        for (Object r : (List<Object>) meta.remove("records")) {
            records.add(decodeRecord((Map<String, Object>) r));
        }
        Map<String, Object> scalars = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : meta.entrySet()) {
            scalars.put(e.getKey(), decodeNonFinite(e.getValue()));
        }
        return new Checkpoint(scalars, w, optimizer, k, trace, records, trend);
    }

    private static OptimizerState optimizerState(SafeTensors.Contents c, String prefix, Map<String, Object> counts) {
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensors.Entry> e : c.tensors().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                arrays.put(e.getKey().substring(prefix.length()), e.getValue().data());
            }
        }
        Map<String, Long> counters = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : counts.entrySet()) {
            counters.put(e.getKey(), ((Number) e.getValue()).longValue());
        }
        return new OptimizerState(arrays, counters);
    }

    double number(String key) {
        return ((Number) scalars.get(key)).doubleValue();
    }

    private static List<Object> encode(double[] a) {
        List<Object> l = new ArrayList<>(a.length);
        for (double d : a) {
            l.add(Double.isFinite(d) ? (Object) d : String.valueOf(d));
        }
        return l;
    }

    private static Map<String, Object> encodeNonFinite(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            out.put(e.getKey(), v instanceof Double && !Double.isFinite((Double) v) ? String.valueOf(v) : v);
        }
        return out;
    }

    private static Object decodeNonFinite(Object v) {
        if ("NaN".equals(v) || "Infinity".equals(v) || "-Infinity".equals(v)) {
            return Double.parseDouble((String) v);
        }
        return v;
    }

    private static double[] decodeArray(List<Object> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            Object o = decodeNonFinite(l.get(i));
            a[i] = ((Number) o).doubleValue();
        }
        return a;
    }

    /** Metrics records as the loop made them: inference_energy's per-step lists back to double[]. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> decodeRecord(Map<String, Object> r) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : r.entrySet()) {
            Object v = e.getValue();
            if (e.getKey().equals("inference_energy") && v instanceof Map) {
                Map<String, Object> trace = new LinkedHashMap<>();
                for (Map.Entry<String, Object> t : ((Map<String, Object>) v).entrySet()) {
                    trace.put(t.getKey(), decodeArray((List<Object>) t.getValue()));
                }
                v = trace;
            } else if (v instanceof Long && (e.getKey().equals("epoch") || e.getKey().equals("batch"))) {
                v = ((Long) v).intValue();
            }
            out.put(e.getKey(), v);
        }
        return out;
    }
}
