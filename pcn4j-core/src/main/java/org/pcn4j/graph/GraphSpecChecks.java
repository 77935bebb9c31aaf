package org.pcn4j.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pcn4j.PcnException;
import org.pcn4j.util.InputChecks;

/**
 * {@link GraphSpec#validate(String)}: names, sizes, edges, blocks and roles, each problem a
 * one-line {@link PcnException} starting with the source and naming the node or edge. Split from
 * {@code GraphSpec} so the spec's model (topology queries, builder) reads on its own.
 */
final class GraphSpecChecks {
    private GraphSpecChecks() {}

    static void validate(GraphSpec spec, String source) {
        String w = source + ": ";
        if (spec.nodes().isEmpty()) {
            throw new PcnException(w + "the graph has no nodes");
        }
        Map<String, NodeSpec> byName = new HashMap<>();
        for (NodeSpec n : spec.nodes()) {
            if (n.name().isBlank()) {
                throw new PcnException(w + "a node has an empty name");
            }
            if (n.name().length() > InputChecks.MAX_QUOTE) {
                throw new PcnException(w + "node name '" + InputChecks.quote(n.name()) + "' is longer than "
                        + InputChecks.MAX_QUOTE + " characters");
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
            if (n.isShaped()) {
                if (n.shape().size() != 3 || n.shape().stream().anyMatch(d -> d <= 0)) {
                    throw new PcnException(w + "node '" + n.name() + "' has shape " + n.shape()
                            + " (expected [channels, height, width], all positive)");
                }
                if (NodeSpec.product(n.shape()) != n.size()) {
                    throw new PcnException(w + "node '" + n.name() + "' has size " + n.size() + " but shape "
                            + n.shape() + " (" + NodeSpec.product(n.shape()) + " units)");
                }
            }
            if (n.size() > GraphSpec.MAX_NODE_SIZE) {
                throw new PcnException(w + "node '" + n.name() + "' has size " + n.size() + ", more than the limit of "
                        + GraphSpec.MAX_NODE_SIZE + " units");
            }
            if (!(n.precision() > 0) || !Float.isFinite(n.precision())) {
                throw new PcnException(w + "node '" + n.name() + "' has precision " + n.precision()
                        + " (must be positive and finite)");
            }
        }
        Set<String> seen = new HashSet<>();
        Set<String> connected = new HashSet<>();
        for (EdgeSpec e : spec.edges()) {
            for (String end : new String[] {e.from(), e.to()}) {
                if (!byName.containsKey(end)) {
                    throw new PcnException(w + "edge " + InputChecks.quote(e.name()) + ": unknown node '" + InputChecks.quote(end) + "'");
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
        for (BlockSpec b : spec.blocks()) {
            String where = w + "fully_connected " + b.name();
            if (b.nodes().size() < (b.self() ? 1 : 2)) {
                throw new PcnException(where + ": needs at least two nodes (or self: true)");
            }
            if (new HashSet<>(b.nodes()).size() != b.nodes().size()) {
                throw new PcnException(where + ": lists a node twice");
            }
            for (String m : b.nodes()) {
                if (!byName.containsKey(m)) {
                    throw new PcnException(where + ": unknown node '" + InputChecks.quote(m) + "'");
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
        for (EdgeSpec e : spec.edges()) {
            // Errors of their own (a conv's shapes) start with "edge NAME:"; prefix the source.
            try {
                EdgeKinds.get(e.op()).checkShapes(e, byName.get(e.from()).dims(), byName.get(e.to()).dims());
            } catch (PcnException x) {
                throw new PcnException(w + x.getMessage(), x);
            }
        }
        checkSizes(spec, w, byName);
        int inputs = 0;
        int targets = 0;
        for (NodeSpec n : spec.nodes()) {
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
            throw new PcnException(w + inputs + " input nodes (" + names(spec, Role.INPUT) + "): training supports exactly one");
        }
        if (targets > 1) {
            throw new PcnException(w + targets + " target nodes (" + names(spec, Role.TARGET) + "): training supports exactly one");
        }
        for (NodeSpec n : spec.nodes()) {
            if (!connected.contains(n.name())) {
                throw new PcnException(w + "node '" + n.name() + "' has no edge");
            }
        }
        String t = spec.target().name();
        boolean predicted = predictedByBlock.contains(t);
        for (EdgeSpec e : spec.edges()) {
            predicted |= e.to().equals(t);
        }
        if (!predicted) {
            throw new PcnException(w + "target node '" + t + "' has no incoming edge, so nothing predicts it");
        }
    }

    /**
     * Sizes checked before anything is allocated: each edge's weight matrix and each block's
     * [n, n] matrix must fit one Java array, and all the weights the JVM's heap (a graph with a
     * 10^9-unit node is refused here, naming the edge, instead of overflowing an int later).
     */
    private static void checkSizes(GraphSpec spec, String w, Map<String, NodeSpec> byName) {
        for (EdgeSpec e : spec.edges()) {
            if (!EdgeKinds.DENSE.equals(e.op())) {
                continue; // another kind's weights are not [to, from] (a conv's are a few kernels)
            }
            long to = byName.get(e.to()).size();
            long from = byName.get(e.from()).size();
            if (to * from > InputChecks.MAX_ARRAY) {
                throw new PcnException(w + "edge " + e.name() + " needs a " + to + " x " + from + " weight matrix ("
                        + to * from + " values), more than one Java array holds (" + InputChecks.MAX_ARRAY
                        + "); make the nodes smaller");
            }
        }
        for (BlockSpec b : spec.blocks()) {
            long n = 0;
            for (String m : b.nodes()) {
                n += byName.get(m).size();
            }
            if (n * n > InputChecks.MAX_ARRAY) {
                throw new PcnException(w + "fully_connected " + b.name() + " needs a " + n + " x " + n
                        + " weight matrix, more than one Java array holds (" + InputChecks.MAX_ARRAY
                        + "); make the nodes smaller");
            }
        }
        InputChecks.fitsHeap(w + "the graph's " + spec.parameterCount() + " weights and biases",
                4 * spec.parameterCount());
    }

    private static String names(GraphSpec spec, Role r) {
        List<String> l = new ArrayList<>();
        for (NodeSpec n : spec.nodes()) {
            if (n.role() == r) {
                l.add(n.name());
            }
        }
        return String.join(", ", l);
    }
}
