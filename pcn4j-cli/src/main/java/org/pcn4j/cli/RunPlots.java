package org.pcn4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The PNG plots of a training run: accuracy and energy against epochs, energy against inference steps. */
final class RunPlots {
    private RunPlots() {}

    /**
     * Writes accuracy.png, energy.png and inference.png into the run folder; {@code outputNode} is
     * the model's output node, named as such in the inference plot.
     */
    static void write(RunDir run, List<Map<String, Object>> history, String outputNode) {
        int n = history.size();
        double[] epochs = new double[n];
        for (int i = 0; i < n; i++) {
            epochs[i] = ((Number) history.get(i).get("epoch")).doubleValue();
        }
        List<Plot.Series> acc = new ArrayList<>();
        for (String key : new String[] {"train_accuracy", "validation_accuracy", "test_accuracy"}) {
            if (history.get(0).containsKey(key)) {
                acc.add(new Plot.Series(key.replace("_accuracy", ""), epochs, column(history, key, 100)));
            }
        }
        Plot.lines(run.path("accuracy.png"), "Accuracy", "epoch", "accuracy (%)", acc);

        List<Plot.Series> en = new ArrayList<>();
        en.add(new Plot.Series("loss at feedforward", epochs, column(history, "train_loss", 1)));
        en.add(new Plot.Series("energy after inference", epochs, column(history, "train_energy", 1)));
        Plot.lines(run.path("energy.png"), "Training energy", "epoch", "mean energy per sample", en, true);

        Plot.lines(run.path("inference.png"), inferenceTitle(n, outputNode), "inference step", "mean energy per sample",
                inferenceSeries(history.get(n - 1), outputNode), true);
    }

    static String inferenceTitle(int epoch, String outputNode) {
        return "Energy per node during inference (epoch " + epoch + ", output node " + outputNode + ")";
    }

    /** Energy per node against inference step, averaged over the epoch's batches; the output node is marked. */
    static List<Plot.Series> inferenceSeries(Map<String, Object> epoch, String outputNode) {
        @SuppressWarnings("unchecked")
        Map<String, Object> trace = (Map<String, Object>) epoch.get("inference_energy");
        List<Plot.Series> inf = new ArrayList<>();
        for (Map.Entry<String, Object> e : trace.entrySet()) {
            double[] y = (double[]) e.getValue();
            double[] x = new double[y.length];
            for (int t = 0; t < y.length; t++) {
                x[t] = t;
            }
            String name = e.getKey().equals(outputNode) ? e.getKey() + " (output)" : e.getKey();
            inf.add(new Plot.Series(name, x, y));
        }
        return inf;
    }

    private static double[] column(List<Map<String, Object>> history, String key, double scale) {
        double[] v = new double[history.size()];
        for (int i = 0; i < v.length; i++) {
            Object o = history.get(i).get(key);
            v[i] = o == null ? Double.NaN : ((Number) o).doubleValue() * scale;
        }
        return v;
    }
}
