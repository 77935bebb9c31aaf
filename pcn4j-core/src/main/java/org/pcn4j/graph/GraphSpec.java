package org.pcn4j.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.util.Json;

/**
 * A PC graph: nodes and dense edges, any topology (skips and cycles included). The contract format,
 * in YAML or JSON:
 * <pre>
 * nodes:
 *   - {name: image, size: 64, role: input}
 *   - {name: h1, size: 64}                       # role: hidden by default
 *   - {name: label, size: 10, role: target, energy: gaussian}
 * edges:
 *   - {from: image, to: h1, activation: tanh}    # convention: pre by default, bias: true
 *   - {from: h1, to: label}                      # activation: identity by default
 * fully_connected: {nodes: [a, b, c], activation: tanh}   # optional, see below
 * </pre>
 * A {@code fully_connected} block (one mapping or a list of them) is one masked dense edge over the
 * concatenated states of its nodes ({@link BlockSpec}): every ordered pair a != b, or with
 * {@code self: true} every unit to every other unit, within a node too. A block with
 * {@code convention: post} is expanded into one edge per ordered pair (f(W x + b) does not add up
 * over sources the way a pre block does).
 * Edges into the input node are allowed: the input is clamped, so they only add prediction errors
 * at the input that shape the other states and are learned (a generative direction).
 *
 * <p>{@link #validate()} checks names, sizes, edges, roles (exactly one input and one target) and
 * that every node has an edge and the target has an incoming one; errors are one-line
 * {@link PcnException}s naming the node or edge.
 */
public record GraphSpec(List<NodeSpec> nodes, List<EdgeSpec> edges, List<BlockSpec> blocks) {

    public GraphSpec {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
        blocks = List.copyOf(blocks);
    }

    public GraphSpec(List<NodeSpec> nodes, List<EdgeSpec> edges) {
        this(nodes, edges, List.of());
    }

    /** The edges, then every block's {@link BlockSpec#pairs() pairs}: the connections, for topology and display. */
    public List<EdgeSpec> allEdges() {
        List<EdgeSpec> all = new ArrayList<>(edges);
        for (BlockSpec b : blocks) {
            all.addAll(b.pairs());
        }
        return all;
    }

    /**
     * The same graph with every block expanded into one edge per ordered pair (the per-edge form,
     * slower but otherwise equivalent up to how the biases are split); blocks with {@code self}
     * have no such form.
     */
    public GraphSpec expanded() {
        List<EdgeSpec> all = new ArrayList<>(edges);
        for (BlockSpec b : blocks) {
            if (b.self()) {
                throw new PcnException("fully_connected " + b.name() + " has self connections: no per-edge form");
            }
            all.addAll(b.pairs());
        }
        return new GraphSpec(nodes, all);
    }

    /** A fluent builder; {@link Builder#build()} validates. */
    public static Builder builder() {
        return new Builder();
    }

    public NodeSpec node(String name) {
        for (NodeSpec n : nodes) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new PcnException("unknown node '" + name + "'");
    }

    /** The node with role input (after {@link #validate()}: exactly one). */
    public NodeSpec input() {
        return only(Role.INPUT);
    }

    /** The node with role target (after {@link #validate()}: exactly one). */
    public NodeSpec target() {
        return only(Role.TARGET);
    }

    private NodeSpec only(Role role) {
        for (NodeSpec n : nodes) {
            if (n.role() == role) {
                return n;
            }
        }
        throw new PcnException("graph has no " + role + " node (give one node role: " + role + ")");
    }

    /** Number of weights and biases. */
    public long parameterCount() {
        long p = 0;
        for (EdgeSpec e : edges) {
            p += parameterCount(e);
        }
        for (BlockSpec b : blocks) {
            p += parameterCount(b);
        }
        return p;
    }

    /** A block's free weights (the mask's ones) and its bias, one per unit. */
    public long parameterCount(BlockSpec b) {
        long n = 0;
        long p = 0;
        for (String name : b.nodes()) {
            long s = node(name).size();
            n += s;
            p -= b.self() ? s : s * s;
        }
        return p + n * n + (b.bias() ? n : 0);
    }

    public long parameterCount(EdgeSpec e) {
        return EdgeKinds.get(e.op()).parameterCount(e, node(e.from()).dims(), node(e.to()).dims());
    }

    /** Checks the spec; throws a one-line {@link PcnException} naming the first problem. */
    public GraphSpec validate() {
        return validate("graph");
    }

    /** As {@link #validate()}, with messages starting with {@code source} (e.g. the file name). */
    public GraphSpec validate(String source) {
        GraphSpecChecks.validate(this, source);
        return this;
    }

    /** The largest node a spec may declare (16 M units). */
    public static final int MAX_NODE_SIZE = 1 << 24;

    /**
     * The back edges: those that close a cycle in a depth-first search from the input (then from
     * the other nodes in spec order), following edges in spec order. Without them the graph is acyclic.
     */
    public Set<EdgeSpec> backEdges() {
        Map<String, List<EdgeSpec>> out = outgoing();
        Set<EdgeSpec> back = new LinkedHashSet<>();
        Map<String, Integer> state = new HashMap<>(); // 1 on the stack, 2 done
        List<String> starts = new ArrayList<>();
        for (NodeSpec n : nodes) {
            if (n.role() == Role.INPUT) {
                starts.add(n.name());
            }
        }
        for (NodeSpec n : nodes) {
            starts.add(n.name());
        }
        for (String s : starts) {
            if (!state.containsKey(s)) {
                dfs(s, out, state, back);
            }
        }
        return Collections.unmodifiableSet(back);
    }

    private static void dfs(String start, Map<String, List<EdgeSpec>> out, Map<String, Integer> state, Set<EdgeSpec> back) {
        // Iterative, so deep chains cannot overflow the stack.
        List<String> stack = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        stack.add(start);
        next.add(0);
        state.put(start, 1);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            String n = stack.get(top);
            List<EdgeSpec> es = out.getOrDefault(n, List.of());
            int i = next.get(top);
            if (i == es.size()) {
                state.put(n, 2);
                stack.remove(top);
                next.remove(top);
                continue;
            }
            next.set(top, i + 1);
            EdgeSpec e = es.get(i);
            Integer st = state.get(e.to());
            if (st == null) {
                state.put(e.to(), 1);
                stack.add(e.to());
                next.add(0);
            } else if (st == 1) {
                back.add(e);
            }
        }
    }

    public boolean hasCycles() {
        return !backEdges().isEmpty();
    }

    /**
     * A layer per node: the longest path (in edges) from a node without forward incoming edges,
     * over the edges that are not {@link #backEdges() back edges}. The input is at layer 0.
     */
    public Map<String, Integer> layers() {
        Set<EdgeSpec> back = backEdges();
        Map<String, Integer> indeg = new LinkedHashMap<>();
        Map<String, List<EdgeSpec>> out = new HashMap<>();
        for (NodeSpec n : nodes) {
            indeg.put(n.name(), 0);
        }
        for (EdgeSpec e : allEdges()) {
            if (!back.contains(e)) {
                indeg.merge(e.to(), 1, Integer::sum);
                out.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e);
            }
        }
        Map<String, Integer> layer = new LinkedHashMap<>();
        List<String> ready = new ArrayList<>();
        for (NodeSpec n : nodes) {
            layer.put(n.name(), 0);
            if (indeg.get(n.name()) == 0) {
                ready.add(n.name());
            }
        }
        while (!ready.isEmpty()) {
            String n = ready.remove(0);
            for (EdgeSpec e : out.getOrDefault(n, List.of())) {
                layer.put(e.to(), Math.max(layer.get(e.to()), layer.get(n) + 1));
                if (indeg.merge(e.to(), -1, Integer::sum) == 0) {
                    ready.add(e.to());
                }
            }
        }
        return layer;
    }

    private Map<String, List<EdgeSpec>> outgoing() {
        Map<String, List<EdgeSpec>> out = new HashMap<>();
        for (EdgeSpec e : allEdges()) {
            out.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e);
        }
        return out;
    }

    // ---------------------------------------------------------------- maps and JSON

    /** The spec as plain maps and lists (every field explicit; pre blocks as fully_connected, a list). */
    public Map<String, Object> toMap() {
        return GraphSpecMaps.toMap(this);
    }

    public String toJson() {
        return Json.write(toMap());
    }

    /** Parses and validates a spec from JSON text. */
    public static GraphSpec fromJson(String json, String source) {
        Object o;
        try {
            o = Json.parse(json);
        } catch (PcnException e) {
            throw new PcnException(source + ": " + e.getMessage(), e);
        }
        if (!(o instanceof Map)) {
            throw new PcnException(source + ": a graph must be a JSON object with nodes and edges");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) o;
        return fromMap(m, source);
    }

    /**
     * Parses and validates a spec from maps and lists (as YAML or JSON parsers return them). Keys
     * may use underscores or dashes ({@code fully_connected} or {@code fully-connected}).
     */
    public static GraphSpec fromMap(Map<String, ?> map, String source) {
        return GraphSpecMaps.fromMap(map, source);
    }

    /**
     * Builds a {@link GraphSpec}: {@code GraphSpec.builder().input("image", 64).hidden("h1", 64)
     * .target("label", 10).edge("image", "h1", Activation.TANH).edge("h1", "label").build()}.
     * Edges default to the identity activation, the pre convention and a bias.
     */
    public static final class Builder {
        private final List<NodeSpec> nodes = new ArrayList<>();
        private final List<EdgeSpec> edges = new ArrayList<>();
        private final List<BlockSpec> blocks = new ArrayList<>();

        private Builder() {}

        public Builder node(NodeSpec n) {
            nodes.add(n);
            return this;
        }

        public Builder input(String name, int size) {
            return node(new NodeSpec(name, size, Role.INPUT));
        }

        public Builder hidden(String name, int size) {
            return node(new NodeSpec(name, size, Role.HIDDEN));
        }

        public Builder target(String name, int size) {
            return node(new NodeSpec(name, size, Role.TARGET));
        }

        public Builder target(String name, int size, Energy energy) {
            return node(new NodeSpec(name, size, Role.TARGET, energy, 1f));
        }

        public Builder edge(EdgeSpec e) {
            edges.add(e);
            return this;
        }

        public Builder edge(String from, String to) {
            return edge(from, to, Activation.IDENTITY);
        }

        public Builder edge(String from, String to, Activation f) {
            return edge(from, to, f, Convention.PRE, true);
        }

        public Builder edge(String from, String to, Activation f, Convention c, boolean bias) {
            return edge(new EdgeSpec(from, to, f, c, bias));
        }

        /** A fully connected block over {@code names}: every ordered pair of distinct nodes, one masked edge. */
        public Builder fullyConnected(Activation f, String... names) {
            return fullyConnected(f, Convention.PRE, true, false, names);
        }

        public Builder fullyConnected(Activation f, Convention c, boolean bias, String... names) {
            return fullyConnected(f, c, bias, false, names);
        }

        /**
         * A fully connected block ({@link BlockSpec}); {@code self} connects units within a node too.
         * In the post convention the pairs become separate edges (a post block would not be their sum).
         */
        public Builder fullyConnected(Activation f, Convention c, boolean bias, boolean self, String... names) {
            if (c == Convention.PRE) {
                blocks.add(new BlockSpec(List.of(names), f, bias, self));
                return this;
            }
            if (self) {
                throw new PcnException("fully_connected: self: true needs convention pre");
            }
            for (String a : names) {
                for (String b : names) {
                    if (!a.equals(b)) {
                        edge(a, b, f, c, bias);
                    }
                }
            }
            return this;
        }

        /** The spec, not validated. */
        public GraphSpec spec() {
            return new GraphSpec(nodes, edges, blocks);
        }

        /** The validated spec. */
        public GraphSpec build() {
            return spec().validate();
        }
    }
}
