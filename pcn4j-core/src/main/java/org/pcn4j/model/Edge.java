package org.pcn4j.model;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A parametric map from source nodes to target nodes with its local derivatives: the one type
 * {@link PcNetwork} knows its connections by. {@link DenseEdge} (one source, one target) and
 * {@link DenseBlock} (a fully connected block whose members are both sources and targets)
 * implement it; a new kind (a convolution, an elementwise gain) is one more class, added with
 * {@link PcNetwork#add(Edge)}.
 *
 * <p>The network drives an edge through one inference step in this order, always for the
 * current batch size:
 * <ol>
 *   <li>{@link #refresh} then {@link #addPrediction} per target: its share of mu_target;</li>
 *   <li>{@link #errorChanged} per target once that target's error eps = -dF/dmu is recomputed;</li>
 *   <li>{@link #prepareStateGradients} once, then {@link #accumulateStateGradient} per source when
 *       {@link #sendsStateGradient()}: subtracts J^T eps from the source's dF/dx;</li>
 *   <li>{@link #weightGradient}: dF/dtheta into every {@link Parameter#grad()}, a batch mean.</li>
 * </ol>
 * Energies and weight gradients are batch means, state gradients per sample (see DEVELOPERS.md).
 * An edge reads nodes only through their public arrays ({@link Node#state()},
 * {@link Node#prediction()}, {@link Node#error()}, {@link Node#gradient()}), so it can live in
 * any package.
 *
 * <p>Under the {@code layers} schedule ({@link ParallelSchedule}) different edges run these calls
 * at the same time on different threads (one edge is only ever driven by one thread at a time): an
 * edge must write only its own buffers and the arrays of the nodes the call is for, and its
 * results must not depend on the thread (a {@code ParallelFor} inside runs inline there).
 */
public interface Edge {
    /** A unique name; its tensors in a model file are named {@code NAME.PARAMETER}. */
    String name();

    /** The nodes this edge reads (in a fixed order). */
    List<Node> sources();

    /** The nodes this edge predicts (in a fixed order). */
    List<Node> targets();

    /** Whether {@code source} predicts {@code target} through this edge (for the topological order). */
    default boolean connects(Node source, Node target) {
        return sources().contains(source) && targets().contains(target);
    }

    /** Grows the batch buffers to hold {@code batch} samples; called before a larger batch is used. */
    void ensureCapacity(int batch);

    /**
     * Brings the contribution to {@code target} up to date with the sources and parameters; true
     * when it changed since {@code target} last read it (then {@link #addPrediction} follows).
     */
    boolean refresh(Node target, int batch);

    /** mu_target = (with {@code overwrite}) or += this edge's contribution to {@code target}. */
    void addPrediction(Node target, int batch, boolean overwrite);

    /** {@code target}'s error was just recomputed: an edge may derive what both gradients share. */
    default void errorChanged(Node target, int batch) {}

    /** Called once per state-gradient pass, before any {@link #accumulateStateGradient}. */
    default void prepareStateGradients(int batch) {}

    /** False when the targets' errors are exactly zero, so no source gets a state gradient. */
    boolean sendsStateGradient();

    /** {@code source.gradient() -= J^T eps}: this edge's share of dF/dx_source, per sample. */
    void accumulateStateGradient(Node source, int batch);

    // ---- row ranges: the batch schedule ------------------------------------------------------

    /**
     * Whether the batch schedule ({@link ParallelSchedule#BATCH}) may drive this edge by row ranges
     * of the batch: the calls below, where each row range gets exactly the values the whole-batch
     * call gives it (each sample's arithmetic does not depend on the others). The serial
     * {@code begin} calls run first on one thread; then the row calls of different ranges run at
     * the same time on different threads, each writing only its rows. A network with an edge that
     * says no runs {@code auto} instead. The dense edge says yes.
     */
    default boolean rowwise() {
        return false;
    }

    /**
     * Serial half of {@link #refresh}: true when the contribution to {@code target} must be
     * recomputed (then it counts as up to date from now on, and is made ready, e.g. its weights
     * packed, for {@link #refreshRows} on every row range at once).
     */
    default boolean beginRefresh(Node target, int batch) {
        throw new UnsupportedOperationException(name() + ": no row-range forms");
    }

    /** Rows [r0, r1) of the recomputation {@link #beginRefresh} announced. */
    default void refreshRows(Node target, int batch, int r0, int r1) {
        throw new UnsupportedOperationException(name() + ": no row-range forms");
    }

    /** {@link #addPrediction} for rows [r0, r1). */
    default void addPredictionRows(Node target, int batch, boolean overwrite, int r0, int r1) {
        throw new UnsupportedOperationException(name() + ": no row-range forms");
    }

    /** {@link #errorChanged} for rows [r0, r1) of {@code target}'s error. */
    default void errorChangedRows(Node target, int batch, int r0, int r1) {}

    /**
     * Serial, before the row ranges of a state-gradient pass: {@link #prepareStateGradients} and
     * whatever makes {@link #accumulateStateGradientRows} safe to run on several ranges at once.
     */
    default void beginStateGradients(int batch) {
        prepareStateGradients(batch);
    }

    /**
     * Serial, before the row ranges of a backward sweep ({@link PcNetwork#backwardSweep}), where
     * the targets' errors are computed during the sweep: makes {@link #accumulateStateGradientRows}
     * safe to run on several ranges at once whatever those errors turn out to be.
     */
    default void beginBackward(int batch) {
        throw new UnsupportedOperationException(name() + ": no row-range forms");
    }

    /** {@link #accumulateStateGradient} for rows [r0, r1) of {@code source}'s gradient. */
    default void accumulateStateGradientRows(Node source, int batch, int r0, int r1) {
        throw new UnsupportedOperationException(name() + ": no row-range forms");
    }

    /**
     * Writes (or, with {@code accumulate}, adds) {@code scale} times dF/dtheta, averaged over the
     * batch, into every parameter's gradient.
     */
    void weightGradient(int batch, float scale, boolean accumulate);

    /** The trainable tensors with their gradient buffers, in a fixed order. */
    List<Parameter> parameters();

    /** Sets the parameters from {@code rng} by {@code scheme} (see {@link Mlp#initialize}), then {@link #weightsChanged()}. */
    void initialize(String scheme, SplittableRandom rng);

    /** Trainable scalars (masked weights of a block not counted). */
    long parameterCount();

    /** Call after writing a parameter: invalidates cached products (and re-applies masks). */
    void weightsChanged();

    /**
     * Called after an optimizer step and {@link #weightsChanged()}, on the thread of this edge's
     * update task under the {@code layers} and {@code auto} schedules: the edge may prepare what
     * its next products need (pack its new weights), so that work runs in parallel with other
     * edges' updates instead of at the head of the next feedforward chain. Must not change any
     * result; the default does nothing.
     */
    default void prepareProducts(int batch) {}

    /**
     * The fixed-prediction assumption: while frozen, contributions and local derivatives keep their
     * current values however the sources move.
     */
    void setFrozen(boolean frozen);

    /**
     * Multiply-adds of one of this edge's products over {@code batch} samples (its forward map, or
     * J^T eps): what the {@code layers} schedule balances tasks by. The default counts a dense map
     * from all sources to all targets.
     */
    default long productCost(int batch) {
        long in = 0;
        long out = 0;
        for (Node n : sources()) {
            in += n.size();
        }
        for (Node n : targets()) {
            out += n.size();
        }
        return batch * in * out;
    }

    /**
     * Whether {@link #refresh} would reuse a cached contribution to {@code target} now (no product),
     * for the schedule's cost model only; the default says no.
     */
    default boolean cached(Node target, int batch) {
        return false;
    }
}
