package org.pcn4j.train;

import java.util.Locale;
import org.pcn4j.PcnException;

/** The learning algorithms (contract names in {@link #id()}). See docs/algorithms.md. */
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
