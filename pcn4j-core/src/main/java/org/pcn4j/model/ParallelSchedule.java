package org.pcn4j.model;

import java.util.Locale;
import org.pcn4j.PcnException;

/**
 * How a {@link PcNetwork} spreads one inference step over the kernel threads
 * ({@code org.pcn4j.kernel.Backends#threads()}). Every schedule gives bit-identical results at any
 * thread count: each product keeps its arithmetic order, only which thread runs it changes.
 * <ul>
 *   <li>{@link #GEMM}: the phases run node by node; each large matrix product is split over the
 *       threads (the default, and what one thread always does);</li>
 *   <li>{@link #LAYERS}: each inference phase (the predictions with the errors; the state
 *       gradients; the weight update, each edge's gradient and optimizer step in one task) runs
 *       its nodes or edges as independent tasks on the threads, balanced by their modelled cost;
 *       a task too large to balance is split as in {@code gemm}. The feedforward initialization
 *       is a chain and stays {@code gemm};</li>
 *   <li>{@link #AUTO}: per phase call, the one a cost model predicts faster (gemm unless layers
 *       wins by a margin); the same choices every run.</li>
 *   <li>{@link #BATCH}: the inference phases (the feedforward initialization, the predictions with
 *       the errors, the state gradients) split the batch instead of the products: each thread runs
 *       every node and edge of the phase on its own rows, one hand-off per phase instead of one
 *       per product (inference is independent per sample). A product's rows keep the whole
 *       product's arithmetic ({@code Kernels#sgemmRows}). The weight update (full-batch products)
 *       runs as under {@code auto}, and so does everything in a network with an edge, an energy or
 *       a kernel backend without row-range forms ({@link Edge#rowwise()}), or with a batch too
 *       small for two ranges of 8 rows.</li>
 * </ul>
 */
public enum ParallelSchedule {
    GEMM, LAYERS, AUTO, BATCH;

    /** The CLI's name: gemm, layers, auto or batch. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses gemm, layers, auto or batch (any case); anything else is a one-line {@link PcnException}. */
    public static ParallelSchedule parse(String s) {
        return parse(s, "--parallel");
    }

    /** As {@link #parse(String)}, the error naming {@code option} (e.g. {@code --schedule}). */
    public static ParallelSchedule parse(String s, String option) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (ParallelSchedule p : values()) {
            if (p.id().equals(v)) {
                return p;
            }
        }
        throw new PcnException("unknown " + option + " value '" + s + "' (expected gemm, layers, auto or batch)");
    }
}
