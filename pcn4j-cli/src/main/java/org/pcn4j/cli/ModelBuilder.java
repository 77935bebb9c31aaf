package org.pcn4j.cli;

import java.util.ArrayList;
import java.util.List;
import org.pcn4j.PcnException;
import org.pcn4j.data.Batches;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Generative;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.ModelFile;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcModel;
import org.pcn4j.train.Algorithm;
import org.pcn4j.util.Json;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The network the model options describe: a layered MLP, a graph file, a generative graph or a
 * saved model, checked against the data. Resolving it also writes the resolved sizes back into
 * the options ({@code --model 64-128-128-10}), so config.json records what was trained.
 */
final class ModelBuilder {
    private ModelBuilder() {}

    /** {@code affine}: a saved model's input map, or null for the training data's own. */
    record Built(PcModel model, InputAffine affine) {}

    /** Options that describe a layered model, meaningless with --graph. */
    private static final String[] MLP_OPTIONS = {"--model", "--activation", "--output-activation", "--convention",
        "--output-energy"};

    static Built build(Options.Model o, Algorithm alg, DatasetSplits data, long seed, CommandSpec spec) {
        Built b = buildModel(o, alg, data, seed, spec);
        Float pi = o.hiddenPrecision();
        float growth = o.precisionGrowth();
        if (pi != null) {
            // (A graph's spec has it already; a layered or loaded model gets it here.)
            b.model().setHiddenPrecision(pi, growth);
        }
        return b;
    }

    /**
     * The spec with every hidden node's precision set to {@code pi}, so a graph's model file records
     * the precision it was trained with; a layered model's file has no field for it (its predictions
     * do not depend on it: at equilibrium with only the input clamped every error is zero).
     */
    static GraphSpec withHiddenPrecision(GraphSpec gs, Options.Model o) {
        Float pi = o.hiddenPrecision();
        float growth = o.precisionGrowth();
        if (pi == null) {
            return gs;
        }
        // The graph itself says how far each node is from the output (PcModel.setHiddenPrecision).
        Graph g = new Graph(gs);
        g.setHiddenPrecision(pi, growth);
        List<org.pcn4j.graph.NodeSpec> nodes = new ArrayList<>();
        for (org.pcn4j.graph.NodeSpec n : gs.nodes()) {
            nodes.add(n.role() == org.pcn4j.graph.Role.HIDDEN ? new org.pcn4j.graph.NodeSpec(n.name(), n.size(), n.role(),
                    n.energy(), g.node(n.name()).precision(), n.shape()) : n);
        }
        return new GraphSpec(nodes, gs.edges());
    }

    private static Built buildModel(Options.Model o, Algorithm alg, DatasetSplits data, long seed, CommandSpec spec) {
        InputAffine affine = null;
        boolean generative = o.generative();
        if (generative) {
            if (o.initFrom != null) {
                throw new PcnException("--mode generative builds its graph from --model or --graph; --init-from is not supported with it");
            }
            if (alg != Algorithm.PC && alg != Algorithm.IPC) {
                throw new PcnException("--mode generative trains with --algorithm pc or ipc, not " + alg.id());
            }
        }
        if (o.graph != null) {
            for (String name : MLP_OPTIONS) {
                if (spec != null && spec.commandLine().getParseResult().hasMatchedOption(name)) {
                    throw new PcnException(name + " describes a layered model; with --graph the graph file describes it");
                }
            }
            if (o.initFrom != null) {
                throw new PcnException("give --graph or --init-from, not both (a graph model file holds its graph)");
            }
        }
        if (generative && o.graph != null) {
            // A generative graph file: the label is its input node (clamped to the one-hot label in
            // training), the image its target (clamped to the data in training, predicted otherwise).
            GraphSpec gs = withHiddenPrecision(GraphFiles.load(o.graph), o);
            Graph g = new Graph(gs);
            checkFitsGenerative(g, data, "--graph " + o.graph);
            g.initialize(o.init, seed);
            return new Built(g, affine);
        }
        if (generative) {
            int[] sizes = sizes(o, data);
            if (sizes[0] != data.features() || sizes[sizes.length - 1] != data.classes()) {
                throw new PcnException("--model " + o.model + ": a generative model's sizes go from the image ("
                        + data.features() + " values in " + data.name() + ") to the label (" + data.classes()
                        + " classes), e.g. " + data.features() + "-128-128-" + data.classes());
            }
            Graph g = new Graph(withHiddenPrecision(Generative.spec(sizes, Activation.parse(o.activation)), o));
            g.initialize(o.init, seed);
            o.model = join(sizes);
            return new Built(g, affine);
        }
        if (o.initFrom != null) {
            ModelFile.LoadedModel loaded = ModelFile.loadModel(o.initFrom);
            checkFits(loaded.model(), data, "--init-from " + o.initFrom);
            return new Built(loaded.model(), loaded.affine());
        }
        if (o.graph != null) {
            GraphSpec gs = withHiddenPrecision(GraphFiles.load(o.graph), o);
            Graph g = new Graph(gs);
            checkFits(g, data, "--graph " + o.graph);
            g.initialize(o.init, seed);
            return new Built(g, affine);
        }
        MlpSpec ms = new MlpSpec(sizes(o, data), Activation.parse(o.activation), Activation.parse(o.outputActivation),
                Convention.parse(o.convention), Energy.parse(o.outputEnergy));
        Mlp mlp = new Mlp(ms);
        checkFits(mlp, data, "--model " + ms.sizesString());
        mlp.initialize(o.init, seed);
        o.model = ms.sizesString();
        o.activation = ms.activation().id();
        o.outputActivation = ms.outputActivation().id();
        o.convention = ms.convention().id();
        o.outputEnergy = ms.outputEnergy().id();
        return new Built(mlp, affine);
    }

    private static int[] sizes(Options.Model o, DatasetSplits data) {
        return o.model == null ? new int[] {data.features(), 128, 128, data.classes()} : MlpSpec.parseSizes(o.model);
    }

    private static String dims(int[] shape) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            b.append(i == 0 ? "" : "x").append(shape[i]);
        }
        return b.toString();
    }

    private static String join(int[] sizes) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            b.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return b.toString();
    }

    static void checkFits(PcModel model, DatasetSplits data, String what) {
        if (model instanceof Graph) {
            Node in = model.input();
            Node out = model.output();
            if (in.isShaped()) {
                // A shaped input (a conv graph) takes images of exactly its [C, H, W], not just as many values.
                int[] img = data.train().imageShape();
                if (img == null || !java.util.Arrays.equals(img, in.shape())) {
                    throw new PcnException(what + ": input node '" + in.name() + "' has shape " + dims(in.shape())
                            + ", but " + data.name() + " samples are " + (img == null
                                    ? data.features() + " flat values" : dims(img) + " images"));
                }
            }
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

    /**
     * A generative graph fits the data when its input (label) node has one unit per class and its
     * target (image) node takes the samples: exactly their [C, H, W] when it is shaped.
     */
    static void checkFitsGenerative(Graph g, DatasetSplits data, String what) {
        Node label = g.input();
        Node image = g.output();
        if (label.isShaped() || label.size() != data.classes()) {
            throw new PcnException(what + ": with --mode generative the input node '" + label.name()
                    + "' is the label and needs size " + data.classes() + " (the classes of " + data.name()
                    + "), but it has " + (label.isShaped() ? "shape " + dims(label.shape()) : "size " + label.size()));
        }
        if (image.isShaped()) {
            int[] img = data.train().imageShape();
            if (img == null || !java.util.Arrays.equals(img, image.shape())) {
                throw new PcnException(what + ": with --mode generative the target node '" + image.name()
                        + "' is the image; it has shape " + dims(image.shape()) + ", but " + data.name()
                        + " samples are " + (img == null ? data.features() + " flat values" : dims(img) + " images"));
            }
        }
        if (image.size() != data.features()) {
            throw new PcnException(what + ": with --mode generative the target node '" + image.name()
                    + "' is the image; it has size " + image.size() + ", but " + data.name() + " inputs have "
                    + data.features() + " values");
        }
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
}
