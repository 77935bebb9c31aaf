package org.pcn4j.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.model.DenseBlock;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.Parameter;
import org.pcn4j.util.InputChecks;

/**
 * Graph models as safetensors files (a contract): float32 tensors {@code edges.{from}->{to}.weight}
 * [to, from] and {@code edges.{from}->{to}.bias} [to] (for edges with a bias; an edge of another
 * kind stores each of its parameters as {@code edges.{from}->{to}.{parameter}}), and a
 * {@code __metadata__} with {@code model_type: graph}, {@code graph} (the spec as JSON, every field
 * explicit), {@code input_affine} (as for layered models) and whatever the caller adds
 * ({@code classes}, ...). A fully connected block is written as the edges it stands for: its weight
 * slice for each pair {@code a -> b} (and {@code a -> a} with self connections), and, with a bias,
 * the bias of b under the first pair into b and zeros under the others, so a reader that builds one
 * edge per pair gets the same model; reading sums the pair biases into the block's. Generative models add {@code mode: generative}, {@code image_node} and
 * {@code label_node}; their input affine then applies to the image node. The file alone rebuilds the model.
 */
public final class GraphModelFile {
    private GraphModelFile() {}

    /** Writes the graph atomically; {@code extra} metadata (strings) is added to the header. */
    public static void save(Path file, Graph graph, InputAffine affine, Map<String, String> extra) {
        int features = dataNode(graph, extra).size();
        if (affine.features() != features) {
            throw new IllegalArgumentException("input affine has " + affine.features() + " features, data node "
                    + features);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", ModelFile.FORMAT);
        meta.put("format_version", ModelFile.FORMAT_VERSION);
        meta.put("model_type", "graph");
        meta.put("graph", graph.spec().toJson());
        meta.put("input_affine", ModelFile.affineJson(affine));
        if (extra != null) {
            for (Map.Entry<String, String> e : extra.entrySet()) {
                meta.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        List<SafeTensors.Entry> tensors = new ArrayList<>();
        for (Edge e : graph.network().edges()) {
            if (e instanceof DenseBlock) {
                continue;
            }
            // Any edge kind: edges.NAME.PARAMETER (a dense edge's weight [to, from], then its bias [to]).
            for (Parameter p : e.parameters()) {
                tensors.add(new SafeTensors.Entry("edges." + e.name() + "." + p.name(), p.shape(), p.value().clone()));
            }
        }
        for (DenseBlock b : graph.blocks()) {
            List<Node> m = b.members();
            for (int j = 0; j < m.size(); j++) {
                boolean first = true;
                for (int i = 0; i < m.size(); i++) {
                    if (!b.connects(i, j)) {
                        continue;
                    }
                    String name = "edges." + m.get(i).name() + "->" + m.get(j).name();
                    tensors.add(SafeTensors.Entry.of(name + ".weight", m.get(j).size(), m.get(i).size(), b.pairWeight(i, j)));
                    if (b.bias() != null) {
                        float[] bias = new float[m.get(j).size()];
                        if (first) {
                            System.arraycopy(b.bias(), b.offset(j), bias, 0, bias.length);
                        }
                        tensors.add(new SafeTensors.Entry(name + ".bias", new int[] {bias.length}, bias));
                    }
                    first = false;
                }
            }
        }
        SafeTensors.write(file, meta, tensors);
    }

    /** A graph model read back from a file. */
    public record Loaded(Graph graph, InputAffine affine, Map<String, String> metadata) {}

    /** Reads a graph model file; a missing, corrupt or inconsistent file gets a one-line PcnException. */
    public static Loaded load(Path file) {
        return InputChecks.loading("the model file " + file, () -> fromContents(SafeTensors.read(file), file.toString()));
    }

    static Loaded fromContents(SafeTensors.Contents c, String where) {
        Map<String, String> meta = c.metadata();
        ModelFile.checkCommon(meta, where);
        String type = meta.getOrDefault("model_type", "mlp");
        if (!type.equals("graph")) {
            throw new PcnException(where + ": model_type '" + InputChecks.quote(type) + "' is not a graph model");
        }
        String json = meta.get("graph");
        if (json == null) {
            throw new PcnException(where + ": metadata has no 'graph' (the graph spec)");
        }
        GraphSpec spec = GraphSpec.fromJson(json, where + " (metadata graph)");
        checkBeforeBuilding(spec, c, meta, where);
        Graph g = new Graph(spec);
        int expected = 0;
        for (Edge e : g.network().edges()) {
            if (e instanceof DenseBlock) {
                continue;
            }
            for (Parameter p : e.parameters()) {
                SafeTensors.Entry t = c.get("edges." + e.name() + "." + p.name());
                checkShape(where, t, p.shape());
                System.arraycopy(t.data(), 0, p.value(), 0, t.data().length);
                expected++;
            }
            e.weightsChanged();
        }
        for (DenseBlock b : g.blocks()) {
            List<Node> m = b.members();
            if (b.bias() != null) {
                java.util.Arrays.fill(b.bias(), 0f);
            }
            for (int i = 0; i < m.size(); i++) {
                for (int j = 0; j < m.size(); j++) {
                    if (!b.connects(i, j)) {
                        continue;
                    }
                    String name = "edges." + m.get(i).name() + "->" + m.get(j).name();
                    SafeTensors.Entry w = c.get(name + ".weight");
                    checkShape(where, w, m.get(j).size(), m.get(i).size());
                    b.setPairWeight(i, j, w.data());
                    expected++;
                    if (b.bias() != null) {
                        SafeTensors.Entry bs = c.get(name + ".bias");
                        checkShape(where, bs, m.get(j).size());
                        for (int k = 0; k < bs.data().length; k++) {
                            b.bias()[b.offset(j) + k] += bs.data()[k];
                        }
                        expected++;
                    }
                }
            }
            b.weightsChanged();
        }
        if (c.tensors().size() != expected) {
            throw new PcnException(where + ": has " + c.tensors().size() + " tensors, the graph spec needs " + expected);
        }
        InputAffine affine = ModelFile.parseAffine(ModelFile.require(meta, "input_affine", where),
                dataNode(g, meta).size(), where);
        return new Loaded(g, affine, meta);
    }

    /**
     * What can be checked against the spec before {@code new Graph(spec)} allocates it: every
     * connection's tensors exist with the shapes the spec's node sizes give, and are finite (so a
     * spec claiming huge nodes costs nothing: the tensors' bytes are in the file); the metadata's
     * mode, image_node and label_node name nodes that play those roles.
     */
    private static void checkBeforeBuilding(GraphSpec spec, SafeTensors.Contents c, Map<String, String> meta,
            String where) {
        int expected = 0;
        for (org.pcn4j.graph.EdgeSpec e : spec.allEdges()) {
            if (!org.pcn4j.graph.EdgeKinds.DENSE.equals(e.op())) {
                // Another kind's parameter shapes are only known once it is built (checked in read);
                // here its tensors are counted and checked for finite values.
                String prefix = "edges." + e.name() + ".";
                for (SafeTensors.Entry t : c.tensors().values()) {
                    if (t.name().startsWith(prefix)) {
                        ModelFile.checkFinite(where, t);
                        expected++;
                    }
                }
                continue;
            }
            int to = spec.node(e.to()).size();
            SafeTensors.Entry w = c.get("edges." + e.name() + ".weight");
            checkShape(where, w, to, spec.node(e.from()).size());
            ModelFile.checkFinite(where, w);
            expected++;
            if (e.bias()) {
                SafeTensors.Entry b = c.get("edges." + e.name() + ".bias");
                checkShape(where, b, to);
                ModelFile.checkFinite(where, b);
                expected++;
            }
        }
        if (c.tensors().size() != expected) {
            throw new PcnException(where + ": has " + c.tensors().size() + " tensors, the graph spec needs " + expected);
        }
        String mode = meta.get("mode");
        if (mode != null && !mode.equals("generative") && !mode.equals("memory") && !mode.equals("discriminative")) {
            throw new PcnException(where + ": metadata mode is '" + InputChecks.quote(mode)
                    + "' (expected generative, memory or discriminative)");
        }
        boolean generative = "generative".equals(mode) || "memory".equals(mode);
        String image = meta.get("image_node");
        if (image == null && generative) {
            throw new PcnException(where + ": metadata has no 'image_node' (a " + mode + " model names its image node)");
        }
        if (image != null) {
            roleNode(spec, image, "image_node", org.pcn4j.graph.Role.TARGET, where);
        }
        String label = meta.get("label_node");
        if (label != null) {
            roleNode(spec, label, "label_node", org.pcn4j.graph.Role.INPUT, where);
        }
    }

    /** {@code name} is a node of {@code spec} with {@code role}; else a one-line error naming the field. */
    private static void roleNode(GraphSpec spec, String name, String field, org.pcn4j.graph.Role role, String where) {
        org.pcn4j.graph.NodeSpec n = null;
        for (org.pcn4j.graph.NodeSpec x : spec.nodes()) {
            if (x.name().equals(name)) {
                n = x;
            }
        }
        String want = role == org.pcn4j.graph.Role.TARGET ? spec.target().name() : spec.input().name();
        if (n == null) {
            throw new PcnException(where + ": metadata " + field + " '" + InputChecks.quote(name)
                    + "' is not a node of the graph (it should name '" + want + "')");
        }
        if (n.role() != role) {
            throw new PcnException(where + ": metadata " + field + " '" + name + "' is a " + n.role() + " node; it must"
                    + " name the " + role + " node ('" + want + "')");
        }
    }

    /**
     * The node the data (images) go to, which the input affine normalizes: the metadata's
     * {@code image_node} (generative models, where the input role is the label), else the input.
     */
    public static org.pcn4j.model.Node dataNode(Graph g, Map<String, String> meta) {
        String name = meta == null ? null : meta.get("image_node");
        return name == null ? g.input() : g.node(name);
    }

    private static void checkShape(String where, SafeTensors.Entry e, int... shape) {
        if (!java.util.Arrays.equals(e.shape(), shape)) {
            throw new PcnException(where + ": tensor " + e.name() + " has shape " + java.util.Arrays.toString(e.shape())
                    + ", the graph needs " + java.util.Arrays.toString(shape));
        }
    }
}
