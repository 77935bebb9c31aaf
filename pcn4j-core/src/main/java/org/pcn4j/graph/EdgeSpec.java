package org.pcn4j.graph;

import java.util.Objects;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;

/**
 * One dense edge of a graph spec: {@code from -> to}. In the {@code pre} convention (the graph
 * default) it adds W f(x_from) + b to mu_to; in {@code post}, f(W x_from + b). W is [to, from].
 */
public record EdgeSpec(String from, String to, Activation activation, Convention convention, boolean bias) {
    public EdgeSpec {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(convention, "convention");
    }

    /** The edge's name, {@code from->to}; its tensors are {@code edges.from->to.weight} and {@code .bias}. */
    public String name() {
        return from + "->" + to;
    }
}
