package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.pcn4j.graph.BlockSpec;
import org.pcn4j.graph.EdgeSpec;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.graph.NodeSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pcn4j graph}: PC graph specs. */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Inspect PC graph specs (YAML or JSON nodes and edges).",
        subcommands = {GraphCommand.Show.class})
public final class GraphCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code pcn4j graph show FILE}: the topology as text, as a PNG drawing and, on request, as Graphviz DOT. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print a graph's nodes, edges, parameters and cycles, and draw it as a PNG.",
                    "FILE is a graph spec (.yaml, .yml, .json) or a graph model (.safetensors)."})
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The graph spec or graph model file.")
        Path file;

        @Option(names = "--png", paramLabel = "PATH", description = "Where to write the drawing (default: FILE with .png).")
        Path png;

        @Option(names = "--no-png", description = "Do not write the PNG drawing.")
        boolean noPng;

        @Option(names = "--dot", paramLabel = "FILE", description = {"Also write the graph as Graphviz DOT to FILE "
                + "(render it with dot -Tsvg).", "With -, the DOT alone goes to standard output and the text to "
                + "standard error, for piping into dot."})
        String dot;

        @Override
        public Integer call() {
            GraphSpec g = GraphFiles.load(file);
            String name = file.getFileName().toString();
            boolean dotToStdout = "-".equals(dot);
            // With the DOT on stdout, everything else goes to stderr so that stdout stays one valid DOT file.
            java.io.PrintStream text = dotToStdout ? System.err : System.out;
            text.print(describe(g, name));
            if (dot != null) {
                String source = GraphDot.render(g, name);
                if (dotToStdout) {
                    System.out.print(source);
                } else {
                    Path out = Path.of(dot);
                    GraphFiles.writeText(out, source);
                    text.println("dot: " + out);
                }
            }
            if (!noPng) {
                Path out = png != null ? png : defaultPng(file);
                Plot.write(out, GraphDrawing.render(g, name));
                text.println("drawing: " + out);
            }
            return 0;
        }

        static Path defaultPng(Path file) {
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            return file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".png");
        }
    }

    static String describe(GraphSpec g, String title) {
        Set<EdgeSpec> back = g.backEdges();
        StringBuilder b = new StringBuilder();
        int nb = g.blocks().size();
        b.append(String.format(Locale.ROOT, "graph %s: %d nodes, %d edges%s, %,d parameters, %s%n", title,
                g.nodes().size(), g.edges().size(),
                nb == 0 ? "" : ", " + nb + " fully connected block" + (nb > 1 ? "s" : ""),
                g.parameterCount(), back.isEmpty() ? "acyclic" : "cyclic"));
        int w = 4;
        for (NodeSpec n : g.nodes()) {
            w = Math.max(w, n.name().length());
        }
        int sw = 6;
        for (NodeSpec n : g.nodes()) {
            sw = Math.max(sw, n.describeShape().length());
        }
        b.append("nodes:\n");
        b.append(String.format(Locale.ROOT, "  %-" + w + "s  %" + sw + "s  %-6s  %-13s  %s%n", "name", "size", "role", "energy",
                "layer"));
        java.util.Map<String, Integer> layers = g.layers();
        for (NodeSpec n : g.nodes()) {
            b.append(String.format(Locale.ROOT, "  %-" + w + "s  %" + sw + "s  %-6s  %-13s  %d%n", n.name(), n.describeShape(), n.role().id(),
                    n.energy().id() + (n.precision() != 1f ? " pi=" + n.precision() : ""), layers.get(n.name())));
        }
        int ew = 4;
        for (EdgeSpec e : g.edges()) {
            ew = Math.max(ew, e.from().length() + e.to().length() + 4);
        }
        b.append("edges:\n");
        b.append(String.format(Locale.ROOT, "  %-" + ew + "s  %-10s  %-10s  %-4s  %10s%n", "edge", "activation",
                "convention", "bias", "parameters"));
        for (EdgeSpec e : g.edges()) {
            b.append(String.format(Locale.ROOT, "  %-" + ew + "s  %-10s  %-10s  %-4s  %,10d%s%n", e.from() + " -> " + e.to(),
                    e.activation().id(), e.convention().id(), e.bias() ? "yes" : "no", g.parameterCount(e),
                    (back.contains(e) ? "  (back edge)" : "") + (e.describeOp().isEmpty() ? "" : "  " + e.describeOp())));
        }
        if (!g.blocks().isEmpty()) {
            b.append("fully connected blocks (one masked edge each):\n");
            for (BlockSpec k : g.blocks()) {
                b.append(String.format(Locale.ROOT, "  %s  %s  bias %s  self %s  %,d parameters%n", k.name(),
                        k.activation().id(), k.bias() ? "yes" : "no", k.self() ? "yes" : "no", g.parameterCount(k)));
            }
        }
        b.append(String.format(Locale.ROOT, "parameters: %,d%n", g.parameterCount()));
        List<String> names = new ArrayList<>();
        for (EdgeSpec e : back) {
            names.add(e.name());
        }
        b.append("cycles: ").append(back.isEmpty() ? "no" : "yes (back edges " + String.join(", ", names) + ")")
                .append('\n');
        return b.toString();
    }
}
