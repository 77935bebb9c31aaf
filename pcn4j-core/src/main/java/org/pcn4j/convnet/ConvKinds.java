package org.pcn4j.convnet;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.pcn4j.PcnException;
import org.pcn4j.conv.ConvBlock;
import org.pcn4j.conv.ConvGeometry;
import org.pcn4j.conv.ConvTranspose2d;
import org.pcn4j.conv.Pool2d;
import org.pcn4j.graph.EdgeKinds;
import org.pcn4j.graph.EdgeSpec;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;

/**
 * The graph-spec kinds {@code conv2d} and {@code conv_transpose2d}: their keys, their shape checks
 * (one-line errors naming the edge and both shapes) and their parameter counts. Both default to
 * the {@code post} convention (conv -> activation -> pool, as pcx's VGG blocks), unlike dense edges.
 * Keys: {@code kernel} (required; an integer or [kh, kw]), {@code stride} (1), {@code padding}
 * (0), {@code groups} (1); conv2d also {@code pool} (none, max, avg) and {@code pool_size} (2 with
 * a pool; non-overlapping, and it must divide the conv's output); conv_transpose2d also
 * {@code output_padding} (0).
 */
public final class ConvKinds implements EdgeKinds.Provider {
    public static final String CONV2D = "conv2d";
    public static final String CONV_TRANSPOSE2D = "conv_transpose2d";

    /** For the service loader (see {@link EdgeKinds.Provider}). */
    public ConvKinds() {}

    @Override
    public void registerKinds() {
        registerAll();
    }

    /** Registers both kinds (the service loader calls this from {@link EdgeKinds}' initializer). */
    public static void registerAll() {
        EdgeKinds.register(CONV2D, new Conv());
        EdgeKinds.register(CONV_TRANSPOSE2D, new Transposed());
    }

    private abstract static class Base implements EdgeKinds.Kind {
        @Override
        public Convention defaultConvention() {
            return Convention.POST;
        }

        @Override
        public long parameterCount(EdgeSpec spec, int fromSize, int toSize) {
            throw new PcnException("edge " + spec.name() + ": " + spec.op() + " needs the nodes' shapes");
        }
    }

    private static final class Conv extends Base {
        @Override
        public Set<String> options() {
            return Set.of("kernel", "stride", "padding", "groups", "pool", "pool_size");
        }

        @Override
        public Edge create(PcNetwork network, Node from, Node to, EdgeSpec spec) {
            ConvBlock block = block(spec, from.shape(), to.shape());
            return network.add(new ConvEdge(spec.name(), from, to, block, spec.bias()));
        }

        @Override
        public void checkShapes(EdgeSpec spec, int[] fromShape, int[] toShape) {
            block(spec, fromShape, toShape);
        }

        @Override
        public long parameterCount(EdgeSpec spec, int[] fromShape, int[] toShape) {
            String w = where(spec);
            shaped(w, "source", spec.from(), fromShape);
            shaped(w, "target", spec.to(), toShape);
            int[] k = pair(spec, "kernel", -1);
            int groups = integer(spec, "groups", 1);
            return (long) toShape[0] * (fromShape[0] / Math.max(groups, 1)) * k[0] * k[1]
                    + (spec.bias() ? toShape[0] : 0);
        }
    }

    private static final class Transposed extends Base {
        @Override
        public Set<String> options() {
            return Set.of("kernel", "stride", "padding", "groups", "output_padding");
        }

        @Override
        public Edge create(PcNetwork network, Node from, Node to, EdgeSpec spec) {
            ConvTranspose2d op = transposed(spec, from.shape(), to.shape());
            return network.add(new ConvTransposeEdge(spec.name(), from, to, op, spec.activation(), spec.convention(),
                    spec.bias()));
        }

        @Override
        public void checkShapes(EdgeSpec spec, int[] fromShape, int[] toShape) {
            transposed(spec, fromShape, toShape);
        }

        @Override
        public long parameterCount(EdgeSpec spec, int[] fromShape, int[] toShape) {
            String w = where(spec);
            shaped(w, "source", spec.from(), fromShape);
            shaped(w, "target", spec.to(), toShape);
            int[] k = pair(spec, "kernel", -1);
            int groups = integer(spec, "groups", 1);
            return (long) fromShape[0] * (toShape[0] / Math.max(groups, 1)) * k[0] * k[1]
                    + (spec.bias() ? toShape[0] : 0);
        }
    }

    /** The fused block of a conv2d edge, checked against both nodes' shapes. */
    static ConvBlock block(EdgeSpec spec, int[] fromShape, int[] toShape) {
        String w = where(spec);
        shaped(w, "source", spec.from(), fromShape);
        shaped(w, "target", spec.to(), toShape);
        int[] k = pair(spec, "kernel", -1);
        int[] s = pair(spec, "stride", 1);
        int[] p = pair(spec, "padding", 0);
        ConvGeometry g = ConvGeometry.builder().name(w).input(fromShape[0], fromShape[1], fromShape[2])
                .outChannels(toShape[0]).kernel(k[0], k[1]).stride(s[0], s[1]).padding(p[0], p[1])
                .groups(integer(spec, "groups", 1)).build();
        ConvBlock.Builder b = ConvBlock.builder(g).name(w).activation(spec.activation()).convention(spec.convention());
        Object poolOpt = spec.options().get("pool");
        String pool = poolOpt == null ? "none" : String.valueOf(poolOpt).trim().toLowerCase(java.util.Locale.ROOT);
        int[] out = g.outShape();
        if (pool.equals("none")) {
            if (spec.options().containsKey("pool_size")) {
                throw new PcnException(w + ": pool_size without a pool (give pool: max or avg)");
            }
        } else {
            Pool2d.Kind kind;
            try {
                kind = Pool2d.Kind.parse(pool);
            } catch (RuntimeException e) {
                throw new PcnException(w + ": unknown pool '" + org.pcn4j.util.InputChecks.quote(poolOpt)
                        + "' (expected none, max, avg)");
            }
            int[] ps = pair(spec, "pool_size", 2);
            if (g.outH() % ps[0] != 0 || g.outW() % ps[1] != 0) {
                throw new PcnException(w + ": pool_size " + ps[0] + "x" + ps[1] + " does not divide the conv output "
                        + dims(out) + " (" + g.describe() + ")");
            }
            b.pool(kind, ps[0], ps[1]);
            out = new int[] {out[0], out[1] / ps[0], out[2] / ps[1]};
        }
        if (!Arrays.equals(out, toShape)) {
            throw new PcnException(w + ": " + g.describe() + (pool.equals("none") ? "" : " with " + pool + " pool")
                    + " gives " + dims(out) + " from " + spec.from() + " " + dims(fromShape) + ", but node "
                    + spec.to() + " is " + dims(toShape));
        }
        return b.build();
    }

    /** The op of a conv_transpose2d edge, checked against both nodes' shapes. */
    static ConvTranspose2d transposed(EdgeSpec spec, int[] fromShape, int[] toShape) {
        String w = where(spec);
        shaped(w, "source", spec.from(), fromShape);
        shaped(w, "target", spec.to(), toShape);
        int[] k = pair(spec, "kernel", -1);
        int[] s = pair(spec, "stride", 1);
        int[] p = pair(spec, "padding", 0);
        int[] op = pair(spec, "output_padding", 0);
        int oh = (fromShape[1] - 1) * s[0] - 2 * p[0] + k[0] + op[0];
        int ow = (fromShape[2] - 1) * s[1] - 2 * p[1] + k[1] + op[1];
        if (oh != toShape[1] || ow != toShape[2]) {
            throw new PcnException(w + ": conv_transpose2d (kernel " + k[0] + "x" + k[1] + ", stride " + s[0] + "x"
                    + s[1] + ", padding " + p[0] + "x" + p[1] + ", output_padding " + op[0] + "x" + op[1]
                    + ") gives " + toShape[0] + "x" + oh + "x" + ow + " from " + spec.from() + " " + dims(fromShape)
                    + ", but node " + spec.to() + " is " + dims(toShape));
        }
        ConvGeometry inner = ConvTranspose2d.geometry(w, fromShape[0], fromShape[1], fromShape[2], toShape[0], k[0],
                k[1], s[0], s[1], p[0], p[1], op[0], op[1], integer(spec, "groups", 1));
        return new ConvTranspose2d(inner);
    }

    private static String where(EdgeSpec spec) {
        return "edge " + spec.name();
    }

    private static void shaped(String w, String role, String node, int[] shape) {
        if (shape.length != 3) {
            throw new PcnException(w + ": a convolution needs a shaped " + role + " node ([C, H, W]); '" + node
                    + "' has size " + shape[0] + " (give it shape: [C, H, W])");
        }
    }

    /** An option as [h, w]: an integer, or a list of two; {@code dflt} < 0 means required. */
    static int[] pair(EdgeSpec spec, String key, int dflt) {
        Object v = spec.options().get(key);
        String w = where(spec);
        if (v == null) {
            if (dflt < 0) {
                throw new PcnException(w + ": " + spec.op() + " needs '" + key + "'");
            }
            return new int[] {dflt, dflt};
        }
        if (v instanceof List && ((List<?>) v).size() == 2) {
            List<?> l = (List<?>) v;
            return new int[] {integer(w, key, l.get(0)), integer(w, key, l.get(1))};
        }
        int x = integer(w, key, v);
        return new int[] {x, x};
    }

    static int integer(EdgeSpec spec, String key, int dflt) {
        Object v = spec.options().get(key);
        return v == null ? dflt : integer(where(spec), key, v);
    }

    private static int integer(String w, String key, Object v) {
        if (!(v instanceof Number) || ((Number) v).doubleValue() != Math.rint(((Number) v).doubleValue())
                || Math.abs(((Number) v).doubleValue()) > 1 << 20) {
            throw new PcnException(w + ": '" + key + "' must be an integer or [h, w], not '"
                    + org.pcn4j.util.InputChecks.quote(v) + "'");
        }
        return ((Number) v).intValue();
    }

    static String dims(int[] s) {
        StringBuilder sb = new StringBuilder();
        for (int v : s) {
            sb.append(sb.length() == 0 ? "" : "x").append(v);
        }
        return sb.toString();
    }
}
