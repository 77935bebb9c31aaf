package org.pcn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pcn4j.PcnException;
import org.pcn4j.data.Augment;
import org.pcn4j.data.Batches;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.data.InputAffine;
import org.pcn4j.data.Normalization;
import org.pcn4j.graph.Generative;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.Json;
import org.pcn4j.io.ModelFile;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.model.Convention;
import org.pcn4j.model.DivergenceException;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcModel;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.Nudge;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pcn4j train}: trains a layered PC network (or its backprop twin) on a dataset. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = {"Train a predictive coding network on a dataset.",
                "Writes config.json, metrics.jsonl, model.safetensors and PNG plots into --out."})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML or JSON file with the same keys as these options (flags override it).")
    Path config;

    @Option(names = "--dataset", defaultValue = "digits", paramLabel = "NAME",
            description = "mnist, fashion-mnist, digits (embedded), cifar10, imagefolder:DIR or csv:PATH"
                    + " (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Folder with the four IDX files (mnist, fashion-mnist) or CIFAR-10's archive or .bin files.")
    Path dataDir;

    @Option(names = "--normalize", defaultValue = "auto", paramLabel = "MODE",
            description = "scale01, symmetric ([-1, 1]), standardize, standardize_channels (per-channel mean and std"
                    + " of the training split) or none; auto: symmetric for images, none for CSV.")
    String normalize;

    @Option(names = "--augment", defaultValue = "none", paramLabel = "LIST",
            description = "Training-batch augmentation, seeded: crop (random crop of the image padded by 4 pixels;"
                    + " crop:P for P), flip (horizontal, p = 1/2), e.g. crop,flip; none (default).")
    String augment;

    @Option(names = "--mode", defaultValue = "discriminative", paramLabel = "MODE",
            description = "discriminative (image -> label) or generative (label -> image, the --model sizes read"
                    + " bottom-up: image first, label last; see README \"Generation\") (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--graph", paramLabel = "FILE",
            description = "Train a PC graph (YAML or JSON nodes and edges) instead of a layered --model.")
    Path graph;

    @Option(names = "--model", paramLabel = "SIZES",
            description = "Layer sizes from input to output, e.g. 784-128-128-128-10 (default: INPUT-128-128-CLASSES).")
    String model;

    @Option(names = "--activation", defaultValue = "gelu", description = "Hidden activation: identity, tanh, sigmoid, relu, leaky_relu, gelu, gelu_tanh (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--output-activation", defaultValue = "identity", description = "Activation of the last layer (default: ${DEFAULT-VALUE}).")
    String outputActivation;

    @Option(names = "--convention", defaultValue = "post", description = "post: mu = f(Wx + b); pre: mu = W f(x) + b (default: ${DEFAULT-VALUE}).")
    String convention;

    @Option(names = {"--output-energy", "--loss"}, defaultValue = "gaussian",
            description = "Output energy: gaussian (squared error) or cross_entropy (default: ${DEFAULT-VALUE}).")
    String outputEnergy;

    @Option(names = "--init", defaultValue = "default", description = "Weight init: default (PyTorch nn.Linear), xavier, kaiming, normal.")
    String init;

    @Option(names = "--init-from", paramLabel = "MODEL", description = "Start from a saved model.safetensors.")
    Path initFrom;

    @Option(names = "--algorithm", defaultValue = "pc", description = "pc, ipc, fpa, zil, pc-nudge or bp (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = {"--inference-steps", "-T"}, defaultValue = "8", description = "State updates per batch, T (default: ${DEFAULT-VALUE}).")
    int inferenceSteps;

    @Option(names = "--state-optimizer", defaultValue = "sgd", description = "sgd or adam, for the states (default: ${DEFAULT-VALUE}).")
    String stateOptimizer;

    @Option(names = "--state-lr", defaultValue = "0.1", description = "State learning rate gamma (default: ${DEFAULT-VALUE}).")
    double stateLr;

    @Option(names = "--state-momentum", defaultValue = "0.5", description = "State SGD momentum (default: ${DEFAULT-VALUE}).")
    double stateMomentum;

    @Option(names = "--energy-tolerance", defaultValue = "0", description = "Stop inference early when the energy changes by less than this fraction (0: never).")
    double energyTolerance;

    @Option(names = "--nudge", defaultValue = "centered", description = "pc-nudge: positive, negative or centered (default: ${DEFAULT-VALUE}).")
    String nudge;

    @Option(names = "--beta", defaultValue = "0.1", description = "pc-nudge strength (default: ${DEFAULT-VALUE}).")
    double beta;

    @Option(names = "--optimizer", defaultValue = "adamw", description = "Weights: sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Weight learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0", description = "Weight SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--nesterov", description = "Nesterov momentum for weight SGD.")
    boolean nesterov;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Weight decay: decoupled for adamw, L2 for sgd and adam (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--clip-norm", defaultValue = "0", description = "Clip the weight gradient's global L2 norm (0: off).")
    double clipNorm;

    @Option(names = "--schedule", defaultValue = "constant", description = "constant or warmup-cosine (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--warmup", defaultValue = "0.1", description = "warmup-cosine: warmup as a fraction of all updates (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--epochs", defaultValue = "20", description = "Epochs; 0 writes the initialized model and stops (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-steps", defaultValue = "0", description = "Stop after this many weight updates (0: no limit).")
    long maxSteps;

    @Option(names = "--no-shuffle", description = "Keep the dataset order.")
    boolean noShuffle;

    @Option(names = "--validation", defaultValue = "0", description = "Fraction of the training split held out for validation.")
    double validation;

    @Option(names = "--eval-inference-steps", description = "Evaluate by this many inference steps with the output free;"
            + " 0: a feedforward pass, the energy minimum of an acyclic network (default: 0, or T for a graph with cycles,"
            + " where a feedforward pass is not the minimum; generative models: " + GENERATIVE_EVAL_STEPS
            + " steps per clamped label, lowest energy wins).")
    Integer evalInferenceSteps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for init and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ThreadsOption threads = new ThreadsOption();

    @Option(names = "--out", paramLabel = "RUNDIR", description = "Output folder (default: runs/DATASET-ALGORITHM-TIMESTAMP).")
    Path out;

    @Option(names = "--no-plots", description = "Do not write PNG plots.")
    boolean noPlots;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Spec
    CommandSpec commandSpec;

    /** Options that describe a layered model, meaningless with --graph. */
    private static final String[] MLP_OPTIONS = {"--model", "--activation", "--output-activation", "--convention",
        "--output-energy"};

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        threads.apply();
        Algorithm alg = Algorithm.parse(algorithm);
        validateNumbers();
        DatasetSplits data = Datasets.load(dataset, dataDir);
        Normalization norm = resolveNormalization(data);
        data = data.withNormalization(norm);
        if (validation > 0) {
            data = data.withValidation(validation, seed);
        }
        Dataset test = data.hasTest() ? data.test() : null;

        PcModel net;
        InputAffine affine = data.inputAffine();
        boolean generative = parseMode(mode);
        if (generative) {
            if (graph != null || initFrom != null) {
                throw new PcnException("--mode generative builds its graph from --model; --graph and --init-from are not supported with it");
            }
            if (alg != Algorithm.PC && alg != Algorithm.IPC) {
                throw new PcnException("--mode generative trains with --algorithm pc or ipc, not " + alg.id());
            }
        }
        if (graph != null) {
            for (String o : MLP_OPTIONS) {
                if (commandSpec != null && commandSpec.commandLine().getParseResult().hasMatchedOption(o)) {
                    throw new PcnException(o + " describes a layered model; with --graph the graph file describes it");
                }
            }
            if (initFrom != null) {
                throw new PcnException("give --graph or --init-from, not both (a graph model file holds its graph)");
            }
        }
        if (generative) {
            int[] sizes = model == null
                    ? new int[] {data.features(), 128, 128, data.classes()}
                    : MlpSpec.parseSizes(model);
            if (sizes[0] != data.features() || sizes[sizes.length - 1] != data.classes()) {
                throw new PcnException("--model " + model + ": a generative model's sizes go from the image ("
                        + data.features() + " values in " + data.name() + ") to the label (" + data.classes()
                        + " classes), e.g. " + data.features() + "-128-128-" + data.classes());
            }
            Graph g = new Graph(Generative.spec(sizes, Activation.parse(activation)));
            g.initialize(init, seed);
            net = g;
        } else if (initFrom != null) {
            ModelFile.LoadedModel loaded = ModelFile.loadModel(initFrom);
            net = loaded.model();
            affine = loaded.affine();
            checkFits(net, data, "--init-from " + initFrom);
        } else if (graph != null) {
            GraphSpec gs = GraphFiles.load(graph);
            Graph g = new Graph(gs);
            checkFits(g, data, "--graph " + graph);
            g.initialize(init, seed);
            net = g;
        } else {
            int[] sizes = model == null
                    ? new int[] {data.features(), 128, 128, data.classes()}
                    : MlpSpec.parseSizes(model);
            MlpSpec spec = new MlpSpec(sizes, Activation.parse(activation), Activation.parse(outputActivation),
                    Convention.parse(convention), Energy.parse(outputEnergy));
            Mlp mlp = new Mlp(spec);
            checkFits(mlp, data, "--model " + spec.sizesString());
            mlp.initialize(init, seed);
            net = mlp;
        }
        if (evalInferenceSteps == null) {
            evalInferenceSteps = generative ? GENERATIVE_EVAL_STEPS : net.network().isAcyclic() ? 0 : inferenceSteps;
        }
        if (!net.network().isAcyclic() && (alg == Algorithm.BP || alg == Algorithm.ZIL || alg == Algorithm.FPA)) {
            throw new PcnException("--algorithm " + alg.id() + " computes backprop's gradients and needs an acyclic graph;"
                    + " this graph has cycles (use pc, ipc or pc-nudge)");
        }

        Path dir = out != null ? out : Paths.get("runs", dataset.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + alg.id() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        RunDir run = RunDir.create(dir);

        Batches train = new Batches(data.train(), affine, batchSize, !noShuffle, seed).augment(Augment.parse(augment));
        long totalUpdates = (long) epochs * train.batchesPerEpoch() * (alg == Algorithm.IPC ? inferenceSteps : 1);
        if (maxSteps > 0) {
            totalUpdates = Math.min(totalUpdates, maxSteps);
        }
        Schedule sched = schedule.equalsIgnoreCase("constant") ? Schedule.constant(lr)
                : Schedule.parse(schedule, lr, Math.round(warmup * totalUpdates), Math.max(1, totalUpdates));
        OptimizerConfig.Kind kind = OptimizerConfig.Kind.parse(optimizer);
        OptimizerConfig opt = new OptimizerConfig(kind, kind == OptimizerConfig.Kind.SGD ? momentum : 0,
                nesterov, weightDecay, 0.9, 0.999, 1e-8);
        InferenceConfig inf = new InferenceConfig(inferenceSteps, OptimizerConfig.Kind.parse(stateOptimizer), stateLr,
                stateMomentum, energyTolerance);
        TrainConfig tc = new TrainConfig(alg, inf, opt, sched, clipNorm, Nudge.parse(nudge), beta);
        Trainer trainer = new Trainer(net.network(), net.input(), net.output(), tc);

        if (alg == Algorithm.PC && inferenceSteps < net.depth() + 1 && epochs > 0) {
            System.err.printf(Locale.ROOT, "pcn4j: warning: T = %d inference steps is fewer than the %d layers plus one:"
                    + " errors cannot reach the first layers (use -T %d or more)%n", inferenceSteps, net.depth(), net.depth() + 1);
        }

        Map<String, Object> resolved = resolvedConfig(data, net, alg, norm);
        run.writeJson("config.json", resolved);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("classes", Json.write(data.classNames()));
        meta.put("dataset", dataset);
        meta.put("algorithm", alg.id());
        meta.put("config", Json.write(resolved));
        Node imageNode = generative ? ((Graph) net).node(Generative.IMAGE) : null;
        Node labelNode = generative ? ((Graph) net).node(Generative.LABEL) : null;
        if (generative) {
            meta.put("mode", "generative");
            meta.put("image_node", Generative.IMAGE);
            meta.put("label_node", Generative.LABEL);
            meta.put("image_shape", Json.write(java.util.Arrays.stream(data.train().shape()).boxed().toList()));
        }
        if (net instanceof Graph) {
            // Where generation can start the image from (generate --image-start mean).
            meta.put("image_mean", imageMean(data.train(), affine));
        }

        if (epochs == 0) {
            ModelFile.save(run.path("model.safetensors"), net, affine, meta);
            run.truncate("metrics.jsonl");
            System.out.println("wrote the initialized model to " + run.path("model.safetensors"));
            return 0;
        }

        // The initial model is the first "last good model", should the very first epoch diverge.
        ModelFile.save(run.path("model.safetensors"), net, affine, meta);
        System.err.printf(Locale.ROOT, "pcn4j: training %s on %s (%d train%s), %s, %s kernels x %d threads%n",
                net.describe(), dataset, data.train().size(), test != null ? ", " + test.size() + " test" : "",
                alg.id(), Kernels.get().name(), Backends.threads());
        run.truncate("metrics.jsonl");
        List<Map<String, Object>> history = new ArrayList<>();
        ProgressBar progress = quiet ? null
                : ProgressBar.items(new java.io.PrintWriter(System.err, true), "batches");
        boolean stop = false;
        String stopReason = null;
        int epoch = 0;
        while (epoch < epochs && !stop) {
            epoch++;
            long e0 = System.nanoTime();
            train.startEpoch(epoch - 1);
            double lossSum = 0;
            double energySum = 0;
            long seen = 0;
            long correct = 0;
            int nb = 0;
            InferenceTrace traceSum = new InferenceTrace(trainer.tracedNodes());
            if (progress != null) {
                progress.start("epoch " + epoch + "/" + epochs, train.batchesPerEpoch());
            }
            while (train.next()) {
                Trainer.StepResult r;
                try {
                    r = generative ? trainer.step(train.oneHot(), train.x(), train.size())
                            : trainer.step(train.x(), train.oneHot(), train.size());
                } catch (DivergenceException d) {
                    if (progress != null) {
                        progress.clear();
                    }
                    throw new PcnException(d.getMessage() + " in epoch " + epoch + ", batch " + (nb + 1) + " (update "
                            + (trainer.updates() + 1) + "); kept the last good model in " + run.path("model.safetensors")
                            + " — try a smaller --state-lr or --lr");
                }
                lossSum += r.loss() * train.size();
                energySum += r.finalEnergy() * train.size();
                seen += train.size();
                correct += r.correct();
                nb++;
                traceSum.add(trainer.energyTrace());
                if (progress != null) {
                    progress.setLabel(String.format(Locale.ROOT, "epoch %d/%d  loss %.4f", epoch, epochs, lossSum / seen));
                    progress.update(nb);
                }
                if (maxSteps > 0 && trainer.updates() >= maxSteps) {
                    stop = true;
                    stopReason = "reached --max-steps " + maxSteps;
                    break;
                }
            }
            if (progress != null) {
                progress.clear();
            }
            double seconds = (System.nanoTime() - e0) / 1e9;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", epoch);
            m.put("train_loss", lossSum / seen);
            m.put("train_energy", energySum / seen);
            if (!generative) {
                // (In generative mode the step's "correct" compares images, not classes.)
                m.put("train_accuracy", (double) correct / seen);
            }
            Evaluation.Predictor predictor = generative
                    ? Evaluation.generative(trainer, imageNode, labelNode, evalInferenceSteps)
                    : Evaluation.discriminative(trainer, evalInferenceSteps);
            if (data.validation() != null) {
                m.put("validation_accuracy", Evaluation.accuracy(data.validation(), affine, predictor));
            }
            if (test != null) {
                m.put("test_accuracy", Evaluation.accuracy(test, affine, predictor));
            }
            m.put("epoch_seconds", seconds);
            m.put("samples_per_second", seen / seconds);
            m.put("updates", trainer.updates());
            m.put("lr", sched.rate(Math.max(0, trainer.updates() - 1)));
            m.put("inference_energy", traceSum.mean());
            history.add(m);
            run.appendJsonLine("metrics.jsonl", m);
            // Saved every epoch, so a later divergence leaves the last good model in place.
            ModelFile.save(run.path("model.safetensors"), net, affine, meta);
            System.err.println(epochLine(m));
        }
        if (!noPlots) {
            RunPlots.write(run, history, net.output().name());
        }
        Map<String, Object> last = history.get(history.size() - 1);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (stopReason != null) {
            System.err.println("pcn4j: stopped: " + stopReason);
        }
        StringBuilder sb = new StringBuilder();
        if (last.containsKey("test_accuracy")) {
            sb.append(String.format(Locale.ROOT, "test accuracy %.2f %% after %d epochs (%.1f s)%n",
                    100 * (double) last.get("test_accuracy"), history.size(), secs));
        } else if (generative) {
            sb.append(String.format(Locale.ROOT, "train energy %.4f after %d epochs (%.1f s)%n",
                    (double) last.get("train_energy"), history.size(), secs));
        } else {
            sb.append(String.format(Locale.ROOT, "train accuracy %.2f %% after %d epochs (%.1f s)%n",
                    100 * (double) last.get("train_accuracy"), history.size(), secs));
        }
        sb.append("model:   ").append(run.path("model.safetensors")).append('\n');
        sb.append("metrics: ").append(run.path("metrics.jsonl")).append('\n');
        if (!noPlots) {
            sb.append("plots:   ").append(run.path("accuracy.png")).append(", ").append(run.path("energy.png"))
                    .append(", ").append(run.path("inference.png")).append('\n');
        }
        System.out.print(sb);
        return 0;
    }

    private void validateNumbers() {
        if (batchSize <= 0) {
            throw new PcnException("--batch-size must be positive, got " + batchSize);
        }
        if (epochs < 0) {
            throw new PcnException("--epochs must be >= 0, got " + epochs);
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new PcnException("--lr must be a finite number >= 0, got " + lr);
        }
        if (validation < 0 || validation >= 1) {
            throw new PcnException("--validation must be in [0, 1), got " + validation);
        }
        if (maxSteps < 0) {
            throw new PcnException("--max-steps must be >= 0, got " + maxSteps);
        }
    }

    private Normalization resolveNormalization(DatasetSplits data) {
        if (normalize.equalsIgnoreCase("auto")) {
            // Images go to [-1, 1], as in pcx's published benchmarks: on the digits this alone moved
            // PC from about 95 % to 97-99 % test accuracy over [0, 1] inputs (BENCHMARKS.md).
            return data.normalization() == Normalization.SCALE01 ? Normalization.SYMMETRIC : data.normalization();
        }
        return Normalization.parse(normalize);
    }

    static void checkFits(PcModel model, DatasetSplits data, String what) {
        if (model instanceof Graph) {
            Node in = model.input();
            Node out = model.output();
            if (in.size() != data.features()) {
                throw new PcnException(what + ": input node '" + in.name() + "' has size " + in.size()
                        + ", but " + data.name() + " inputs have " + data.features() + " values");
            }
            if (out.size() != data.classes()) {
                throw new PcnException(what + ": target node '" + out.name() + "' has size " + out.size()
                        + ", but " + data.name() + " has " + data.classes() + " classes");
            }
            return;
        }
        MlpSpec spec = ((Mlp) model).spec();
        if (spec.inputSize() != data.features()) {
            throw new PcnException(what + ": the first size " + spec.inputSize() + " does not fit " + data.name()
                    + ", whose inputs have " + data.features() + " values");
        }
        if (spec.outputSize() != data.classes()) {
            throw new PcnException(what + ": the last size " + spec.outputSize() + " does not fit " + data.name()
                    + ", which has " + data.classes() + " classes");
        }
    }

    private Map<String, Object> resolvedConfig(DatasetSplits data, PcModel net, Algorithm alg, Normalization norm) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("dataset", dataset);
        c.put("data-dir", dataDir == null ? null : dataDir.toAbsolutePath().toString());
        c.put("data-source", data.source());
        c.put("normalize", norm.id());
        c.put("augment", Augment.parse(augment).toString());
        c.put("mode", mode);
        if (net instanceof Mlp) {
            MlpSpec spec = ((Mlp) net).spec();
            c.put("model", spec.sizesString());
            c.put("activation", spec.activation().id());
            c.put("output-activation", spec.outputActivation().id());
            c.put("convention", spec.convention().id());
            c.put("output-energy", spec.outputEnergy().id());
        } else if (graph == null && model != null) {
            c.put("model", model);
            c.put("activation", activation);
        } else {
            // The graph itself is in the model file's metadata ("graph").
            c.put("graph", graph == null ? null : graph.toString());
        }
        c.put("init", init);
        c.put("init-from", initFrom == null ? null : initFrom.toString());
        c.put("algorithm", alg.id());
        c.put("inference-steps", inferenceSteps);
        c.put("state-optimizer", stateOptimizer);
        c.put("state-lr", stateLr);
        c.put("state-momentum", stateMomentum);
        c.put("energy-tolerance", energyTolerance);
        if (alg == Algorithm.PC_NUDGE) {
            c.put("nudge", nudge);
            c.put("beta", beta);
        }
        c.put("optimizer", optimizer);
        c.put("lr", lr);
        c.put("momentum", momentum);
        c.put("nesterov", nesterov);
        c.put("weight-decay", weightDecay);
        c.put("clip-norm", clipNorm);
        c.put("schedule", schedule);
        c.put("warmup", warmup);
        c.put("epochs", epochs);
        c.put("batch-size", batchSize);
        c.put("max-steps", maxSteps);
        c.put("shuffle", !noShuffle);
        c.put("validation", validation);
        c.put("eval-inference-steps", evalInferenceSteps);
        c.put("seed", seed);
        c.put("threads", Backends.threads());
        c.put("kernels", Kernels.get().name());
        c.put("java", Runtime.version().toString());
        return c;
    }

    /** The training images' mean as the data node sees them (normalized), a JSON list, 4 decimals. */
    static String imageMean(org.pcn4j.data.Dataset train, InputAffine affine) {
        int f = train.features();
        double[] sum = new double[f];
        Batches b = new Batches(train, affine, 256, false, 0);
        b.startEpoch(0);
        while (b.next()) {
            float[] x = b.x();
            for (int i = 0; i < b.size(); i++) {
                for (int j = 0; j < f; j++) {
                    sum[j] += x[i * f + j];
                }
            }
        }
        List<Object> mean = new ArrayList<>(f);
        for (int j = 0; j < f; j++) {
            mean.add(Math.round(sum[j] / Math.max(1, train.size()) * 1e4) / 1e4);
        }
        return Json.write(mean);
    }

    /** Default inference steps for classifying with a generative model (clamp the image, infer the label). */
    static final int GENERATIVE_EVAL_STEPS = 20;

    static boolean parseMode(String mode) {
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "discriminative": return false;
            case "generative": return true;
            default: throw new PcnException("unknown --mode '" + mode + "' (expected discriminative or generative)");
        }
    }

    private static String epochLine(Map<String, Object> m) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "epoch %3d  loss %.4f  energy %.4f",
                (int) m.get("epoch"), (double) m.get("train_loss"), (double) m.get("train_energy")));
        if (m.containsKey("train_accuracy")) {
            b.append(String.format(Locale.ROOT, "  train %.2f%%", 100 * (double) m.get("train_accuracy")));
        }
        if (m.containsKey("validation_accuracy")) {
            b.append(String.format(Locale.ROOT, "  val %.2f%%", 100 * (double) m.get("validation_accuracy")));
        }
        if (m.containsKey("test_accuracy")) {
            b.append(String.format(Locale.ROOT, "  test %.2f%%", 100 * (double) m.get("test_accuracy")));
        }
        b.append(String.format(Locale.ROOT, "  %.2f s  %.0f samples/s", (double) m.get("epoch_seconds"),
                (double) m.get("samples_per_second")));
        return b.toString();
    }

    /** Mean energy per inference step and node over an epoch's batches. */
    static final class InferenceTrace {
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
}
