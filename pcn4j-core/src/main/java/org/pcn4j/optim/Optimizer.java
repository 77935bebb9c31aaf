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
