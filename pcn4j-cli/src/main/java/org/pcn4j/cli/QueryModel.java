package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Idx;
import org.pcn4j.data.InputAffine;
import org.pcn4j.fit.FitMetadata;
import org.pcn4j.graph.Graph;
import org.pcn4j.io.GraphModelFile;
import org.pcn4j.io.ModelFile;
import org.pcn4j.model.Node;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.train.Inference;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.util.Json;

/** A saved model loaded for queries (classify, generate, complete, eval): its image and label nodes and their {@link Inference}. */
final class QueryModel {
    final ModelFile.LoadedModel loaded;
    final boolean generative;
    /** A graph model (generative or not): its image and label can be clamped either way. */
    final boolean graph;
    final Node image;
    final Node label;
    final InputAffine affine;

    private QueryModel(ModelFile.LoadedModel loaded) {
        this.loaded = loaded;
        this.generative = "generative".equals(loaded.metadata().get("mode"));
        this.graph = loaded.model() instanceof Graph;
        this.affine = loaded.affine();
        if (generative) {
            Graph g = (Graph) loaded.model();
            image = GraphModelFile.dataNode(g, loaded.metadata());
            label = g.node(loaded.metadata().getOrDefault("label_node", g.input().name()));
        } else {
            image = loaded.model().input();
            label = loaded.model().output();
        }
    }

    static QueryModel load(Path file) {
        return new QueryModel(ModelFile.loadModel(file));
    }

    /**
     * Inference steps for a classification query: 0 (a feedforward pass, the energy minimum) for an
     * acyclic discriminative model, the training T for a graph with cycles, and
     * {@link TrainCommand#GENERATIVE_EVAL_STEPS} for a generative model; as {@code train} evaluates.
     */
    int defaultInferenceSteps() {
        if (generative) {
            return TrainCommand.GENERATIVE_EVAL_STEPS;
        }
        if (loaded.model().network().isAcyclic()) {
            return 0;
        }
        Integer t = FitMetadata.inference(loaded.metadata()).steps();
        return t != null ? t : 8;
    }

    /** The image and label nodes fit the dataset's inputs and classes (one-line errors otherwise). */
    void checkFits(DatasetSplits data, String what) {
        if (!generative) {
            TrainCommand.checkFits(loaded.model(), data, what);
            return;
        }
        if (image.size() != data.features()) {
            throw new PcnException(what + ": image node '" + image.name() + "' has size " + image.size() + ", but "
                    + data.name() + " inputs have " + data.features() + " values");
        }
        if (label.size() != data.classes()) {
            throw new PcnException(what + ": label node '" + label.name() + "' has size " + label.size() + ", but "
                    + data.name() + " has " + data.classes() + " classes");
        }
    }

    /** The state learning rate of a query: the override if given, else the model's training rate (0.1 if unknown). */
    double stateLr(Double override) {
        Double lr = FitMetadata.inference(loaded.metadata()).lr();
        return override != null ? override : lr != null ? lr : 0.1;
    }

    /**
     * Inference for a query (no weight updates): {@code steps} steps with the state optimizer,
     * rate and momentum the model was trained with (its saved metadata; SGD, 0.1, 0 when absent),
     * {@code stateLr} overriding the rate.
     */
    Inference inference(int steps, Double stateLr) {
        FitMetadata.Inference cfg = FitMetadata.inference(loaded.metadata());
        OptimizerConfig.Kind kind = cfg.optimizer() != null ? OptimizerConfig.Kind.parse(cfg.optimizer())
                : OptimizerConfig.Kind.SGD;
        double momentum = cfg.momentum() != null ? cfg.momentum() : 0;
        InferenceConfig ic = InferenceConfig.builder().steps(steps).optimizer(kind).lr(stateLr(stateLr))
                .momentum(momentum).energyTolerance(0).build();
        return new Inference(loaded.model().network(), ic);
    }

    /**
     * Refuses models that cannot generate or complete: a layered network's input has no prediction.
     * Graph models can, generative ones (label -> image) and others whose input has incoming edges
     * (e.g. a fully connected graph over pixels and label).
     */
    void checkQueryable(Path file) {
        if (!graph || !image.hasPrediction()) {
            throw new PcnException(file + ": nothing predicts the image in this model (train one with --mode generative,"
                    + " or a --graph with edges into the image node)");
        }
    }

    /** Reads IDX images and normalizes them with the model's input affine; wrong sizes are one-line errors. */
    float[] readImages(Path file, int[] countOut) {
        Idx.Images im = Idx.readImages(file);
        int f = im.rows() * im.cols();
        if (f != image.size()) {
            throw new PcnException(file + ": images are " + im.rows() + "x" + im.cols() + " (" + f
                    + " values), the model expects " + image.size());
        }
        float[] x = ImageFiles.toModel(im, affine);
        countOut[0] = im.count();
        return x;
    }

    /** Image shape for output: the saved image_shape, else square when the size is a square, else 1 x size. */
    int[] imageShape() {
        return ImageFiles.shape(loaded.metadata().get("image_shape"), image.size());
    }

    /**
     * The image start an {@code --image-start} option asks for: {@code mean} the training mean saved
     * in the model's metadata, {@code default} null (the network's own initialization), {@code auto}
     * the mean for graphs with cycles (where the default start is zero) when the model has one.
     */
    float[] imageStart(String option, Path file) {
        String json = loaded.metadata().get("image_mean");
        switch (option) {
            case "default":
                return null;
            case "auto":
                if (json == null || loaded.model().network().isAcyclic()) {
                    return null;
                }
                break;
            case "mean":
                if (json == null) {
                    throw new PcnException(file + ": has no image_mean in its metadata (retrain it with this version)");
                }
                break;
            default:
                throw new PcnException("unknown --image-start '" + option + "' (expected auto, mean or default)");
        }
        java.util.List<?> l = (java.util.List<?>) Json.parse(json);
        if (l.size() != image.size()) {
            throw new PcnException(file + ": image_mean has " + l.size() + " values, the image node " + image.size());
        }
        float[] m = new float[l.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = ((Number) l.get(i)).floatValue();
        }
        return m;
    }
}
