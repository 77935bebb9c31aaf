package org.pcn4j.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;

/**
 * The graph file format of {@link GraphSpec}, apart from the model: a spec to plain maps and lists
 * and back ({@link GraphSpec#toMap()}, {@link GraphSpec#fromMap}), with the parser's key checks and
 * one-line errors naming the file, the node or edge and the field. Split from {@code GraphSpec} so
 * the spec (its topology queries, validation and builder) reads on its own.
 */
final class GraphSpecMaps {
    private GraphSpecMaps() {}

    /** The spec as plain maps and lists (every field explicit; pre blocks as fully_connected, a list). */
    static Map<String, Object> toMap(GraphSpec spec) {
        List<Object> ns = new ArrayList<>();
        for (NodeSpec n : spec.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("size", n.size());
            if (n.isShaped()) {
                // Written only for shaped nodes, so flat graphs keep today's JSON exactly.
                m.put("shape", new ArrayList<Object>(n.shape()));
            }
            m.put("role", n.role().id());
            m.put("energy", n.energy().id());
            m.put("precision", (double) n.precision());
            ns.add(m);
        }
        List<Object> es = new ArrayList<>();
        for (EdgeSpec e : spec.edges()) {
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
        if (!spec.blocks().isEmpty()) {
            List<Object> bs = new ArrayList<>();
            for (BlockSpec b : spec.blocks()) {
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

    /**
     * Parses and validates a spec from maps and lists (as YAML or JSON parsers return them). Keys
     * may use underscores or dashes ({@code fully_connected} or {@code fully-connected}).
     */
    static GraphSpec fromMap(Map<String, ?> map, String source) {
        String w = source + ": ";
        GraphSpec.Builder b = GraphSpec.builder();
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
            check(n, where, "name", "size", "shape", "role", "energy", "precision");
            String name = string(n, "name", where, null);
            where = w + "node '" + name + "'";
            List<Integer> shape = shape(n.get("shape"), where);
            int size;
            if (n.get("size") == null && !shape.isEmpty()) {
                long p = NodeSpec.product(shape);
                if (p > GraphSpec.MAX_NODE_SIZE) {
                    throw new PcnException(where + ": shape " + shape + " has " + p + " units, more than the limit of "
                            + GraphSpec.MAX_NODE_SIZE);
                }
                size = (int) p;
            } else {
                size = integer(n.get("size"), "size", where);
            }
            Role role = parse(() -> Role.parse(string(n, "role", "", "hidden")), where);
            Energy energy = parse(() -> Energy.parse(string(n, "energy", "", "gaussian")), where);
            float precision = n.get("precision") == null ? 1f : (float) number(n.get("precision"), "precision", where);
            b.node(new NodeSpec(name, size, role, energy, precision, shape));
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
                EdgeOptions o = edgeOptions(e, where, EdgeKinds.get(op).defaultConvention());
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
        return edgeOptions(e, where, Convention.PRE);
    }

    private static EdgeOptions edgeOptions(Map<String, Object> e, String where, Convention dflt) {
        Activation f = parse(() -> Activation.parse(string(e, "activation", "", "identity")), where);
        Convention c = parse(() -> Convention.parse(string(e, "convention", "", dflt.id())), where);
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

    /** {@code shape: [C, H, W]} (three positive integers), or empty when absent. */
    private static List<Integer> shape(Object v, String where) {
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List) || ((List<?>) v).size() != 3) {
            throw new PcnException(where + ": 'shape' must be a list [channels, height, width], not '"
                    + org.pcn4j.util.InputChecks.quote(v) + "'");
        }
        List<Integer> out = new ArrayList<>();
        for (Object d : (List<?>) v) {
            int x = integer(d, "shape", where);
            if (x <= 0) {
                throw new PcnException(where + ": shape " + v + " must have positive dimensions");
            }
            out.add(x);
        }
        return out;
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
}
