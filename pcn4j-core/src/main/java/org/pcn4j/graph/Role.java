package org.pcn4j.graph;

import java.util.Locale;
import org.pcn4j.PcnException;

/** What a graph node is clamped to. */
public enum Role {
    /** Clamped to the data. */
    INPUT("input"),
    /** Clamped to the (one-hot) label in training, free at test: the node read out. */
    TARGET("target"),
    /** Free: its state is inferred. */
    HIDDEN("hidden");

    private final String id;

    Role(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Role parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        for (Role r : values()) {
            if (r.id.equals(n)) {
                return r;
            }
        }
        throw new PcnException("unknown role '" + s + "' (expected input, target or hidden)");
    }

    @Override
    public String toString() {
        return id;
    }
}
