package org.pcn4j.model;

import java.util.Arrays;

/**
 * One named trainable tensor of an {@link Edge} and its gradient buffer (same length): what
 * optimizers step and model files store. {@code shape} is row-major, e.g. [to, from] for a dense
 * weight (PyTorch's nn.Linear layout) and [to] for a bias.
 */
public record Parameter(String name, int[] shape, float[] value, float[] grad) {
    public Parameter {
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != value.length || grad.length != value.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " does not match "
                    + value.length + " values and " + grad.length + " gradients");
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }
}
