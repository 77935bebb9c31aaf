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
}
