package org.pcn4j.optim;

import java.util.List;

/**
 * A first-order optimizer. Its per-parameter state is keyed by the position of each parameter in
 * the list passed to {@link #step}, so callers pass the same list, in the same order, every time.
 */
public interface Optimizer {

    /** Moves every parameter one step against its gradient with learning rate {@code lr}. */
    void step(List<Param> params, double lr);

    /** Moves the parameters at the given positions only; the others keep their state untouched. */
    void step(List<Param> params, double lr, boolean[] active);

    /**
     * One step split in two, for callers that spread the elementwise work over threads: this call
     * does the per-parameter bookkeeping (allocating state, counting steps) for the parameters at
     * the given positions ({@code active} null: all) and returns the elementwise rest. Applying
     * every active parameter's whole range once gives the same bits as
     * {@link #step(List, double, boolean[])}. Returns null when the optimizer has no such form;
     * callers then use {@code step}.
     */
    default Update begin(List<Param> params, double lr, boolean[] active) {
        return null;
    }

    /** The elementwise part of one step ({@link #begin}). */
    interface Update {
        /**
         * Moves entries [from, to) of the parameter at position p. Calls on disjoint ranges may run
         * concurrently and in any order: each entry depends only on its own value, gradient and state.
         */
        void apply(int p, int from, int to);
    }

    /** Forgets all state (momenta, moments, step counts). */
    void reset();

    /**
     * A deep copy of the state (for rollback and checkpoints). Optimizers written outside pcn4j that
     * do not override it cannot be rolled back or checkpointed.
     */
    default OptimizerState saveState() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot save its state");
    }

    /**
     * Replaces the state by a copy of {@code state}, as {@link #saveState} returned it from an
     * optimizer of the same kind; the next {@link #step} continues exactly as that one would have.
     */
    default void restoreState(OptimizerState state) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot restore a state");
    }

    /** Builds the optimizer a config describes. */
    static Optimizer of(OptimizerConfig c) {
        switch (c.kind()) {
            case SGD:
                return new Sgd(c.momentum(), c.nesterov(), c.weightDecay());
            case ADAM:
                return new Adam(c.beta1(), c.beta2(), c.epsilon(), c.weightDecay(), false);
            case ADAMW:
                return new Adam(c.beta1(), c.beta2(), c.epsilon(), c.weightDecay(), true);
            default:
                throw new AssertionError(c.kind());
        }
    }
}
