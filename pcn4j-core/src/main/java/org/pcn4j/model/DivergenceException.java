package org.pcn4j.model;

import org.pcn4j.PcnException;

/** Inference produced a NaN or infinite energy. */
public class DivergenceException extends PcnException {
    private static final long serialVersionUID = 1L;
    private final String node;

    public DivergenceException(String node) {
        super("inference diverged: non-finite energy at node '" + node + "'");
        this.node = node;
    }

    public String node() {
        return node;
    }
}
