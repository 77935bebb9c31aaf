package org.pcn4j.graph;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;

/**
 * One edge of a graph spec: {@code from -> to} of kind {@code op} ({@code dense}, the default, or
 * any kind registered in {@link EdgeKinds}), with the kind's own {@code options} (JSON values under
 * the keys {@link EdgeKinds.Kind#options()} names, e.g. a kernel size; none for dense). A dense edge in the {@code pre} convention (the graph
 * default) adds W f(x_from) + b to mu_to; in {@code post}, f(W x_from + b). W is [to, from].
 */
public record EdgeSpec(String from, String to, Activation activation, Convention convention, boolean bias, String op,
                       Map<String, Object> options) {
    public EdgeSpec {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(convention, "convention");
        op = Objects.requireNonNull(op, "op").trim().toLowerCase(Locale.ROOT);
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(options, "options")));
    }

    /** An edge of kind {@code op} without options. */
    public EdgeSpec(String from, String to, Activation activation, Convention convention, boolean bias, String op) {
        this(from, to, activation, convention, bias, op, Map.of());
    }

    /** A dense edge. */
    public EdgeSpec(String from, String to, Activation activation, Convention convention, boolean bias) {
        this(from, to, activation, convention, bias, EdgeKinds.DENSE);
    }

    /** The edge's name, {@code from->to}; its tensors are {@code edges.from->to.PARAMETER} ({@code weight}, {@code bias}). */
    public String name() {
        return from + "->" + to;
    }

    /**
     * The kind and its options for listings, e.g. {@code conv2d kernel=3 padding=1 pool=max pool_size=2};
     * empty for a dense edge.
     */
    public String describeOp() {
        if (op.equals(EdgeKinds.DENSE)) {
            return "";
        }
        StringBuilder b = new StringBuilder(op);
        for (Map.Entry<String, Object> e : options.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Double && (Double) v == Math.rint((Double) v)) {
                v = (long) (double) (Double) v; // JSON numbers come back as doubles
            }
            b.append(' ').append(e.getKey()).append('=').append(v instanceof java.util.List
                    ? String.join("x", ((java.util.List<?>) v).stream().map(x -> x instanceof Double
                            && (Double) x == Math.rint((Double) x) ? String.valueOf((long) (double) (Double) x)
                            : String.valueOf(x)).toList())
                    : String.valueOf(v));
        }
        return b.toString();
    }
}
