package org.pcn4j.fit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.model.Node;

/** Mean energy per inference step and node over an epoch's batches (metrics.jsonl's inference_energy). */
final class InferenceTrace {
    private final List<Node> nodes;
    private final List<double[]> sums = new ArrayList<>();
    private final List<Integer> counts = new ArrayList<>();

    InferenceTrace(List<Node> nodes) {
        this.nodes = nodes;
    }

    void add(List<double[]> trace) {
        for (int t = 0; t < trace.size(); t++) {
            if (sums.size() <= t) {
                sums.add(new double[trace.get(t).length]);
                counts.add(0);
            }
            double[] s = sums.get(t);
            double[] r = trace.get(t);
            for (int i = 0; i < r.length; i++) {
                s[i] += r[i];
            }
            counts.set(t, counts.get(t) + 1);
        }
    }

    /** {"total": [per step], "x1": [per step], ...}. */
    Map<String, Object> mean() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i <= nodes.size(); i++) {
            double[] v = new double[sums.size()];
            for (int t = 0; t < v.length; t++) {
                v[t] = sums.get(t)[i] / counts.get(t);
            }
            m.put(i == 0 ? "total" : nodes.get(i - 1).name(), v);
        }
        return m;
    }

    /** The sums and counts as one array (for checkpoints): steps, width, counts, then the sums row by row. */
    double[] save() {
        int width = 1 + nodes.size();
        double[] a = new double[2 + sums.size() * (1 + width)];
        a[0] = sums.size();
        a[1] = width;
        for (int t = 0; t < sums.size(); t++) {
            a[2 + t] = counts.get(t);
            System.arraycopy(sums.get(t), 0, a, 2 + sums.size() + t * width, width);
        }
        return a;
    }

    /** The inverse of {@link #save}. */
    static InferenceTrace restore(List<Node> nodes, double[] a) {
        InferenceTrace tr = new InferenceTrace(nodes);
        if (a.length == 0) {
            return tr;
        }
        int steps = (int) a[0];
        int width = (int) a[1];
        for (int t = 0; t < steps; t++) {
            tr.counts.add((int) a[2 + t]);
            tr.sums.add(java.util.Arrays.copyOfRange(a, 2 + steps + t * width, 2 + steps + (t + 1) * width));
        }
        return tr;
    }
}
