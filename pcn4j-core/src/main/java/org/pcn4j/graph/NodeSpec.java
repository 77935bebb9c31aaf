package org.pcn4j.graph;

import java.util.List;
import java.util.Objects;
import org.pcn4j.model.Energy;

/**
 * One node of a graph spec.
 *
 * @param name      unique name; tensors and energies are named after it
 * @param size      number of units (C * H * W for a shaped node)
 * @param role      input, target or hidden
 * @param energy    gaussian or cross_entropy (the energy of the node's prediction error)
 * @param precision pi of a Gaussian energy pi/2 |x - mu|^2 (1 by default)
 * @param shape     [C, H, W] for an image-like node (graph files: {@code shape: [1, 28, 28]}), empty for a
 *                  flat one; states are stored channel-major, so a dense edge sees them flattened as
 *                  PyTorch's {@code flatten} does
 */
public record NodeSpec(String name, int size, Role role, Energy energy, float precision, List<Integer> shape) {
    public NodeSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(energy, "energy");
        shape = List.copyOf(Objects.requireNonNull(shape, "shape"));
    }

    public NodeSpec(String name, int size, Role role, Energy energy, float precision) {
        this(name, size, role, energy, precision, List.of());
    }

    public NodeSpec(String name, int size, Role role) {
        this(name, size, role, Energy.GAUSSIAN, 1f);
    }

    /** A shaped node [C, H, W]; its size is C * H * W (see {@link #product}). */
    public static NodeSpec shaped(String name, Role role, int channels, int height, int width) {
        List<Integer> s = List.of(channels, height, width);
        return new NodeSpec(name, (int) product(s), role, Energy.GAUSSIAN, 1f, s);
    }

    /** True for a [C, H, W] node. */
    public boolean isShaped() {
        return !shape.isEmpty();
    }

    /** [C, H, W], or [size] for a flat node. */
    public int[] dims() {
        if (shape.isEmpty()) {
            return new int[] {size};
        }
        int[] d = new int[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = shape.get(i);
        }
        return d;
    }

    /** The product of the dimensions, as a long (so a huge declared shape cannot overflow). */
    public static long product(List<Integer> shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** E.g. "32x14x14", or "10" for a flat node. */
    public String describeShape() {
        if (shape.isEmpty()) {
            return Integer.toString(size);
        }
        StringBuilder sb = new StringBuilder();
        for (int d : shape) {
            sb.append(sb.length() == 0 ? "" : "x").append(d);
        }
        return sb.toString();
    }
}
