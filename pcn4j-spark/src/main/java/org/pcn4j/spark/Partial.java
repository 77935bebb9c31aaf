package org.pcn4j.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one partition sends back after a round: tensors (its gradient times its sample count in
 * gradient mode, its weights in averaging mode), its optimizer state (averaging mode), and sums
 * for the epoch's metrics. Only arrays and numbers, so Java serialization is enough.
 */
final class Partial implements Serializable {
    private static final long serialVersionUID = 1L;

    int partition;
    float[][] tensors;
    LinkedHashMap<String, float[]> optimizerArrays;
    LinkedHashMap<String, Long> optimizerCounters;
    long samples;
    int steps;
    int inferenceSteps;
    double lossSum;
    double initialEnergySum;
    double finalEnergySum;
    long correct;
    long computeNanos;
    /** Building the worker (reading the data, the model) when this round was its first. */
    long setupNanos;
    String error;
    /** Per inference step: the summed energy rows ([total, node1, ...]) and how many batches added to each. */
    double[][] traceSums = new double[0][];
    int[] traceCounts = new int[0];

    void addTrace(List<double[]> trace) {
        if (traceSums.length < trace.size()) {
            double[][] s = java.util.Arrays.copyOf(traceSums, trace.size());
            int[] c = java.util.Arrays.copyOf(traceCounts, trace.size());
            for (int t = traceSums.length; t < s.length; t++) {
                s[t] = new double[trace.get(t).length];
            }
            traceSums = s;
            traceCounts = c;
        }
        for (int t = 0; t < trace.size(); t++) {
            double[] r = trace.get(t);
            for (int i = 0; i < r.length; i++) {
                traceSums[t][i] += r[i];
            }
            traceCounts[t]++;
        }
    }

    static LinkedHashMap<String, float[]> copy(Map<String, float[]> m) {
        LinkedHashMap<String, float[]> c = new LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.clone()));
        return c;
    }
}
