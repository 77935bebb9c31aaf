package org.pcn4j.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.model.DenseBlock;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcModel;
import org.pcn4j.model.PcNetwork;

/**
 * A {@link PcNetwork} built from a {@link GraphSpec}: one node per node spec, one edge per
 * edge spec (of the kind its {@code op} names, see {@link EdgeKinds}) and one {@link DenseBlock} per fully connected block, all in spec order. The engine runs it as any network: synchronous updates of every
 * free node, feedforward initialization in topological order (BFS order when it has cycles).
 */
public final class Graph implements PcModel {
    private final GraphSpec spec;
    private final PcNetwork network = new PcNetwork();
    private final List<DenseEdge> edges = new ArrayList<>();
    private final Map<String, Edge> byName = new LinkedHashMap<>();
    private final List<DenseBlock> blocks = new ArrayList<>();
    private final Node input;
    private final Node target;
    private final int depth;

    /** Builds the network (weights zero); see {@link #initialize}. Validates the spec. */
    public Graph(GraphSpec spec) {
        this.spec = spec.validate();
        for (NodeSpec n : spec.nodes()) {
            network.addNode(n.name(), n.dims(), n.energy(), n.precision());
        }
        for (EdgeSpec e : spec.edges()) {
            Edge d = EdgeKinds.get(e.op()).create(network, network.node(e.from()), network.node(e.to()), e);
            if (d instanceof DenseEdge) {
                edges.add((DenseEdge) d);
            }
            byName.put(e.name(), d);
        }
        for (BlockSpec b : spec.blocks()) {
            List<Node> members = new ArrayList<>();
            for (String m : b.nodes()) {
                members.add(network.node(m));
            }
            blocks.add(network.connectBlock(b.name(), members, b.activation(), b.self(), b.bias()));
        }
        input = network.node(spec.input().name());
        target = network.node(spec.target().name());
        int d = 0;
        for (int l : spec.layers().values()) {
            d = Math.max(d, l);
        }
        depth = d;
    }

    /** A graph initialized with {@link #initialize}. */
    public static Graph create(GraphSpec spec, String scheme, long seed) {
        Graph g = new Graph(spec);
        g.initialize(scheme, seed);
        return g;
    }

    /**
     * Initializes the edges in spec order from one {@code SplittableRandom(seed)}, exactly as
     * {@link Mlp#initialize}: a chain graph starts bit-identical to the MLP with the same seed.
     */
    public void initialize(String scheme, long seed) {
        // Spec order is network order: the edges, then the blocks.
        network.initialize(scheme, seed);
    }

    public GraphSpec spec() {
        return spec;
    }

    @Override
    public PcNetwork network() {
        return network;
    }

    @Override
    public Node input() {
        return input;
    }

    /** The target node. */
    @Override
    public Node output() {
        return target;
    }

    public Node target() {
        return target;
    }

    public Node node(String name) {
        return network.node(name);
    }

    /** The dense edges in spec order (every edge, blocks included, is in {@code network().edges()}). */
    public List<DenseEdge> edges() {
        return Collections.unmodifiableList(edges);
    }

    /** The fully connected blocks, in spec order. */
    public List<DenseBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /** The dense edge {@code from -> to} (not a block's pair). */
    public DenseEdge edge(String from, String to) {
        Edge e = connection(from, to);
        if (!(e instanceof DenseEdge)) {
            throw new PcnException("edge " + from + "->" + to + " is not dense");
        }
        return (DenseEdge) e;
    }

    /** The edge {@code from -> to} of the spec, of any kind (not a block's pair). */
    public Edge connection(String from, String to) {
        Edge e = byName.get(from + "->" + to);
        if (e == null) {
            throw new PcnException("no edge " + from + "->" + to);
        }
        return e;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public String describe() {
        int b = spec.blocks().size();
        return "graph of " + spec.nodes().size() + " nodes and " + spec.edges().size() + " edges"
                + (b > 0 ? " and " + b + " fully connected block" + (b > 1 ? "s" : "") : "")
                + (spec.hasCycles() ? " (cyclic)" : "");
    }
}
