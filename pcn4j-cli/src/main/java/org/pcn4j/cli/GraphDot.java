package org.pcn4j.cli;

import java.util.Locale;
import java.util.Set;
import org.pcn4j.graph.BlockSpec;
import org.pcn4j.model.Convention;
import org.pcn4j.graph.EdgeSpec;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.graph.NodeSpec;
import org.pcn4j.graph.Role;
import org.pcn4j.kernel.Activation;

/**
 * A graph spec as Graphviz DOT ({@code dot -Tsvg}), for graphs too large or too tangled for the
 * built-in PNG: nodes are boxes (input and target filled), edges are labelled with their
 * activation, back edges are dashed red and do not constrain the ranking, and each fully connected
 * block is a dashed cluster around its members (one masked edge, so no arrows are drawn for it).
 */
final class GraphDot {
    private GraphDot() {}

    static String render(GraphSpec g, String title) {
        Set<EdgeSpec> back = g.backEdges();
        StringBuilder b = new StringBuilder();
        b.append("digraph ").append(quote(title)).append(" {\n");
        b.append("  rankdir=LR;\n");
        b.append("  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\"];\n");
        b.append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (NodeSpec n : g.nodes()) {
            b.append("  ").append(node(n)).append('\n');
        }
        int k = 0;
        for (BlockSpec block : g.blocks()) {
            b.append("  subgraph ").append(quote("cluster_fc" + k++)).append(" {\n");
            b.append("    label=").append(quote("fully connected: " + block.activation().id()
                    + (block.self() ? ", self" : "") + (block.bias() ? "" : ", no bias"))).append(";\n");
            b.append("    style=dashed;\n");
            for (String member : block.nodes()) {
                b.append("    ").append(quote(member)).append(";\n");
            }
            b.append("  }\n");
        }
        for (EdgeSpec e : g.edges()) {
            StringBuilder attrs = new StringBuilder();
            String label = e.activation() == Activation.IDENTITY ? "" : e.activation().id();
            if (e.convention() == Convention.POST) {
                label = label.isEmpty() ? "post" : label + ", post";
            }
            if (!e.bias()) {
                label = label.isEmpty() ? "no bias" : label + ", no bias";
            }
            if (!e.describeOp().isEmpty()) {
                // Another kind (a convolution): its op and keys, and its parameter count.
                String op = e.describeOp() + String.format(Locale.ROOT, ", %,d parameters", g.parameterCount(e));
                label = label.isEmpty() ? op : op + ", " + label;
            }
            if (!label.isEmpty()) {
                attrs.append("label=").append(quote(label));
            }
            if (back.contains(e)) {
                if (attrs.length() > 0) {
                    attrs.append(", ");
                }
                attrs.append("style=dashed, color=\"#d62728\", constraint=false");
            }
            b.append("  ").append(quote(e.from())).append(" -> ").append(quote(e.to()));
            if (attrs.length() > 0) {
                b.append(" [").append(attrs).append(']');
            }
            b.append(";\n");
        }
        b.append("}\n");
        return b.toString();
    }

    private static String node(NodeSpec n) {
        StringBuilder rest = new StringBuilder().append(n.describeShape());
        if (n.role() != Role.HIDDEN) {
            rest.append(' ').append(n.role().id());
        }
        if (!n.energy().id().equals("gaussian") || n.precision() != 1f) {
            rest.append(' ').append(n.energy().id());
            if (n.precision() != 1f) {
                rest.append(String.format(Locale.ROOT, " pi=%s", n.precision()));
            }
        }
        String fill = n.role() == Role.INPUT ? "#dbe9f6" : n.role() == Role.TARGET ? "#fde3c8" : "white";
        // "\n" is DOT's line break inside a label: name on the first line, size, role and energy on the second.
        return quote(n.name()) + " [label=\"" + escape(n.name()) + "\\n" + escape(rest.toString()) + "\", fillcolor=\""
                + fill + "\"];";
    }

    /** A DOT ID: always double-quoted, so any node name is valid. */
    static String quote(String s) {
        return '"' + escape(s) + '"';
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }
}
