package org.pcn4j.optim;

/**
 * One parameter array and its gradient, as an optimizer sees it: the first {@code length} entries
 * of {@code value} move along {@code -grad}. Arrays may be longer than length (batch buffers).
 */
public record Param(String name, float[] value, float[] grad, int length) {
    public Param {
        if (length > value.length || length > grad.length) {
            throw new IllegalArgumentException(name + ": length " + length + " exceeds the arrays");
        }
    }

    public Param(String name, float[] value, float[] grad) {
        this(name, value, grad, value.length);
    }
}
