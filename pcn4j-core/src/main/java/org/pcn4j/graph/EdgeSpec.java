package org.pcn4j.graph;

import java.util.Locale;
import java.util.Objects;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;

/**
 * One edge of a graph spec: {@code from -> to} of kind {@code op} ({@code dense}, the default, or
 * any kind registered in {@link EdgeKinds}). A dense edge in the {@code pre} convention (the graph
 * default) adds W f(x_from) + b to mu_to; in {@code post}, f(W x_from + b). W is [to, from].
 */
public record EdgeSpec(String from, String to, Activation activation, Convention convention, boolean bias, String op) {
    public EdgeSpec {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(convention, "convention");
        op = Objects.requireNonNull(op, "op").trim().toLowerCase(Locale.ROOT);
    }

    /** A dense edge. */
    public EdgeSpec(String from, String to, Activation activation, Convention convention, boolean bias) {
        this(from, to, activation, convention, bias, EdgeKinds.DENSE);
    }

    /** The edge's name, {@code from->to}; its tensors are {@code edges.from->to.PARAMETER} ({@code weight}, {@code bias}). */
    public String name() {
        return from + "->" + to;
    }
}
