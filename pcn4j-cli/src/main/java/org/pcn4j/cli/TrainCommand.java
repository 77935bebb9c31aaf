package org.pcn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.data.InputAffine;
import org.pcn4j.data.Normalization;
import org.pcn4j.fit.Checkpoint;
import org.pcn4j.fit.Fit;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.fit.FitListener;
import org.pcn4j.fit.FitMetadata;
import org.pcn4j.fit.FitResult;
import org.pcn4j.graph.Graph;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.model.PcModel;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pcn4j train}: options -> configs -> listeners (console, run folder, plots) -> {@link Fit}.
 * The training loop, evaluation, the divergence guard and model selection live in core.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Train a predictive coding network on a dataset.",
                "Writes config.json, metrics.jsonl, model.safetensors and PNG plots into --out."})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML or JSON file with the same keys as these options, e.g. a run's own config.json"
                    + " (flags override it).")
    Path config;

    @Mixin Options.Data data = new Options.Data();
    @Mixin Options.Model model = new Options.Model();
    @Mixin Options.Inference inference = new Options.Inference();
    @Mixin Options.Optimizer optimizer = new Options.Optimizer();
    @Mixin Options.Loop loop = new Options.Loop();
    @Mixin ThreadsOption threads = new ThreadsOption();
    @Mixin Options.Parallel parallel = new Options.Parallel();
    @Mixin Options.Run run = new Options.Run();

    @Spec
    CommandSpec commandSpec;

    @Mixin SparkOptions spark = new SparkOptions();

    /** Set on a distributed worker that is handed its rows instead of reading the dataset. */
    DistributedTraining.ShardData shardData;

    /** What training needs before any output is written (also what a distributed worker rebuilds). */
    record Setup(PcModel net, Fit fit, TrainConfig tc, FitConfig fc, Algorithm alg, boolean generative,
                 ModelBuilder.Built built) {}

    Setup setup() {
        ProgressBar.quiet(run.quiet);
        threads.apply();
        org.pcn4j.model.ParallelSchedule schedule = parallel.schedule(); // a typo fails before data loads
        Algorithm alg = inference.parsedAlgorithm();
        boolean generative = model.generative();
        boolean ipcRecipe = !generative && alg == Algorithm.IPC; // iPC's own defaults (docs/defaults.md)
        if (alg == Algorithm.IPC) {
            // iPC moves the weights inside every inference step; resolveDefaults turns both off for it.
            for (String flag : new String[] {"--state-backtrack", "--state-precondition"}) {
                Boolean on = flag.equals("--state-backtrack") ? inference.stateBacktrack : inference.statePrecondition;
                if (Boolean.TRUE.equals(on) && commandSpec != null
                        && commandSpec.commandLine().getParseResult().hasMatchedOption(flag)) {
                    System.err.println("pcn4j: warning: " + flag + " has no effect with --algorithm ipc"
                            + " (it updates the weights inside each inference step)");
                }
            }
        }
        inference.resolveDefaults(ipcRecipe, model.hiddenPrecision(), alg == Algorithm.IPC);
        FitConfig fc = loop.config(generative);
        if (shardData != null) {
            fc = fc.toBuilder().validation(0).build(); // the driver held the validation rows out already
        }
        DatasetSplits splits = shardData != null ? shardData.shard() : spark.isTable(data.dataset)
                ? spark.readTable(data.dataset) : Datasets.load(data.dataset, data.dataDir, null, ProgressBar.onTerminal(null));
        Normalization norm = resolveNormalization(model.normalize, splits);
        splits = splits.withNormalization(norm);
        model.normalize = norm.id();

        ModelBuilder.Built built = ModelBuilder.build(model, alg, splits, loop.seed, commandSpec);
        PcModel net = built.model();
        if (!net.network().isAcyclic() && (alg == Algorithm.BP || alg == Algorithm.ZIL || alg == Algorithm.FPA)) {
            throw new PcnException("--algorithm " + alg.id() + " computes backprop's gradients and needs an acyclic graph;"
                    + " this graph has cycles (use pc, ipc or pc-nudge)");
        }
        Fit fit = Fit.prepare(net, splits, shardData != null ? shardData.affine() : built.affine(), fc);
        long total = fit.plannedUpdates(alg, inference.inferenceSteps);
        optimizer.resolveDefaults(generative, ipcRecipe, total);
        optimizer.config(); // range checks before the schedule uses them
        Schedule sched = optimizer.schedule.equalsIgnoreCase("constant") ? Schedule.constant(optimizer.lr)
                : Schedule.parse(optimizer.schedule, optimizer.lr, Math.round(optimizer.warmup * total), Math.max(1, total));
        TrainConfig tc = TrainConfig.builder().rule(inference.rule()).inference(inference.config())
                .optimizer(optimizer.config()).schedule(sched).clipNorm(optimizer.clipNorm).parallel(schedule).build();
        loop.evalInferenceSteps = fit.evalInferenceSteps(tc);
        return new Setup(net, fit, tc, fc, alg, generative, built);
    }

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        spark.check();
        Setup setup = setup();
        PcModel net = setup.net();
        Fit fit = setup.fit();
        TrainConfig tc = setup.tc();
        FitConfig fc = setup.fc();
        Algorithm alg = setup.alg();
        boolean generative = setup.generative();
        InputAffine affine = fit.affine();

        if (run.resume != null && run.out != null && !run.out.toAbsolutePath().normalize()
                .equals(run.resume.toAbsolutePath().normalize())) {
            throw new PcnException("--resume " + run.resume + " continues in its own folder; drop --out " + run.out);
        }
        Path dir = run.resume != null ? run.resume : run.out != null ? run.out : Paths.get("runs",
                data.dataset.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + alg.id() + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Checkpoint checkpoint = run.resume == null ? null
                : Checkpoint.read(run.resume.resolve(TrainListeners.Folder.CHECKPOINT));
        RunDir rd = RunDir.create(dir, run.overwrite || run.resume != null);
        if (checkpoint == null) {
            // An --overwrite run must not leave the replaced run's checkpoint for a later --resume.
            java.nio.file.Files.deleteIfExists(rd.path(TrainListeners.Folder.CHECKPOINT));
        }
        if (alg == Algorithm.PC && inference.inferenceSteps < net.depth() + 1 && fc.epochs() > 0) {
            System.err.printf(Locale.ROOT, "pcn4j: warning: T = %d inference steps is fewer than the %d layers plus one:"
                    + " errors cannot reach the first layers (use -T %d or more)%n", inference.inferenceSteps,
                    net.depth(), net.depth() + 1);
        }
        Map<String, Object> resolved = ResolvedOptions.of(commandSpec, fit.data().source());
        rd.writeJson("config.json", resolved);
        Map<String, String> meta = metadata(fit.data(), net, affine, alg, tc, fc, generative);

        if (fc.epochs() == 0) {
            rd.saveModel(net, affine, meta);
            rd.truncate("metrics.jsonl");
            System.out.println("wrote the initialized model to " + rd.path(RunDir.MODEL));
            return 0;
        }
        TrainListeners.Console console = new TrainListeners.Console(run.quiet);
        TrainListeners.Folder folder = new TrainListeners.Folder(rd, net, affine, meta);
        if (checkpoint != null) {
            folder.resumeFrom(checkpoint);
            System.err.printf(Locale.ROOT, "pcn4j: resuming %s after %d epochs (%d updates)%n", dir,
                    checkpoint.epochsDone(), checkpoint.updates());
        }
        FitListener start = new FitListener() {
            @Override
            public void onStart(Start s) {
                DatasetSplits d = s.data();
                System.err.printf(Locale.ROOT, "pcn4j: training %s on %s (%d train%s%s), %s, %s kernels x %d threads%n",
                        net.describe(), data.dataset, d.train().size(),
                        d.validation() != null ? ", " + d.validation().size() + " validation" : "",
                        d.hasTest() ? ", " + d.test().size() + " test" : "", alg.id(), Kernels.get().name(),
                        Backends.threads());
            }
        };
        FitResult result;
        try {
            result = spark.master == null ? fit.run(tc, List.of(start, console, folder), checkpoint)
                    : spark.run(commandSpec, setup, List.of(start, console, folder), checkpoint);
        } finally {
            console.clear();
        }
        if (!run.noPlots && !folder.history().isEmpty()) {
            RunPlots.write(rd, folder.history(), net.output().name());
        }
        if (result.diverged()) {
            throw new PcnException("training stopped: " + result.events().get(result.events().size() - 1).describe()
                    + (folder.saved() ? "; " + rd.path(RunDir.MODEL) + " holds epoch " + result.keptEpoch()
                    : "; no epoch completed, so no model was written") + " (try a smaller --state-lr or --lr)");
        }
        summary(result, rd, generative, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private void summary(FitResult result, RunDir rd, boolean generative, double secs) {
        Map<String, Object> last = result.last();
        if (result.stopReason() != null) {
            System.err.println("pcn4j: stopped: " + result.stopReason().replace("max-steps", "--max-steps"));
        }
        int epochsRun = ((Number) last.get("epoch")).intValue();
        if (result.keptEpoch() != epochsRun) {
            System.err.println("pcn4j: kept the model of epoch " + result.keptEpoch() + " (--keep " + loop.keep + ")");
        }
        StringBuilder sb = new StringBuilder();
        if (last.containsKey("test_accuracy")) {
            sb.append(String.format(Locale.ROOT, "test accuracy %.2f %% after %d epochs (%.1f s)%n",
                    100 * (double) last.get("test_accuracy"), epochsRun, secs));
        } else if (generative) {
            sb.append(String.format(Locale.ROOT, "train energy %.4f after %d epochs (%.1f s)%n",
                    (double) last.get("train_energy"), epochsRun, secs));
        } else {
            sb.append(String.format(Locale.ROOT, "train accuracy %.2f %% after %d epochs (%.1f s)%n",
                    100 * (double) last.get("train_accuracy"), epochsRun, secs));
        }
        sb.append("model:   ").append(rd.path(RunDir.MODEL)).append('\n');
        sb.append("metrics: ").append(rd.path("metrics.jsonl")).append('\n');
        if (!run.noPlots) {
            sb.append("plots:   ").append(rd.path("accuracy.png")).append(", ").append(rd.path("energy.png"))
                    .append(", ").append(rd.path("inference.png")).append('\n');
        }
        System.out.print(sb);
    }

    private Map<String, String> metadata(DatasetSplits d, PcModel net, InputAffine affine, Algorithm alg, TrainConfig tc,
                                         FitConfig fc, boolean generative) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("dataset", data.dataset);
        extra.put("normalize", model.normalize);
        extra.put("weight_optimizer", optimizer.optimizer);
        extra.put("weight_lr", optimizer.lr);
        extra.put("schedule", optimizer.schedule);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("classes", Json.write(d.classNames()));
        meta.put("dataset", data.dataset);
        meta.put("algorithm", alg.id());
        meta.put("config", Json.write(FitMetadata.describe(tc, fc, extra)));
        if (generative) {
            meta.put("mode", "generative");
            // Generative graphs: the label is the input role, the image the target (Generative.spec's names for --model).
            meta.put("image_node", net.output().name());
            meta.put("label_node", net.input().name());
            meta.put("image_shape", Json.write(java.util.Arrays.stream(d.train().shape()).boxed().toList()));
        }
        if (net instanceof Graph) {
            // Where generation can start the image from (generate --image-start mean).
            meta.put("image_mean", ModelBuilder.imageMean(d.train(), affine));
        }
        return meta;
    }

    /** {@code --normalize} for dataset {@code d}: the named one, or for auto the dataset's own with [0, 1] images as [-1, 1]. */
    static Normalization resolveNormalization(String normalize, DatasetSplits d) {
        if (normalize.equalsIgnoreCase("auto")) {
            // Images go to [-1, 1], as in pcx's published benchmarks: on the digits this alone moved
            // PC from about 95 % to 97-99 % test accuracy over [0, 1] inputs (BENCHMARKS.md).
            return d.normalization() == Normalization.SCALE01 ? Normalization.SYMMETRIC : d.normalization();
        }
        return Normalization.parse(normalize);
    }

    static void checkFits(PcModel model, DatasetSplits data, String what) {
        ModelBuilder.checkFits(model, data, what);
    }

    /** Default inference steps for classifying with a generative model (clamp the image, infer the label). */
    static final int GENERATIVE_EVAL_STEPS = Fit.GENERATIVE_EVAL_STEPS;
}
