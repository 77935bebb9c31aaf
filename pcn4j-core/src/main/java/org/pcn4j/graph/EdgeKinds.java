package org.pcn4j.graph;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.pcn4j.PcnException;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;

/**
 * The edge kinds a graph spec's {@code op} can name, each a factory that builds the {@link Edge}
 * into a network. {@code dense} ({@code DenseEdge}) is built in; a new kind (a convolution) is
 * its {@code Edge} class plus one {@link #register} call (see DEVELOPERS.md, "Adding an edge
 * kind"). Graph model files store any kind's {@link Edge#parameters()} as
 * {@code edges.NAME.PARAMETER}.
 */
public final class EdgeKinds {
    /** The default kind: a dense edge with an activation, a convention and an optional bias. */
    public static final String DENSE = "dense";

    /** Builds edges of one kind from their spec. */
    public interface Kind {
        /** Builds the edge {@code from -> to} described by {@code spec} and adds it to {@code network}. */
        Edge create(PcNetwork network, Node from, Node to, EdgeSpec spec);

        /** Its trainable scalars for these node sizes, without building it (for {@code graph show}). */
        long parameterCount(EdgeSpec spec, int fromSize, int toSize);

        /**
         * As {@link #parameterCount(EdgeSpec, int, int)} with the nodes' shapes ([size] or
         * [C, H, W]); a kind whose count depends on channels (a convolution) overrides this one.
         */
        default long parameterCount(EdgeSpec spec, int[] fromShape, int[] toShape) {
            return parameterCount(spec, product(fromShape), product(toShape));
        }

        /**
         * Checks the edge against its nodes' shapes ([size] or [C, H, W]) without building it, so a
         * spec that cannot be built fails when it is read (a one-line {@code PcnException} naming
         * the edge and both shapes). Nothing to check by default: a dense edge fits any sizes.
         */
        default void checkShapes(EdgeSpec spec, int[] fromShape, int[] toShape) {}

        /** The convention a graph file's edge of this kind gets when it names none (dense: pre). */
        default org.pcn4j.model.Convention defaultConvention() {
            return org.pcn4j.model.Convention.PRE;
        }

        /**
         * The extra keys a graph file may give an edge of this kind (e.g. {@code kernel}, {@code stride});
         * they reach {@link #create} in {@link EdgeSpec#options()} and are written back to model files.
         */
        default Set<String> options() {
            return Set.of();
        }
    }

    private static final Map<String, Kind> KINDS = new ConcurrentHashMap<>();

    static {
        register(DENSE, new Kind() {
            @Override
            public Edge create(PcNetwork network, Node from, Node to, EdgeSpec spec) {
                return network.connect(from, to, spec.activation(), spec.convention(), spec.bias());
            }

            @Override
            public long parameterCount(EdgeSpec spec, int fromSize, int toSize) {
                return (long) toSize * fromSize + (spec.bias() ? toSize : 0);
            }
        });
        // The convolutional kinds (conv2d, conv_transpose2d): see org.pcn4j.convnet.
        // Kinds from packages above this one (the conv edges) register through the service loader, so
        // graph does not depend on them: a new kind is one class, its Provider, and a services line.
        for (Provider p : java.util.ServiceLoader.load(Provider.class, EdgeKinds.class.getClassLoader())) {
            p.registerKinds();
        }
    }

    /**
     * Registers edge kinds defined outside this package; listed in
     * {@code META-INF/services/org.pcn4j.graph.EdgeKinds$Provider}.
     */
    public interface Provider {
        void registerKinds();
    }

    private EdgeKinds() {}

    private static int product(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** Makes {@code op} available to graph specs (and model files); replaces an earlier kind of that name. */
    public static void register(String op, Kind kind) {
        KINDS.put(op.trim().toLowerCase(java.util.Locale.ROOT), kind);
    }

    public static boolean isKnown(String op) {
        return KINDS.containsKey(op);
    }

    /** The kind {@code op} names; a one-line {@code PcnException} for an unknown one. */
    public static Kind get(String op) {
        Kind k = KINDS.get(op);
        if (k == null) {
            throw new PcnException("unknown edge op '" + op + "' (expected " + String.join(", ", names()) + ")");
        }
        return k;
    }

    /** The registered names, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(KINDS.keySet());
    }
}
