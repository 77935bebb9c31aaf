package org.pcn4j.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
        return EdgeKinds.get(e.op()).parameterCount(e, node(e.from()).size(), node(e.to()).size());
    }

    /** Checks the spec; throws a one-line {@link PcnException} naming the first problem. */
    public GraphSpec validate() {
        return validate("graph");
    }

    /** As {@link #validate()}, with messages starting with {@code source} (e.g. the file name). */
    public GraphSpec validate(String source) {
        String w = source + ": ";
        if (nodes.isEmpty()) {
            throw new PcnException(w + "the graph has no nodes");
        }
        Map<String, NodeSpec> byName = new HashMap<>();
        for (NodeSpec n : nodes) {
            if (n.name().isBlank()) {
                throw new PcnException(w + "a node has an empty name");
            }
            if (n.name().length() > org.pcn4j.util.InputChecks.MAX_QUOTE) {
                throw new PcnException(w + "node name '" + org.pcn4j.util.InputChecks.quote(n.name()) + "' is longer than "
                        + org.pcn4j.util.InputChecks.MAX_QUOTE + " characters");
            }
            if (n.name().contains("->")) {
                throw new PcnException(w + "node name '" + n.name() + "' must not contain '->'");
            }
            if (byName.put(n.name(), n) != null) {
                throw new PcnException(w + "duplicate node name '" + n.name() + "'");
            }
            if (n.size() <= 0) {
                throw new PcnException(w + "node '" + n.name() + "' has size " + n.size() + " (must be positive)");
            }
            if (n.size() > MAX_NODE_SIZE) {
                throw new PcnException(w + "node '" + n.name() + "' has size " + n.size() + ", more than the limit of "
                        + MAX_NODE_SIZE + " units");
            }
            if (!(n.precision() > 0) || !Float.isFinite(n.precision())) {
                throw new PcnException(w + "node '" + n.name() + "' has precision " + n.precision()
                        + " (must be positive and finite)");
            }
        }
        Set<String> seen = new HashSet<>();
        Set<String> connected = new HashSet<>();
        for (EdgeSpec e : edges) {
            for (String end : new String[] {e.from(), e.to()}) {
                if (!byName.containsKey(end)) {
                    throw new PcnException(w + "edge " + org.pcn4j.util.InputChecks.quote(e.name()) + ": unknown node '" + org.pcn4j.util.InputChecks.quote(end) + "'");
                }
            }
            if (e.from().equals(e.to())) {
                throw new PcnException(w + "edge " + e.name() + ": a node cannot predict itself");
            }
            if (!seen.add(e.name())) {
                throw new PcnException(w + "duplicate edge " + e.name());
            }
            connected.add(e.from());
            connected.add(e.to());
        }
        Set<String> predictedByBlock = new HashSet<>();
        for (BlockSpec b : blocks) {
            String where = w + "fully_connected " + b.name();
            if (b.nodes().size() < (b.self() ? 1 : 2)) {
                throw new PcnException(where + ": needs at least two nodes (or self: true)");
            }
            if (new HashSet<>(b.nodes()).size() != b.nodes().size()) {
                throw new PcnException(where + ": lists a node twice");
            }
            for (String m : b.nodes()) {
                if (!byName.containsKey(m)) {
                    throw new PcnException(where + ": unknown node '" + org.pcn4j.util.InputChecks.quote(m) + "'");
                }
                connected.add(m);
                predictedByBlock.add(m);
            }
            for (EdgeSpec e : b.pairs()) {
                if (!seen.add(e.name())) {
                    throw new PcnException(w + "duplicate edge " + e.name());
                }
            }
        }
        checkSizes(w, byName);
        int inputs = 0;
        int targets = 0;
        for (NodeSpec n : nodes) {
            inputs += n.role() == Role.INPUT ? 1 : 0;
            targets += n.role() == Role.TARGET ? 1 : 0;
        }
        if (inputs == 0) {
            throw new PcnException(w + "no input node (give the node clamped to the data role: input)");
        }
        if (targets == 0) {
            throw new PcnException(w + "no target node (give the node clamped to the label role: target)");
        }
        if (inputs > 1) {
            throw new PcnException(w + inputs + " input nodes (" + names(Role.INPUT) + "): training supports exactly one");
        }
        if (targets > 1) {
            throw new PcnException(w + targets + " target nodes (" + names(Role.TARGET) + "): training supports exactly one");
        }
        for (NodeSpec n : nodes) {
            if (!connected.contains(n.name())) {
                throw new PcnException(w + "node '" + n.name() + "' has no edge");
            }
        }
        String t = target().name();
        boolean predicted = predictedByBlock.contains(t);
        for (EdgeSpec e : edges) {
            predicted |= e.to().equals(t);
        }
        if (!predicted) {
            throw new PcnException(w + "target node '" + t + "' has no incoming edge, so nothing predicts it");
        }
        return this;
    }

    /** The largest node a spec may declare (16 M units). */
    public static final int MAX_NODE_SIZE = 1 << 24;

    /**
     * Sizes checked before anything is allocated: each edge's weight matrix and each block's
     * [n, n] matrix must fit one Java array, and all the weights the JVM's heap (a graph with a
     * 10^9-unit node is refused here, naming the edge, instead of overflowing an int later).
     */
    private void checkSizes(String w, Map<String, NodeSpec> byName) {
        for (EdgeSpec e : edges) {
            long to = byName.get(e.to()).size();
            long from = byName.get(e.from()).size();
            if (to * from > org.pcn4j.util.InputChecks.MAX_ARRAY) {
                throw new PcnException(w + "edge " + e.name() + " needs a " + to + " x " + from + " weight matrix ("
                        + to * from + " values), more than one Java array holds (" + org.pcn4j.util.InputChecks.MAX_ARRAY
                        + "); make the nodes smaller");
            }
        }
        for (BlockSpec b : blocks) {
            long n = 0;
            for (String m : b.nodes()) {
                n += byName.get(m).size();
            }
            if (n * n > org.pcn4j.util.InputChecks.MAX_ARRAY) {
                throw new PcnException(w + "fully_connected " + b.name() + " needs a " + n + " x " + n
                        + " weight matrix, more than one Java array holds (" + org.pcn4j.util.InputChecks.MAX_ARRAY
                        + "); make the nodes smaller");
            }
        }
        org.pcn4j.util.InputChecks.fitsHeap(w + "the graph's " + parameterCount() + " weights and biases",
                4 * parameterCount());
    }

    private String names(Role r) {
        List<String> l = new ArrayList<>();
        for (NodeSpec n : nodes) {
            if (n.role() == r) {
                l.add(n.name());
            }
        }
        return String.join(", ", l);
    }

    // ---------------------------------------------------------------- topology

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
        List<Object> ns = new ArrayList<>();
        for (NodeSpec n : nodes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("size", n.size());
            m.put("role", n.role().id());
            m.put("energy", n.energy().id());
            m.put("precision", (double) n.precision());
            ns.add(m);
        }
        List<Object> es = new ArrayList<>();
        for (EdgeSpec e : edges) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", e.from());
            m.put("to", e.to());
            m.put("activation", e.activation().id());
            m.put("convention", e.convention().id());
            m.put("bias", e.bias());
            if (!e.op().equals(EdgeKinds.DENSE)) {
                // Written only for other kinds, so dense graphs keep today's JSON exactly.
                m.put("op", e.op());
                m.putAll(e.options());
            }
            es.add(m);
        }
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("nodes", ns);
        top.put("edges", es);
        if (!blocks.isEmpty()) {
            List<Object> bs = new ArrayList<>();
            for (BlockSpec b : blocks) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("nodes", new ArrayList<Object>(b.nodes()));
                m.put("activation", b.activation().id());
                m.put("convention", Convention.PRE.id());
                m.put("bias", b.bias());
                m.put("self", b.self());
                bs.add(m);
            }
            top.put("fully_connected", bs);
        }
        return top;
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
        String w = source + ": ";
        Builder b = builder();
        Object fc = null;
        Object nodeList = null;
        Object edgeList = null;
        for (Map.Entry<String, ?> e : map.entrySet()) {
            switch (key(e.getKey())) {
                case "nodes": nodeList = e.getValue(); break;
                case "edges": edgeList = e.getValue(); break;
                case "fully_connected": fc = e.getValue(); break;
                default:
                    throw new PcnException(w + "unknown key '" + org.pcn4j.util.InputChecks.quote(e.getKey()) + "' (expected nodes, edges, fully_connected)");
            }
        }
        if (nodeList == null) {
            throw new PcnException(w + "no 'nodes' list");
        }
        int i = 0;
        for (Map<String, Object> n : listOfMaps(nodeList, "nodes", w)) {
            i++;
            String where = w + "node " + i;
            check(n, where, "name", "size", "role", "energy", "precision");
            String name = string(n, "name", where, null);
            where = w + "node '" + name + "'";
            int size = integer(n.get("size"), "size", where);
            Role role = parse(() -> Role.parse(string(n, "role", "", "hidden")), where);
            Energy energy = parse(() -> Energy.parse(string(n, "energy", "", "gaussian")), where);
            float precision = n.get("precision") == null ? 1f : (float) number(n.get("precision"), "precision", where);
            b.node(new NodeSpec(name, size, role, energy, precision));
        }
        if (edgeList != null) {
            i = 0;
            for (Map<String, Object> e : listOfMaps(edgeList, "edges", w)) {
                i++;
                String where = w + "edge " + i;
                String op = string(e, "op", where, EdgeKinds.DENSE).trim().toLowerCase(java.util.Locale.ROOT);
                if (!EdgeKinds.isKnown(op)) {
                    throw new PcnException(where + ": unknown op '" + op + "' (expected "
                            + String.join(", ", EdgeKinds.names()) + ")");
                }
                Set<String> kindOptions = EdgeKinds.get(op).options();
                List<String> allowed = new ArrayList<>(List.of("from", "to", "activation", "convention", "bias", "op"));
                allowed.addAll(new java.util.TreeSet<>(kindOptions));
                check(e, where, allowed.toArray(new String[0]));
                String from = string(e, "from", where, null);
                String to = string(e, "to", where, null);
                where = w + "edge " + from + "->" + to;
                EdgeOptions o = edgeOptions(e, where);
                Map<String, Object> options = new LinkedHashMap<>();
                for (Map.Entry<String, Object> en : e.entrySet()) {
                    if (kindOptions.contains(key(en.getKey()))) {
                        options.put(key(en.getKey()), en.getValue());
                    }
                }
                b.edge(new EdgeSpec(from, to, o.activation, o.convention, o.bias, op, options));
            }
        }
        if (fc != null) {
            List<Map<String, Object>> blocks = fc instanceof List ? listOfMaps(fc, "fully_connected", w)
                    : listOfMaps(List.of(fc), "fully_connected", w);
            for (Map<String, Object> block : blocks) {
                String where = w + "fully_connected";
                check(block, where, "nodes", "activation", "convention", "bias", "self");
                Object members = block.get("nodes");
                Object self = block.get("self");
                if (self != null && !(self instanceof Boolean)) {
                    throw new PcnException(where + ": self must be true or false, not '" + org.pcn4j.util.InputChecks.quote(self) + "'");
                }
                boolean selfLinks = self != null && (Boolean) self;
                if (!(members instanceof List) || ((List<?>) members).size() < (selfLinks ? 1 : 2)) {
                    throw new PcnException(where + ": 'nodes' must be a list of at least "
                            + (selfLinks ? "one node name" : "two node names"));
                }
                List<String> names = new ArrayList<>();
                for (Object o : (List<?>) members) {
                    names.add(String.valueOf(o));
                }
                EdgeOptions o = edgeOptions(block, where);
                if (selfLinks && o.convention != Convention.PRE) {
                    throw new PcnException(where + ": self: true needs convention pre");
                }
                b.fullyConnected(o.activation, o.convention, o.bias, selfLinks, names.toArray(new String[0]));
            }
        }
        return b.spec().validate(source);
    }

    private record EdgeOptions(Activation activation, Convention convention, boolean bias) {}

    private static EdgeOptions edgeOptions(Map<String, Object> e, String where) {
        Activation f = parse(() -> Activation.parse(string(e, "activation", "", "identity")), where);
        Convention c = parse(() -> Convention.parse(string(e, "convention", "", "pre")), where);
        Object bias = e.get("bias");
        if (bias != null && !(bias instanceof Boolean)) {
            throw new PcnException(where + ": bias must be true or false, not '" + org.pcn4j.util.InputChecks.quote(bias) + "'");
        }
        return new EdgeOptions(f, c, bias == null || (Boolean) bias);
    }

    private static String key(String k) {
        return k.trim().replace('-', '_');
    }

    private static <T> T parse(java.util.function.Supplier<T> s, String where) {
        try {
            return s.get();
        } catch (PcnException e) {
            throw new PcnException(where + ": " + org.pcn4j.util.InputChecks.quote(e.getMessage()), e);
        }
    }

    private static void check(Map<String, Object> m, String where, String... allowed) {
        List<String> ok = List.of(allowed);
        for (String k : m.keySet()) {
            if (!ok.contains(key(k))) {
                throw new PcnException(where + ": unknown key '" + org.pcn4j.util.InputChecks.quote(k) + "' (expected " + String.join(", ", ok) + ")");
            }
        }
    }

    private static List<Map<String, Object>> listOfMaps(Object o, String what, String w) {
        if (!(o instanceof List)) {
            throw new PcnException(w + "'" + what + "' must be a list");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : (List<?>) o) {
            if (!(item instanceof Map)) {
                throw new PcnException(w + "each entry of '" + what + "' must be a mapping, not '" + org.pcn4j.util.InputChecks.quote(item) + "'");
            }
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) item).entrySet()) {
                m.put(key(String.valueOf(e.getKey())), e.getValue());
            }
            out.add(m);
        }
        return out;
    }

    private static String string(Map<String, Object> m, String k, String where, String dflt) {
        Object v = m.get(k);
        if (v == null) {
            if (dflt == null) {
                throw new PcnException(where + ": missing '" + k + "'");
            }
            return dflt;
        }
        if (v instanceof Map || v instanceof List) {
            throw new PcnException(where + ": '" + k + "' must be a string");
        }
        return String.valueOf(v);
    }

    private static int integer(Object v, String k, String where) {
        if (v == null) {
            throw new PcnException(where + ": missing '" + k + "'");
        }
        if (!(v instanceof Number) || ((Number) v).doubleValue() != Math.rint(((Number) v).doubleValue())
                || Math.abs(((Number) v).doubleValue()) > Integer.MAX_VALUE) {
            throw new PcnException(where + ": '" + k + "' must be an integer, not '" + org.pcn4j.util.InputChecks.quote(v) + "'");
        }
        return ((Number) v).intValue();
    }

    private static double number(Object v, String k, String where) {
        if (!(v instanceof Number)) {
            throw new PcnException(where + ": '" + k + "' must be a number, not '" + org.pcn4j.util.InputChecks.quote(v) + "'");
        }
        return ((Number) v).doubleValue();
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
