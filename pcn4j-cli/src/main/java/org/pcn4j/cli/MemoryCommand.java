package org.pcn4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.data.Idx;
import org.pcn4j.data.InputAffine;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.kernel.Activation;
import org.pcn4j.memory.MemoryStore;
import org.pcn4j.memory.PcMemory;
import org.pcn4j.optim.OptimizerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pcn4j memory store|recall|bench}: a generative PC network as an associative memory. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Associative memory (Salvatori et al. 2021): store images, recall them from partial or noisy cues.",
                "Images are stored in a generative PC network and recalled by inference. 'bench' compares it with"
                        + " Hopfield networks."},
        subcommands = {MemoryCommand.Store.class, MemoryCommand.RecallCmd.class, MemoryBench.class})
public final class MemoryCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The memory's options shared by store and bench. Their own group, not {@link Options.Inference}:
     * every default differs from train's (5 steps, state rate 0.1 with momentum 0.5, Adam on the
     * weights; {@code PcMemory.Config.defaults()}, which {@code MemoryOptionsTest} keeps equal), but
     * the flags that name the same thing are spelled, checked and capped as train's are.
     */
    static final class MemoryOptions {
        @Option(names = "--latent", defaultValue = "64", paramLabel = "N", description = "Latent (top) node size (default: ${DEFAULT-VALUE}).")
        int latent;

        @Option(names = "--hidden", defaultValue = "512", paramLabel = "N[,N...]",
                description = "Hidden sizes from the latent down to the image (default: ${DEFAULT-VALUE}; 0 for none).")
        String hidden;

        @Option(names = "--activation", defaultValue = "tanh", paramLabel = "NAME", description = "Activation (default: ${DEFAULT-VALUE}).")
        String activation;

        @Option(names = "--epochs", defaultValue = "600", paramLabel = "N", description = "Storing epochs (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = {"--inference-steps", "-T"}, defaultValue = "5", paramLabel = "T",
                description = "State updates per batch while storing, T (default: ${DEFAULT-VALUE}).")
        int inferenceSteps;

        @Option(names = "--state-lr", defaultValue = "0.1", paramLabel = "GAMMA",
                description = "State learning rate gamma while storing, SGD (default: ${DEFAULT-VALUE}).")
        double stateLr;

        @Option(names = "--state-momentum", defaultValue = "0.5", paramLabel = "M",
                description = "State SGD momentum while storing (default: ${DEFAULT-VALUE}).")
        double stateMomentum;

        @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "LR", description = "Weight learning rate, Adam (default: ${DEFAULT-VALUE}).")
        double lr;

        @Option(names = "--batch-size", defaultValue = "100", paramLabel = "B", description = "Images per weight update (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--recall-steps", defaultValue = "1000", paramLabel = "N", description = "Inference steps when recalling (default: ${DEFAULT-VALUE}).")
        int recallSteps;

        @Option(names = "--recall-lr", defaultValue = "0.1", paramLabel = "GAMMA", description = "State rate when recalling, Adam on the states (default: ${DEFAULT-VALUE}).")
        double recallLr;

        @Option(names = "--recall-rounds", defaultValue = "3", paramLabel = "N",
                description = "For noisy cues (--clamp none): rounds of infer-then-replace-by-prediction (default: ${DEFAULT-VALUE}).")
        int recallRounds;

        PcMemory.Config config() {
            int[] h = hiddenSizes();
            if (epochs < 0 || epochs > org.pcn4j.fit.FitConfig.MAX_EPOCHS) {
                throw new PcnException("--epochs must be in [0, " + org.pcn4j.fit.FitConfig.MAX_EPOCHS + "], got " + epochs);
            }
            Options.steps(inferenceSteps, "--inference-steps");
            positive(stateLr, "--state-lr");
            Options.finiteAtLeast(stateMomentum, 0, "--state-momentum");
            positive(lr, "--lr");
            return PcMemory.Config.builder().latent(latent).hidden(h).activation(Activation.parse(activation))
                    .epochs(epochs).inferenceSteps(inferenceSteps).stateLr(stateLr).stateMomentum(stateMomentum).lr(lr)
                    .batch(batch).seed(seed).build();
        }

        static void positive(double v, String flag) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new PcnException(flag + " must be a finite number > 0, got " + v);
            }
        }

        int[] hiddenSizes() {
            String[] parts = hidden.trim().split("\\s*,\\s*");
            int[] h = new int[parts.length];
            try {
                for (int i = 0; i < parts.length; i++) {
                    h[i] = Integer.parseInt(parts[i]);
                }
            } catch (NumberFormatException e) {
                throw new PcnException("--hidden " + hidden + ": expected sizes like 512 or 256,512 (0 for none)");
            }
            return h.length == 1 && h[0] == 0 ? new int[0] : h;
        }

        PcMemory.Recall recall() {
            Options.steps(recallSteps, "--recall-steps");
            positive(recallLr, "--recall-lr");
            return new PcMemory.Recall(OptimizerConfig.Kind.ADAM, recallLr, 0, recallSteps, recallRounds);
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("latent", latent);
            m.put("hidden", java.util.Arrays.stream(hiddenSizes()).boxed().collect(java.util.stream.Collectors.toList()));
            m.put("activation", activation);
            m.put("epochs", epochs);
            m.put("inference-steps", inferenceSteps);
            m.put("state-lr", stateLr);
            m.put("state-momentum", stateMomentum);
            m.put("lr", lr);
            m.put("batch-size", batch);
            m.put("seed", seed);
            m.put("recall-steps", recallSteps);
            m.put("recall-lr", recallLr);
            m.put("recall-rounds", recallRounds);
            return m;
        }
    }

    /** Images of a dataset split scaled to [0, 1], with their shape. */
    record Images(float[] values, int count, int rows, int cols, InputAffine affine) {
        int size() {
            return rows * cols;
        }
    }

    /** The first {@code count} images of a split, mapped to [0, 1] by the dataset's raw range. */
    static Images load(String dataset, Path dataDir, String split, int count) {
        DatasetSplits data = Datasets.load(dataset, dataDir, null, ProgressBar.onTerminal(null));
        Dataset d;
        switch (split) {
            case "train": d = data.train(); break;
            case "test":
                if (!data.hasTest()) {
                    throw new PcnException("dataset " + dataset + " has no test split (use --split train)");
                }
                d = data.test();
                break;
            default: throw new PcnException("unknown --split '" + split + "' (expected train or test)");
        }
        if (count < 1 || count > d.size()) {
            throw new PcnException("--count " + count + " is outside 1.." + d.size() + " (the " + split + " split's size)");
        }
        int[] shape = d.shape();
        int rows = shape.length == 2 ? shape[0] : 1;
        int cols = shape.length == 2 ? shape[1] : d.features();
        int f = d.features();
        float lo = d.rawMin();
        float hi = d.rawMax();
        float scale = hi > lo ? 1f / (hi - lo) : 1f;
        float offset = -lo * scale;
        float[] x = new float[count * f];
        for (int i = 0; i < count; i++) {
            d.features(i, x, i * f);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * scale + offset;
        }
        return new Images(x, count, rows, cols, InputAffine.uniform(f, scale, offset));
    }

    @Command(name = "store", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Store the first N images of a split in a generative PC network (its weights only).",
                    "RUNDIR receives model.safetensors, config.json, metrics.jsonl (energy per epoch) and",
                    "stored.idx/.png (the images stored, to make cues from); with --validation also held_out.idx/.png.",
                    "A divergence stops storing: the last good weights are written and the exit code is 1."})
    static final class Store implements Callable<Integer> {
        @Mixin
        Options.Data data = new Options.Data();

        @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Split to take the images from (default: ${DEFAULT-VALUE}).")
        String split;

        @Option(names = "--count", defaultValue = "100", paramLabel = "N", description = "Images to store: the split's first N (default: ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--out", required = true, paramLabel = "RUNDIR", description = "Output folder.")
        Path out;

        @Option(names = "--overwrite", description = "Allow --out to be a folder that holds another memory's model (replaced).")
        boolean overwrite;

        @Option(names = "--validation", defaultValue = "0", paramLabel = "FRACTION",
                description = "Fraction of the --count images held out (drawn by --seed, not stored) to evaluate on"
                        + " (default: ${DEFAULT-VALUE}).")
        double validation;

        @Option(names = "--keep", defaultValue = "last", paramLabel = "WHICH",
                description = "Model to write: last (the last good epoch) or best (the lowest mean energy of the held-out"
                        + " images under recall inference; needs --validation) (default: ${DEFAULT-VALUE}).")
        String keep;

        @Option(names = "--eval-every", defaultValue = "" + MemoryStore.Settings.DEFAULT_EVAL_EVERY, paramLabel = "N",
                description = "With --validation: evaluate the held-out images every N epochs and after the last"
                        + " (default: ${DEFAULT-VALUE}). Each evaluation runs --recall-steps of inference on every"
                        + " held-out image, about as long as 60 storing epochs of as many images (digits,"
                        + " BENCHMARKS.md).")
        int evalEvery;

        @Mixin
        Options.Quiet quiet = new Options.Quiet();

        @picocli.CommandLine.ArgGroup(exclusive = false, heading = "Memory:%n")
        MemoryOptions memory = new MemoryOptions();

        @Mixin
        ThreadsOption threads = new ThreadsOption();

        @Override
        public Integer call() throws IOException {
            quiet.apply();
            threads.apply();
            PcMemory.Config config = memory.config();
            PcMemory.Recall recall = memory.recall();
            MemoryStore.Settings settings = settings();
            RunDir run = RunDir.create(out, overwrite); // a store can take hours: never replace one by starting
            Images im = load(data.dataset, data.dataDir, split, count);
            MemoryStore.Split held = MemoryStore.split(count, validation, config.seed()); // refused before writing
            Map<String, Object> resolved = new LinkedHashMap<>();
            resolved.put("dataset", data.dataset);
            resolved.put("data-dir", data.dataDir == null ? null : data.dataDir.toAbsolutePath().toString());
            resolved.put("split", split);
            resolved.put("count", count);
            resolved.putAll(memory.describe());
            resolved.put("validation", validation);
            resolved.put("keep", keep);
            resolved.put("eval-every", evalEvery);
            run.writeJson("config.json", resolved);
            int stored = held.stored().length;
            writeImages(run, "stored.idx", im, held.stored());
            if (held.heldOut().length > 0) {
                writeImages(run, "held_out.idx", im, held.heldOut());
            }

            PcMemory m = PcMemory.create(im.size(), config, recall);
            run.truncate("metrics.jsonl");
            ProgressBar bar = quiet.quiet ? null : ProgressBar.items(new PrintWriter(System.err, true), "epochs");
            if (bar != null) {
                bar.start("storing " + stored + " images", config.epochs());
            }
            long t0 = System.nanoTime();
            MemoryStore.Result result;
            try {
                result = MemoryStore.store(m, im.values(), count, settings, (epoch, e, ve) -> {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("epoch", epoch);
                    line.put("train_energy", e);
                    if (!Double.isNaN(ve)) {
                        line.put("val_energy", ve);
                    }
                    line.put("seconds", (System.nanoTime() - t0) / 1e9);
                    append(run, line);
                    if (bar != null) {
                        bar.setLabel(String.format(java.util.Locale.ROOT, "storing %d images, energy %.4f", stored, e));
                        bar.update(epoch);
                    }
                });
            } finally {
                if (bar != null) {
                    bar.clear();
                }
            }
            if (result.stopped()) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("event", "divergence");
                event.put("epoch", result.epochsRun());
                event.put("reason", result.stopReason());
                event.put("action", "stop");
                event.put("kept_epoch", result.keptEpoch());
                if (!Double.isNaN(result.keptValidationEnergy())) {
                    event.put("kept_val_energy", result.keptValidationEnergy());
                }
                append(run, event);
            }
            Map<String, String> extra = new LinkedHashMap<>();
            extra.put("image_shape", "[" + im.rows() + ", " + im.cols() + "]");
            extra.put("dataset", data.dataset);
            extra.put("stored", Integer.toString(stored));
            extra.put("store", org.pcn4j.util.Json.write(result.metadata()));
            // The memory holds the kept weights (never diverged ones): written also when storing stopped.
            m.save(run.path("model.safetensors"), im.affine(), extra);
            if (result.stopped()) {
                throw new PcnException("memory store stopped: " + result.stopReason() + "; "
                        + run.path("model.safetensors") + " holds epoch " + result.keptEpoch()
                        + (result.keptEpoch() == 0 ? " (the initial weights)" : "")
                        + " (try a smaller --state-lr or --lr)");
            }
            if (result.keptEpoch() != result.epochsRun()) {
                System.err.println("pcn4j: kept the memory of epoch " + result.keptEpoch() + " (--keep " + keep + ")");
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("stored", stored);
            if (held.heldOut().length > 0) {
                res.put("held_out", held.heldOut().length);
                res.put("kept_epoch", result.keptEpoch());
                res.put("kept_val_energy", result.keptValidationEnergy());
            }
            res.put("final_energy", result.lastEnergy());
            res.put("seconds", Math.round(secs * 10) / 10.0);
            res.put("footprint_bytes", m.footprintBytes());
            res.put("model", run.path("model.safetensors").toString());
            System.out.println(org.pcn4j.util.Json.write(res));
            return 0;
        }

        /** The hold-out and keep flags, checked as train checks its own (one line naming the flag). */
        MemoryStore.Settings settings() {
            if (!(validation >= 0 && validation < 1)) {
                throw new PcnException("--validation must be in [0, 1), got " + validation);
            }
            FitConfig.Keep k;
            try {
                k = FitConfig.Keep.parse(keep);
            } catch (PcnException e) {
                throw new PcnException("--keep must be last or best, got '" + keep + "'");
            }
            if (evalEvery < 1) {
                throw new PcnException("--eval-every must be >= 1, got " + evalEvery);
            }
            if (k == FitConfig.Keep.BEST && validation == 0) {
                throw new PcnException("--keep best selects on the held-out images: give --validation FRACTION > 0");
            }
            return MemoryStore.Settings.builder().validation(validation).keep(k).evalEvery(evalEvery).build();
        }

        private static void writeImages(RunDir run, String name, Images im, int[] which) throws IOException {
            int f = im.size();
            byte[] all = new byte[im.count() * f];
            ImageFiles.toPixels(im.values(), im.count(), f, im.affine(), all, 0);
            byte[] px = new byte[which.length * f];
            for (int i = 0; i < which.length; i++) {
                System.arraycopy(all, which[i] * f, px, i * f, f);
            }
            ImageFiles.write(run.path(name), px, which.length, im.rows(), im.cols());
        }

        private static void append(RunDir run, Map<String, Object> line) {
            try {
                run.appendJsonLine("metrics.jsonl", line);
            } catch (IOException ex) {
                throw new PcnException("cannot write metrics.jsonl (" + Errors.describe(ex) + ")");
            }
        }
    }

    @Command(name = "recall", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Recall stored images from cues: clamp the known pixels and let inference fill in the rest.",
                    "With --clamp none it starts from the (noisy) cue instead. Writes OUT.idx (uint8) and OUT.png."})
    static final class RecallCmd implements Callable<Integer> {
        @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model written by 'memory store'.")
        Path model;

        @Mixin
        CueOptions io = new CueOptions();

        @Option(names = "--recall-steps", paramLabel = "N", description = "Inference steps (default: the model's).")
        Integer steps;

        @Option(names = "--recall-lr", paramLabel = "GAMMA", description = "State rate (default: the model's).")
        Double lr;

        @Mixin
        Truth truth = new Truth();

        @Mixin
        ThreadsOption threads = new ThreadsOption();

        @Mixin
        Options.Quiet quiet = new Options.Quiet();

        @Override
        public Integer call() {
            quiet.apply();
            if (steps != null) {
                Options.steps(steps, "--recall-steps");
            }
            if (lr != null) {
                MemoryOptions.positive(lr, "--recall-lr");
            }
            threads.apply();
            PcMemory.Loaded loaded = PcMemory.load(model);
            PcMemory m = loaded.memory();
            PcMemory.Recall r = m.recallConfig();
            if (steps != null || lr != null) {
                m = m.withRecall(new PcMemory.Recall(r.optimizer(), lr != null ? lr : r.lr(), r.momentum(),
                        steps != null ? steps : r.steps(), r.rounds()));
            }
            int f = m.imageSize();
            int[] shape = ImageFiles.shape(loaded.metadata().get("image_shape"), f);
            Idx.Images im = Idx.readImages(io.cues);
            if (im.rows() * im.cols() != f || im.rows() != shape[0]) {
                throw new PcnException(io.cues + ": images are " + im.rows() + "x" + im.cols() + ", the memory stores "
                        + shape[0] + "x" + shape[1]);
            }
            int n = im.count();
            InputAffine a = loaded.affine();
            float[] x = ImageFiles.toModel(im, a);
            float[] mask = Masks.parse(io.clamp, n, shape[0], shape[1]);
            float[] rec = m.recall(x, mask, n, ProgressBar.onTerminal("images"));
            byte[] px = new byte[n * f];
            ImageFiles.toPixels(rec, n, f, a, px, 0);
            Path png = ImageFiles.write(io.out, px, n, shape[0], shape[1]);
            System.out.println("wrote " + n + " recalled images to " + io.out + (png != null ? " and " + png : ""));
            truth.print(px, mask, n, shape[0], shape[1]);
            return 0;
        }
    }
}
