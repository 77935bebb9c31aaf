package org.pcn4j.train;

import java.util.Locale;
import org.pcn4j.PcnException;

/** The built-in learning algorithms (contract names in {@link #id()}), each an {@link UpdateRule}. See docs/algorithms.md. */
public enum Algorithm {
    /** Standard PC: feedforward init, T state steps, then one weight update from the final errors. */
    PC("pc"),
    /** Incremental PC: states and weights updated at every inference step (Salvatori et al. 2024). */
    IPC("ipc"),
    /** Fixed-prediction assumption: predictions frozen at their feedforward values (Millidge et al. 2020). */
    FPA("fpa"),
    /** Zero-divergence inference learning: layer k from the output updated from step k (Song et al. 2020). */
    ZIL("zil"),
    /** PC with a nudged (not clamped) output: positive, negative or centred. */
    PC_NUDGE("pc-nudge"),
    /** Backpropagation on the same model, for comparison. */
    BP("bp");

    private final String id;

    Algorithm(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** This algorithm's rule with its default hyperparameters (pc-nudge: centered, beta 0.1). */
    public UpdateRule rule() {
        switch (this) {
            case PC: return new PcRule();
            case IPC: return new IncrementalPcRule();
            case FPA: return new FpaRule();
            case ZIL: return new ZilRule();
            case PC_NUDGE: return new NudgeRule();
            case BP: return new BackpropRule();
            default: throw new AssertionError(this);
        }
    }

    /** The built-in algorithm {@code rule} is an instance of, or null for a rule defined elsewhere. */
    public static Algorithm of(UpdateRule rule) {
        if (rule instanceof PcRule) {
            return PC;
        } else if (rule instanceof IncrementalPcRule) {
            return IPC;
        } else if (rule instanceof FpaRule) {
            return FPA;
        } else if (rule instanceof ZilRule) {
            return ZIL;
        } else if (rule instanceof NudgeRule) {
            return PC_NUDGE;
        } else if (rule instanceof BackpropRule) {
            return BP;
        }
        return null;
    }

    public static Algorithm parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Algorithm a : values()) {
            if (a.id.equals(n)) {
                return a;
            }
        }
        throw new PcnException("unknown algorithm '" + s + "' (expected pc, ipc, fpa, zil, pc-nudge or bp)");
    }

    @Override
    public String toString() {
        return id;
    }
}
