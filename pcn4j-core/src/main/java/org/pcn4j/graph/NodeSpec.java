package org.pcn4j.graph;

import java.util.Objects;
import org.pcn4j.model.Energy;

/**
 * One node of a graph spec.
 *
 * @param name      unique name; tensors and energies are named after it
 * @param size      number of units
 * @param role      input, target or hidden
 * @param energy    gaussian or cross_entropy (the energy of the node's prediction error)
 * @param precision pi of a Gaussian energy pi/2 |x - mu|^2 (1 by default)
 */
public record NodeSpec(String name, int size, Role role, Energy energy, float precision) {
    public NodeSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(energy, "energy");
    }

    public NodeSpec(String name, int size, Role role) {
        this(name, size, role, Energy.GAUSSIAN, 1f);
    }
}
