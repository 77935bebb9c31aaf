package org.pcn4j.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;

/**
 * A fully connected block of a graph spec ({@code fully_connected}): one masked dense edge over the
 * concatenated states of {@code nodes}, in the {@code pre} convention. Without {@code self} it is
 * exactly one edge per ordered pair of distinct members; with {@code self} every unit also predicts
 * the other units of its own node (only the unit diagonal is masked), the fully connected PC graph
 * of Salvatori et al. 2022.
 */
public record BlockSpec(List<String> nodes, Activation activation, boolean bias, boolean self) {
    public BlockSpec {
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(activation, "activation");
    }

    /** A short name for logs and optimizer state, e.g. {@code fc(image,h,label)}. */
    public String name() {
        return "fc(" + String.join(",", nodes) + ")";
    }

    /**
     * The edges this block stands for, from-major: {@code a -> b} for every ordered pair of
     * distinct members, and {@code a -> a} too with {@code self}. Model files name the block's
     * weight slices after them.
     */
    public List<EdgeSpec> pairs() {
        List<EdgeSpec> out = new ArrayList<>();
        for (String a : nodes) {
            for (String b : nodes) {
                if (self || !a.equals(b)) {
                    out.add(new EdgeSpec(a, b, activation, Convention.PRE, bias));
                }
            }
        }
        return out;
    }
}
