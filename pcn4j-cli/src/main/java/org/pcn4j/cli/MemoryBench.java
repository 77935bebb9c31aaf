package org.pcn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.memory.ClassicalHopfield;
import org.pcn4j.memory.Cue;
import org.pcn4j.memory.Cues;
import org.pcn4j.memory.ModernHopfield;
import org.pcn4j.memory.PcMemory;
import org.pcn4j.memory.RecallMetrics;
import org.pcn4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pcn4j memory bench}: the PC memory against classical and modern Hopfield networks on the
 * same stored images and the same cues, for several memory sizes; then completion of images that
 * were never stored (what a memory cannot do, and what a generative model trained on the training
 * split can).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare the PC memory with classical and modern Hopfield networks on the first N images of a split.",
                "Classical: Storkey and Hebbian; modern: dot product and Euclidean on the known pixels. Cues have the"
                        + " bottom half hidden, 75 %% of the pixels hidden at random, or Gaussian noise (sigma 0.2)."
                        + " Writes results.jsonl, a Markdown table (table.md) and PNG grids (cue, PC, modern dot,"
                        + " modern Euclidean, Storkey, original) to --out."})
final class MemoryBench implements Callable<Integer> {
    @Mixin
    Options.Data data = new Options.Data();

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Split whose first N images are stored (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--counts", defaultValue = "10,100,500,1000", split = ",", paramLabel = "N,...", description = "Memory sizes (default: ${DEFAULT-VALUE}).")
    int[] counts;

    @Option(names = "--unseen", defaultValue = "100", paramLabel = "N",
            description = "Images after the largest N, never stored, to complete from the top half (0: skip; default: ${DEFAULT-VALUE}).")
    int unseen;

    @Option(names = "--generative-train", defaultValue = "10000", paramLabel = "N",
            description = "Training-split images for the generative PCN that completes the unseen images (0: skip; default: ${DEFAULT-VALUE}).")
    int generativeTrain;

    @Option(names = "--generative-epochs", defaultValue = "20", paramLabel = "N", description = "Its epochs (default: ${DEFAULT-VALUE}).")
    int generativeEpochs;

    @Option(names = "--cue-seed", defaultValue = "1", paramLabel = "S", description = "Seed of the random cues (default: ${DEFAULT-VALUE}).")
    long cueSeed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @picocli.CommandLine.ArgGroup(exclusive = false, heading = "PC memory:%n")
    MemoryCommand.MemoryOptions memory = new MemoryCommand.MemoryOptions();

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Mixin
    Options.Quiet quiet = new Options.Quiet();

    private RunDir run;
    /** Progress on a terminal (the bench runs for minutes): storing counts epochs, recalls count images. */
    private org.pcn4j.ProgressListener storing;
    private org.pcn4j.ProgressListener recalling;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        quiet.apply();
        storing = ProgressBar.onTerminal("epochs");
        recalling = ProgressBar.onTerminal("images");
        threads.apply();
        run = RunDir.create(out);
        run.truncate("results.jsonl");
        int maxN = 0;
        for (int n : counts) {
            if (n < 1) {
                throw new PcnException("--counts must be positive, got " + n);
            }
            maxN = Math.max(maxN, n);
        }
        MemoryCommand.Images all = MemoryCommand.load(data.dataset, data.dataDir, split, maxN + Math.max(0, unseen));
        int d = all.size();
        PcMemory largest = null;
        for (int n : counts) {
            float[] x = java.util.Arrays.copyOf(all.values(), n * d);
            List<Cue> cues = List.of(
                    Cues.bottomHalfHidden(x, n, all.cols(), all.rows()),
                    Cues.randomHidden(x, n, d, cueSeed),
                    Cues.gaussianNoise(x, n, d, cueSeed));
            long t0 = System.nanoTime();
            PcMemory pc = PcMemory.create(d, memory.config(), memory.recall());
            store(pc, x, n, memory.config().epochs(), "storing " + n + " images");
            double storeSecs = secs(t0);
            t0 = System.nanoTime();
            ClassicalHopfield storkey = ClassicalHopfield.train(x, n, d, ClassicalHopfield.Rule.STORKEY);
            double storkeySecs = secs(t0);
            ClassicalHopfield hebb = ClassicalHopfield.train(x, n, d, ClassicalHopfield.Rule.HEBBIAN);
            ModernHopfield mhn = new ModernHopfield(x, n, d);
            for (Cue cue : cues) {
                Map<String, float[]> outs = new LinkedHashMap<>();
                // The cue itself (hidden pixels at 0): what recall has to improve on.
                record(n, cue, "cue-as-is", cue.values(), x, Double.NaN, 0, 0, 0);
                t0 = System.nanoTime();
                float[] r = pc.recall(cue.values(), cue.mask(), n, recalling);
                record(n, cue, "pc", r, x, Double.NaN, pc.footprintBytes(), storeSecs, secs(t0));
                outs.put("pc", r);
                for (ModernHopfield.Similarity sim : ModernHopfield.Similarity.values()) {
                    String name = sim == ModernHopfield.Similarity.DOT ? "modern-dot" : "modern-euclidean";
                    t0 = System.nanoTime();
                    ModernHopfield.BetaTuning bt = mhn.tuneBeta(cue, x, ModernHopfield.DEFAULT_BETAS, sim, 1, true);
                    r = mhn.recall(cue, sim, bt.beta(), 1, true);
                    record(n, cue, name, r, x, bt.beta(), mhn.footprintBytes(), 0, secs(t0));
                    outs.put(name, r);
                }
                t0 = System.nanoTime();
                r = storkey.recall(cue, ClassicalHopfield.Update.ASYNCHRONOUS, 100, cueSeed);
                record(n, cue, "hopfield-storkey", r, x, Double.NaN, storkey.footprintBytes(), storkeySecs, secs(t0));
                outs.put("hopfield-storkey", r);
                r = hebb.recall(cue, ClassicalHopfield.Update.ASYNCHRONOUS, 100, cueSeed);
                record(n, cue, "hopfield-hebbian", r, x, Double.NaN, hebb.footprintBytes(), 0, 0);
                grid(n, cue, outs, x, all);
            }
            if (n == maxN) {
                largest = pc;
            }
        }
        if (unseen > 0) {
            unseen(all, maxN, largest);
        }
        writeTable();
        return 0;
    }

    /** Completion of never-stored images from their top half: the memory, a generative PCN, the mean image. */
    private void unseen(MemoryCommand.Images all, int maxN, PcMemory memoryPc) throws IOException {
        int d = all.size();
        float[] u = java.util.Arrays.copyOfRange(all.values(), maxN * d, (maxN + unseen) * d);
        Cue cue = Cues.bottomHalfHidden(u, unseen, all.cols(), all.rows());
        long t0 = System.nanoTime();
        float[] fromMemory = memoryPc.recall(cue.values(), cue.mask(), unseen, recalling);
        record(maxN, cue, "unseen:pc-memory", fromMemory, u, Double.NaN, memoryPc.footprintBytes(), 0, secs(t0));
        ModernHopfield mhn = new ModernHopfield(java.util.Arrays.copyOf(all.values(), maxN * d), maxN, d);
        float[] r = mhn.recall(cue, ModernHopfield.Similarity.EUCLIDEAN_KNOWN, 100, 1, true);
        record(maxN, cue, "unseen:modern-euclidean(beta=100)", r, u, 100, mhn.footprintBytes(), 0, 0);
        if (generativeTrain > 0) {
            MemoryCommand.Images train = MemoryCommand.load(data.dataset, data.dataDir, "train", generativeTrain);
            float[] mean = new float[d];
            for (int i = 0; i < generativeTrain; i++) {
                for (int j = 0; j < d; j++) {
                    mean[j] += train.values()[i * d + j] / generativeTrain;
                }
            }
            float[] m = new float[unseen * d];
            for (int i = 0; i < unseen; i++) {
                for (int j = 0; j < d; j++) {
                    m[i * d + j] = cue.mask()[i * d + j] != 0f ? u[i * d + j] : mean[j];
                }
            }
            record(generativeTrain, cue, "unseen:train-mean-image", m, u, Double.NaN, 4L * d, 0, 0);
            t0 = System.nanoTime();
            PcMemory gen = PcMemory.create(d, memory.config().withEpochs(generativeEpochs), memory.recall());
            store(gen, train.values(), generativeTrain, generativeEpochs, "storing " + generativeTrain + " train images");
            double storeSecs = secs(t0);
            t0 = System.nanoTime();
            r = gen.recall(cue.values(), cue.mask(), unseen, recalling);
            record(generativeTrain, cue, "unseen:generative-pcn(train split)", r, u, Double.NaN, gen.footprintBytes(),
                    storeSecs, secs(t0));
            Map<String, float[]> outs = new LinkedHashMap<>();
            outs.put("memory", fromMemory);
            outs.put("generative", r);
            outs.put("mean", m);
            gridRows(run.path(String.format(Locale.ROOT, "memory-%s-unseen.png", data.dataset)), cue, outs, u, all, unseen,
                    maxN);
        }
    }

    private void record(int n, Cue cue, String method, float[] r, float[] x, double beta, long bytes, double storeSecs,
                        double recallSecs) throws IOException {
        RecallMetrics m = RecallMetrics.of(r, x, cue.count(), cue.dim(), cue.mask());
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("dataset", data.dataset);
        line.put("n", n);
        line.put("cue", cue.name());
        line.put("method", method);
        line.put("mse", round(m.meanMse()));
        line.put("hidden_mse", Double.isNaN(m.hiddenMse()) ? null : round(m.hiddenMse()));
        line.put("recalled", round(m.successRate()));
        line.put("beta", Double.isNaN(beta) ? null : beta);
        line.put("footprint_bytes", bytes);
        line.put("store_seconds", Math.round(storeSecs * 10) / 10.0);
        line.put("recall_seconds", Math.round(recallSecs * 10) / 10.0);
        run.appendJsonLine("results.jsonl", line);
        System.out.println(Json.write(line));
        rows.add(line);
    }

    private void grid(int n, Cue cue, Map<String, float[]> outs, float[] x, MemoryCommand.Images all) {
        Path png = run.path(String.format(Locale.ROOT, "memory-%s-%d-%s.png", data.dataset, n,
                cue.name().replace("%", "pct")).replaceAll("[^A-Za-z0-9._-]", "_"));
        gridRows(png, cue, outs, x, all, n, 0);
    }

    /**
     * One row per image source (cue, each method, original), the first ten images; rows are labelled
     * with the source, columns with the image's index in the split ({@code first} is the first one's).
     */
    static void gridRows(Path png, Cue cue, Map<String, float[]> outs, float[] x, MemoryCommand.Images all, int n,
                         int first) {
        int d = all.size();
        int k = Math.min(10, n);
        List<float[]> sources = new ArrayList<>();
        List<String> rowLabels = new ArrayList<>();
        sources.add(cue.values());
        rowLabels.add("cue");
        sources.addAll(outs.values());
        rowLabels.addAll(outs.keySet());
        sources.add(x);
        rowLabels.add("original");
        List<String> colLabels = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            colLabels.add("#" + (first + i));
        }
        float[][] g = new float[sources.size() * k][];
        for (int s = 0; s < sources.size(); s++) {
            for (int i = 0; i < k; i++) {
                float[] img = java.util.Arrays.copyOfRange(sources.get(s), i * d, (i + 1) * d);
                for (int j = 0; j < d; j++) {
                    img[j] = Math.max(0f, Math.min(1f, img[j]));
                }
                g[s * k + i] = img;
            }
        }
        Plot.imageGrid(png, g, all.rows(), all.cols(), k, all.rows() >= 20 ? 2 : 4, rowLabels, colLabels);
    }

    /** results as a Markdown table: one row per (N, method), mse / recalled share per cue. */
    private void writeTable() throws IOException {
        Map<String, Map<String, Map<String, Object>>> byRow = new LinkedHashMap<>();
        List<String> cueNames = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String key = r.get("n") + "|" + r.get("method");
            String cue = (String) r.get("cue");
            if (!cueNames.contains(cue)) {
                cueNames.add(cue);
            }
            byRow.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(cue, r);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| N | method | footprint |");
        for (String c : cueNames) {
            sb.append(' ').append(c).append(": MSE / recalled |");
        }
        sb.append('\n').append("|---|---|---|");
        for (int i = 0; i < cueNames.size(); i++) {
            sb.append("---|");
        }
        sb.append('\n');
        for (Map.Entry<String, Map<String, Map<String, Object>>> e : byRow.entrySet()) {
            String[] km = e.getKey().split("\\|", 2);
            Map<String, Object> any = e.getValue().values().iterator().next();
            sb.append("| ").append(km[0]).append(" | ").append(km[1]).append(" | ")
                    .append(bytes(((Number) any.get("footprint_bytes")).longValue())).append(" |");
            for (String c : cueNames) {
                Map<String, Object> r = e.getValue().get(c);
                if (r == null) {
                    sb.append(" |");
                } else {
                    sb.append(String.format(Locale.ROOT, " %.4f / %.0f %% |", ((Number) r.get("mse")).doubleValue(),
                            100 * ((Number) r.get("recalled")).doubleValue()));
                }
            }
            sb.append('\n');
        }
        org.pcn4j.util.AtomicFiles.write(run.path("table.md"), sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        System.out.print(sb);
    }

    private void store(PcMemory pc, float[] x, int n, int epochs, String label) {
        storing.start(label, epochs);
        try {
            pc.store(x, n, (epoch, e) -> storing.update(epoch));
        } finally {
            storing.finish();
        }
    }

    private static String bytes(long b) {
        return b >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0)
                : String.format(Locale.ROOT, "%.0f KiB", b / 1024.0);
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
