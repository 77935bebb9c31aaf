package org.pcn4j.cli;

import java.nio.file.Path;
import org.pcn4j.data.Augment;
import org.pcn4j.PcnException;
import org.pcn4j.fit.Fit;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.Nudge;
import org.pcn4j.train.NudgeRule;
import org.pcn4j.train.UpdateRule;
import picocli.CommandLine.Option;

/**
 * The option groups the commands share, each declared once (picocli mixins): the dataset, the
 * model, inference, the weight optimizer, the training loop and the run folder. A command that
 * takes an option takes it from here, so names, defaults and help agree everywhere. The memory
 * commands keep their own group ({@code MemoryCommand.MemoryOptions}: every default differs, 5 steps
 * and state rate 0.1 with momentum 0.5) with the same flag names and the same checks
 * ({@link #steps}, {@link #finiteAtLeast}); {@code MemoryOptionsTest} holds both.
 */
final class Options {
    private Options() {}

    /** Caps that stop a typo from running for ever. */
    static final int MAX_INFERENCE_STEPS = 100_000;

    /** {@code --dataset}, {@code --data-dir}. */
    static final class Data {
        @Option(names = "--dataset", defaultValue = "digits", paramLabel = "NAME",
                description = "mnist, fashion-mnist, digits (embedded), cifar10, imagefolder:DIR or csv:PATH"
                        + " (default: ${DEFAULT-VALUE}).")
        String dataset;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Folder with the four IDX files (mnist, fashion-mnist) or CIFAR-10's archive or .bin files.")
        Path dataDir;
    }

    /** What network to train: a layered model, a graph, a generative model or a saved one. */
    static final class Model {
        @Option(names = "--normalize", defaultValue = "auto", paramLabel = "MODE",
                description = "scale01, symmetric ([-1, 1]), standardize, standardize_channels (per-channel mean and std"
                        + " of the training split) or none; auto: symmetric for images, none for CSV"
                        + " (default: ${DEFAULT-VALUE}).")
        String normalize;

        @Option(names = "--mode", defaultValue = "discriminative", paramLabel = "MODE",
                description = "discriminative (image -> label) or generative (label -> image, the --model sizes read"
                        + " bottom-up: image first, label last; or a --graph whose input node is the label and target node the image,"
                        + " e.g. examples/conv-decoder.yaml; see README \"Generation\") (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--graph", paramLabel = "FILE",
                description = "Train a PC graph (YAML or JSON nodes and edges) instead of a layered --model.")
        Path graph;

        @Option(names = "--model", paramLabel = "SIZES",
                description = "Layer sizes from input to output, e.g. 784-128-128-128-10 (default: INPUT-128-128-CLASSES).")
        String model;

        @Option(names = "--activation", defaultValue = "gelu", paramLabel = "F",
                description = "Hidden activation: identity, tanh, sigmoid, relu, leaky_relu, gelu, gelu_tanh"
                        + " (default: ${DEFAULT-VALUE}).")
        String activation;

        @Option(names = "--output-activation", defaultValue = "identity", paramLabel = "F",
                description = "Activation of the last layer (default: ${DEFAULT-VALUE}).")
        String outputActivation;

        @Option(names = "--convention", defaultValue = "post", paramLabel = "C",
                description = "post: mu = f(Wx + b); pre: mu = W f(x) + b (default: ${DEFAULT-VALUE}).")
        String convention;

        @Option(names = {"--output-energy", "--loss"}, defaultValue = "gaussian", paramLabel = "E",
                description = "Output energy: gaussian (squared error) or cross_entropy (default: ${DEFAULT-VALUE}).")
        String outputEnergy;

        @Option(names = "--init", defaultValue = "default", paramLabel = "INIT",
                description = "Weight init: default (PyTorch nn.Linear), xavier, kaiming, normal (default: ${DEFAULT-VALUE}).")
        String init;

        @Option(names = "--init-from", paramLabel = "MODEL", description = "Start from a saved model.safetensors.")
        Path initFrom;

        @Option(names = "--hidden-precision", paramLabel = "PI",
                description = "Precision pi of every hidden node's energy pi/2 |x - mu|^2 (default: the graph file's,"
                        + " else 1). A large pi, e.g. 1000 with the default --state-lr 1/PI, keeps the hidden states near"
                        + " their predictions, so PC's weight updates approach backprop's (docs/conv.md, \"Precision\").")
        Float hiddenPrecision;

        @Option(names = "--precision-growth", paramLabel = "G",
                description = "With --hidden-precision PI: each hidden node's precision PI G^k, k its edges from the"
                        + " output beyond the first, so lower layers are stiffer and inference carries the output's"
                        + " error down in fewer steps (default: 1, every hidden node PI; docs/conv.md, \"Precision\").")
        Float precisionGrowth;

        /** The checked --precision-growth, 1 when not given. */
        float precisionGrowth() {
            return checkedGrowth(precisionGrowth, hiddenPrecision);
        }

        /** The checked --hidden-precision, or null when not given. */
        Float hiddenPrecision() {
            return checkedHiddenPrecision(hiddenPrecision);
        }

        /** {@code --hidden-precision} checked (train's and bench step's): null, or finite and > 0. */
        static Float checkedHiddenPrecision(Float pi) {
            if (pi != null && (!(pi > 0) || Float.isInfinite(pi))) {
                throw new PcnException("--hidden-precision must be a finite number > 0, got " + pi);
            }
            return pi;
        }

        /** {@code --precision-growth} checked against {@code --hidden-precision} {@code pi}: 1 when not given. */
        static float checkedGrowth(Float growth, Float pi) {
            if (growth == null) {
                return 1f;
            }
            if (!(growth > 0) || Float.isInfinite(growth)) {
                throw new PcnException("--precision-growth must be a finite number > 0, got " + growth);
            }
            if (pi == null) {
                throw new PcnException("--precision-growth scales --hidden-precision; give --hidden-precision PI with it");
            }
            return growth;
        }

        boolean generative() {
            switch (mode.toLowerCase(java.util.Locale.ROOT)) {
                case "discriminative": return false;
                case "generative": return true;
                default: throw new PcnException("unknown --mode '" + mode + "' (expected discriminative or generative)");
            }
        }
    }

    /** The algorithm and how states relax. */
    static final class Inference {
        /** gamma pi, the default state rate's product with --hidden-precision. */
        static final double HIDDEN_PRECISION_STEP = 0.5;
        /** The same with --state-precondition: steps relative to each node's own curvature. */
        static final double HIDDEN_PRECISION_STEP_PRECONDITIONED = 1.0;

        @Option(names = "--algorithm", defaultValue = "pc", paramLabel = "ALG",
                description = "pc, ipc, fpa, zil, pc-nudge or bp (default: ${DEFAULT-VALUE}).")
        String algorithm;

        @Option(names = {"--inference-steps", "-T"}, paramLabel = "T",
                description = "State updates per batch, T (default: ${DEFAULT-VALUE}).")
        int inferenceSteps = 8;

        @Option(names = "--state-optimizer", defaultValue = "sgd", paramLabel = "OPT",
                description = "sgd or adam, for the states (default: ${DEFAULT-VALUE}).")
        String stateOptimizer;

        @Option(names = "--state-lr", paramLabel = "GAMMA",
                description = "State learning rate gamma (default: 0.03; 0.8 with --algorithm ipc in discriminative mode,"
                        + " iPC's own recipe; with --hidden-precision PI, 1/PI, or 0.5/PI with --no-state-precondition).")
        Double stateLr;

        @Option(names = "--state-backtrack", negatable = true,
                description = "Undo a state step that raises the energy and halve the state rate (it regains a tenth"
                        + " per batch, up to --state-lr): inference cannot overshoot (default: on with"
                        + " --hidden-precision, else off).")
        Boolean stateBacktrack;

        @Option(names = "--state-precondition", negatable = true,
                description = "Divide each node's state step by its own curvature (estimated every 50 batches by power"
                        + " iteration): the stiffest node no longer sets every node's rate (SGD states; default: on with"
                        + " --hidden-precision, else off).")
        Boolean statePrecondition;

        @Option(names = "--state-offsets", negatable = true,
                description = "Move each hidden node's offset from its feedforward state, not the state, and take its"
                        + " error from the offset: errors far below the states' float32 resolution (high precisions"
                        + " grown by --precision-growth) keep their digits (default: on with --hidden-precision,"
                        + " else off).")
        Boolean stateOffsets;

        @Option(names = "--state-momentum", paramLabel = "M",
                description = "State SGD momentum (default: 0.1; 0.25 with --algorithm ipc in discriminative mode).")
        Double stateMomentum;

        @Option(names = "--energy-tolerance", defaultValue = "0", paramLabel = "TOL",
                description = "Stop inference early when the energy changes by less than this fraction (0: never;"
                        + " default: ${DEFAULT-VALUE}).")
        double energyTolerance;

        @Option(names = "--nudge", defaultValue = "centered", paramLabel = "N",
                description = "pc-nudge: positive, negative or centered (default: ${DEFAULT-VALUE}).")
        String nudge;

        @Option(names = "--beta", defaultValue = "0.1", paramLabel = "BETA",
                description = "pc-nudge strength (default: ${DEFAULT-VALUE}).")
        double beta;

        Algorithm parsedAlgorithm() {
            return Algorithm.parse(algorithm);
        }

        /** The update rule --algorithm names; pc-nudge carries its own --nudge and --beta. */
        UpdateRule rule() {
            Algorithm a = parsedAlgorithm();
            return a == Algorithm.PC_NUDGE ? new NudgeRule(Nudge.parse(nudge), beta) : a.rule();
        }

        /**
         * Fills in the state rate and momentum when they were not given (config.json then records
         * them) from the core's defaults: {@link InferenceConfig#ipcBuilder()} for iPC's recipe
         * (discriminative iPC), else {@link InferenceConfig#builder()}.
         */
        void resolveDefaults(boolean ipcRecipe) {
            resolveDefaults(ipcRecipe, null);
        }

        /** --hidden-precision when given (preconditioned steps are relative to it), else 0. */
        double referencePrecision;

        /** As {@link #resolveDefaults(boolean)}, the state rate scaled to --hidden-precision when given. */
        void resolveDefaults(boolean ipcRecipe, Float hiddenPrecision) {
            resolveDefaults(ipcRecipe, hiddenPrecision, false);
        }

        /**
         * {@code incremental}: iPC, which moves the weights inside every inference step, so neither
         * backtracking nor preconditioning applies to it: both end up off, given or not (the state
         * rate is chosen first, from the flags as given).
         */
        void resolveDefaults(boolean ipcRecipe, Float hiddenPrecision, boolean incremental) {
            InferenceConfig d = (ipcRecipe ? InferenceConfig.ipcBuilder() : InferenceConfig.builder()).build();
            // With --precision-growth the hidden precisions differ; the preconditioned step stays
            // relative to PI (the rate PI gamma), as with equal precisions.
            referencePrecision = hiddenPrecision != null ? hiddenPrecision : 0;
            if (stateMomentum == null) {
                stateMomentum = d.momentum();
            }
            if (statePrecondition == null) {
                statePrecondition = hiddenPrecision != null && !incremental;
            }
            if (stateLr == null) {
                // A hidden node of precision pi has curvature at least pi along its own error, so plain
                // gradient steps need gamma pi < 2 / (1 + sigma_max(J)^2) for the stiffest node; with
                // preconditioning each node's step is relative to its own curvature and stable below 2,
                // so gamma pi = 1 (a block-Jacobi step); without it 0.5 (chosen on Fashion-MNIST's
                // validation split, BENCHMARKS.md, session 6).
                stateLr = hiddenPrecision != null
                        ? (statePrecondition ? HIDDEN_PRECISION_STEP_PRECONDITIONED : HIDDEN_PRECISION_STEP) / hiddenPrecision
                        : d.lr();
            }
            if (stateOffsets == null) {
                // A hidden error is about 1/pi of the signal it carries: at the precisions the recipe
                // grows (10^5 and above) it falls through float32's grid next to states of order one.
                stateOffsets = hiddenPrecision != null;
            }
            if (stateBacktrack == null) {
                // High hidden precisions make the fixed rate's safe range depend on the weights (it
                // shrinks as they grow), so that recipe backtracks unless told not to.
                stateBacktrack = hiddenPrecision != null && !incremental;
            }
            if (incremental) {
                // Undoing or rescaling the states alone would be wrong when the weights moved with them.
                stateBacktrack = false;
                statePrecondition = false;
            }
        }

        InferenceConfig config() {
            if (stateLr == null || stateMomentum == null || stateBacktrack == null || statePrecondition == null
                    || stateOffsets == null) {
                throw new IllegalStateException("resolveDefaults before config");
            }
            steps(inferenceSteps, "--inference-steps");
            finiteAtLeast(energyTolerance, 0, "--energy-tolerance");
            if (!(stateLr > 0) || Double.isInfinite(stateLr)) {
                throw new PcnException("--state-lr must be a finite number > 0, got " + stateLr);
            }
            return InferenceConfig.builder().steps(inferenceSteps).optimizer(OptimizerConfig.Kind.parse(stateOptimizer))
                    .lr(stateLr).momentum(stateMomentum).energyTolerance(energyTolerance).backtrack(stateBacktrack)
                    .precondition(statePrecondition).referencePrecision(referencePrecision).offsetStates(stateOffsets).build();
        }
    }

    /** The weight optimizer and its schedule. */
    static final class Optimizer {
        @Option(names = "--optimizer", defaultValue = "adamw", paramLabel = "OPT",
                description = "Weights: sgd, adam or adamw (default: ${DEFAULT-VALUE}).")
        String optimizer;

        /**
         * {@code --lr}'s and {@code --weight-decay}'s defaults by mode and algorithm, equal to
         * TrainConfig.DEFAULT_LR (OptionDefaultsTest); the others are the core's own.
         */
        static final double LR = 1e-3;

        @Option(names = "--lr", paramLabel = "ETA",
                description = "Weight learning rate (default: 1e-3; 2.7e-4 with --algorithm ipc, which updates the"
                        + " weights at every inference step; with --mode generative 0.938 / (the run's weight updates), at"
                        + " most 1e-3: trained further, a generative model drifts away from its label).")
        Double lr;

        @Option(names = "--momentum", defaultValue = "0", paramLabel = "M", description = "Weight SGD momentum (default: ${DEFAULT-VALUE}).")
        double momentum;

        @Option(names = "--nesterov", description = "Nesterov momentum for weight SGD.")
        boolean nesterov;

        @Option(names = "--weight-decay", paramLabel = "WD",
                description = "Weight decay: decoupled for adamw, L2 for sgd and adam (default: 0; 0.0116 with"
                        + " --algorithm ipc in discriminative mode).")
        Double weightDecay;

        @Option(names = "--clip-norm", defaultValue = "0", paramLabel = "C",
                description = "Clip the weight gradient's global L2 norm (0: off; default: ${DEFAULT-VALUE}).")
        double clipNorm;

        @Option(names = "--schedule", defaultValue = "warmup-cosine", paramLabel = "S",
                description = "constant or warmup-cosine (linear warmup from 0, cosine decay to 0 at the end of the"
                        + " run) (default: ${DEFAULT-VALUE}).")
        String schedule;

        @Option(names = "--warmup", defaultValue = "0.1", paramLabel = "FRACTION",
                description = "warmup-cosine: warmup as a fraction of all updates, in [0, 1] (default: ${DEFAULT-VALUE}).")
        double warmup;

        /**
         * Fills in --lr and --weight-decay when they were not given (config.json then records them):
         * generative models take {@link TrainConfig#generativeLr} of the run's planned weight updates;
         * iPC in discriminative mode ({@code ipcRecipe}) its own recipe.
         */
        void resolveDefaults(boolean generative, boolean ipcRecipe, long plannedUpdates) {
            if (lr == null) {
                lr = generative ? TrainConfig.generativeLr(plannedUpdates) : ipcRecipe ? TrainConfig.IPC_LR : LR;
            }
            if (weightDecay == null) {
                weightDecay = ipcRecipe ? TrainConfig.IPC_WEIGHT_DECAY : 0.0;
            }
        }

        OptimizerConfig config() {
            if (lr == null || weightDecay == null) {
                throw new IllegalStateException("resolveDefaults before config");
            }
            finiteAtLeast(lr, 0, "--lr");
            finiteAtLeast(clipNorm, 0, "--clip-norm");
            finiteAtLeast(weightDecay, 0, "--weight-decay");
            if (!(warmup >= 0 && warmup <= 1)) {
                throw new PcnException("--warmup must be in [0, 1], got " + warmup);
            }
            if (!(momentum >= 0 && momentum < 1)) {
                throw new PcnException("--momentum must be in [0, 1), got " + momentum);
            }
            OptimizerConfig.Kind kind = OptimizerConfig.Kind.parse(optimizer);
            return new OptimizerConfig(kind, kind == OptimizerConfig.Kind.SGD ? momentum : 0, nesterov, weightDecay,
                    0.9, 0.999, 1e-8);
        }
    }

    /** The training loop: epochs, batches, validation, evaluation, divergence. */
    static final class Loop {
        @Option(names = "--epochs", defaultValue = "20", paramLabel = "N",
                description = "Epochs; 0 writes the initialized model and stops (default: ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--batch-size", defaultValue = "64", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
        int batchSize;

        @Option(names = "--max-steps", defaultValue = "0", paramLabel = "N",
                description = "Stop after this many weight updates (0: no limit; default: ${DEFAULT-VALUE}).")
        long maxSteps;

        @Option(names = "--no-shuffle", description = "Keep the dataset order.")
        boolean noShuffle;

        @Option(names = "--augment", defaultValue = "none", paramLabel = "LIST",
                description = "Training-batch augmentation, seeded: crop (random crop of the image padded by 4 pixels;"
                        + " crop:P for P), flip (horizontal, p = 1/2), e.g. crop,flip; none (default).")
        String augment;

        @Option(names = "--validation", defaultValue = "0", paramLabel = "FRACTION",
                description = "Fraction of the training split held out for validation (default: ${DEFAULT-VALUE}).")
        double validation;

        @Option(names = "--keep", defaultValue = "last", paramLabel = "WHICH",
                description = "The model written to RUNDIR: last (the last epoch that did not diverge) or best (best"
                        + " validation accuracy, or lowest validation energy for generative models; needs --validation)"
                        + " (default: ${DEFAULT-VALUE}).")
        String keep;

        @Option(names = "--eval-inference-steps", paramLabel = "N",
                description = "Evaluate by this many inference steps with the output free; 0: a feedforward pass, the"
                        + " energy minimum of an acyclic network (default: 0, or T for a graph with cycles, where a"
                        + " feedforward pass is not the minimum; generative models: " + Fit.GENERATIVE_EVAL_STEPS
                        + " steps per clamped label, lowest energy wins).")
        Integer evalInferenceSteps;

        @Option(names = "--on-divergence", defaultValue = "rollback", paramLabel = "ACTION",
                description = "When energy or loss goes non-finite or explodes within a batch (or an epoch's mean loss"
                        + " doubles): rollback (restore the last"
                        + " good weights and optimizer state, halve the rates, go on; at most 5 times), stop (exit"
                        + " non-zero, keeping the last good model) or ignore (log it; non-finite values still stop)"
                        + " (default: ${DEFAULT-VALUE}).")
        String onDivergence;

        @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "N",
                description = "Also write RUNDIR/checkpoint.safetensors every N weight updates (one is written after"
                        + " every epoch anyway; train --resume continues from it) (default: ${DEFAULT-VALUE}).")
        long checkpointEvery;

        @Option(names = "--seed", defaultValue = "1", paramLabel = "SEED",
                description = "Seed for init, shuffling and the validation split (default: ${DEFAULT-VALUE}).")
        long seed;

        FitConfig config(boolean generative) {
            return FitConfig.builder().epochs(epochs).batchSize(batchSize).maxSteps(maxSteps).shuffle(!noShuffle).augment(Augment.parse(augment))
                    .validation(validation).keep(FitConfig.Keep.parse(keep)).evalInferenceSteps(evalInferenceSteps)
                    .onDivergence(FitConfig.OnDivergence.parse(onDivergence)).seed(seed).checkpointEvery(checkpointEvery)
                    .task(generative ? FitConfig.Task.GENERATE : FitConfig.Task.CLASSIFY).build();
        }
    }

    /** Where a run writes, and how loudly. */
    static final class Run {
        @Option(names = "--out", paramLabel = "RUNDIR", description = "Output folder (default: runs/DATASET-ALGORITHM-TIMESTAMP).")
        Path out;

        @Option(names = "--resume", paramLabel = "RUNDIR",
                description = "Continue the run in RUNDIR from its last checkpoint, with the options of its config.json"
                        + " (flags given here override them, e.g. --epochs N to train longer). At --threads 1 the result"
                        + " equals the uninterrupted run's, bit for bit.")
        Path resume;

        @Option(names = "--overwrite", description = "Allow --out to be a folder that holds another run's model (replaced).")
        boolean overwrite;

        @Option(names = "--no-plots", description = "Do not write PNG plots.")
        boolean noPlots;

        @Option(names = "--quiet", description = "No progress bars.")
        boolean quiet;
    }

    /** {@code --quiet} of the other commands that show progress ({@code train} has it in {@link Run}). */
    static final class Quiet {
        @Option(names = "--quiet", description = "No progress bars.")
        boolean quiet;

        /** Call first: the bars of dataset decoding and evaluation are drawn by code that never sees the flag. */
        void apply() {
            ProgressBar.quiet(quiet);
        }
    }

    /** {@code --parallel gemm|layers|auto|batch}: how inference uses the kernel threads (same results under each). */
    static final class Parallel {
        @Option(names = "--parallel", defaultValue = "gemm", paramLabel = "MODE",
                description = {"gemm: split each large matrix product over --threads; layers: run each inference phase's",
                        "nodes and edges as parallel tasks (large products still split); auto: time both per phase",
                        "and keep the faster; batch: split inference by rows of the batch (each thread runs every",
                        "node on its samples), the weight update as auto. Bit-identical results under each",
                        "(default: ${DEFAULT-VALUE})."})
        String parallel;

        org.pcn4j.model.ParallelSchedule schedule() {
            return org.pcn4j.model.ParallelSchedule.parse(parallel);
        }
    }

    /** {@code --state-lr} of the query commands: overrides the rate the model was trained with. */
    static final class StateLrOverride {
        @Option(names = "--state-lr", paramLabel = "GAMMA",
                description = "State learning rate (default: the one the model was trained with).")
        Double stateLr;
    }

    static void steps(int v, String flag) {
        if (v < 0 || v > MAX_INFERENCE_STEPS) {
            throw new PcnException(flag + " must be in [0, " + MAX_INFERENCE_STEPS + "], got " + v);
        }
    }

    static void finiteAtLeast(double v, double min, String flag) {
        if (!(v >= min) || Double.isInfinite(v)) {
            throw new PcnException(flag + " must be a finite number >= " + (min == 0 ? "0" : String.valueOf(min)) + ", got " + v);
        }
    }
}
