package org.pcn4j.model;

import java.util.Locale;
import org.pcn4j.PcnException;

/** Where an edge applies its activation. */
public enum Convention {
    /** mu = f(W x + b): states live after the nonlinearity (a standard MLP forward pass). */
    POST("post"),
    /** mu = W f(x) + b: the activation is applied to the source state (graph PCNs). */
    PRE("pre");

    private final String id;

    Convention(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Convention parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        for (Convention c : values()) {
            if (c.id.equals(n)) {
                return c;
            }
        }
        throw new PcnException("unknown convention '" + s + "' (expected post or pre)");
    }

    @Override
    public String toString() {
        return id;
    }
}
