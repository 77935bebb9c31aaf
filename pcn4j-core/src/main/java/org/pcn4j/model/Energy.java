package org.pcn4j.model;

import java.util.Locale;
import org.pcn4j.PcnException;

/** The energy a node contributes given its state x and prediction mu. */
public enum Energy {
    /** pi/2 |x - mu|^2: the standard PC energy, a Gaussian with fixed precision pi. */
    GAUSSIAN("gaussian"),
    /**
     * Cross-entropy of the (one-hot or probability) state x under softmax(mu): for a categorical
     * output. The signal it sends down is x - softmax(mu) in place of the Gaussian error.
     */
    CROSS_ENTROPY("cross_entropy");

    private final String id;

    Energy(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Energy parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (n) {
            case "gaussian": case "mse": case "squared": return GAUSSIAN;
            case "cross_entropy": case "ce": case "crossentropy": return CROSS_ENTROPY;
            default: throw new PcnException("unknown energy '" + s + "' (expected gaussian or cross_entropy)");
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
