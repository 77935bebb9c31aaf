package org.pcn4j.train;

import java.util.Locale;
import org.pcn4j.PcnException;

/** How pc-nudge sets the output: towards the target, away from it, or both averaged. */
public enum Nudge {
    POSITIVE, NEGATIVE, CENTERED;

    public static Nudge parse(String s) {
        switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "positive": case "pos": return POSITIVE;
            case "negative": case "neg": return NEGATIVE;
            case "centered": case "centred": case "center": return CENTERED;
            default: throw new PcnException("unknown nudge '" + s + "' (expected positive, negative or centered)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
