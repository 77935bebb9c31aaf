package org.pcn4j.model;

import java.util.Locale;
import org.pcn4j.PcnException;

/**
 * The energy a node contributes given its state x and prediction mu, with the error it sends
 * (eps = -dF/dmu), its own share of dF/dx, and the state a free node takes at its minimum. A node
 * owns one; {@link PcNetwork} calls these and never asks which kind it is, so a new energy is one
 * class. Arrays are {@code batch x size}, row-major; per-sample energies are not averaged.
 */
public interface Energy {
    /** pi/2 |x - mu|^2: the standard PC energy, a Gaussian with the node's precision pi. */
    Energy GAUSSIAN = GaussianEnergy.INSTANCE;
    /**
     * Cross-entropy of the (one-hot or probability) state x under softmax(mu): for a categorical
     * output. The signal it sends down is x - softmax(mu) in place of the Gaussian error.
     */
    Energy CROSS_ENTROPY = CrossEntropyEnergy.INSTANCE;

    /** The name in graph files, model files and on the command line ({@code gaussian}, {@code cross_entropy}). */
    String id();

    /** The state a free node takes from its prediction at the feedforward initialization: its minimum given mu. */
    void initialState(float[] mu, float[] x, int batch, int size);

    /**
     * Before its errors are computed, a free node whose state has a closed-form minimum may move
     * there (cross-entropy: x = softmax(mu)). Returns true when it wrote x.
     */
    default boolean settle(float[] mu, float[] x, int batch, int size) {
        return false;
    }

    /**
     * eps = -dF/dmu into {@code eps} and each sample's energy into {@code sampleEnergy};
     * {@code scratch} (batch x size) is free to use; {@code precision} is the node's pi.
     */
    void errors(float[] x, float[] mu, float[] eps, float[] sampleEnergy, float[] scratch, int batch, int size,
                float precision);

    /**
     * The node's own share of dF/dx (before what its outgoing edges send back) into {@code grad}
     * (the first {@code len} entries); {@code epsNonZero} says whether eps has a non-zero entry.
     * Returns false when the written share is exactly zero.
     */
    boolean stateGradient(float[] eps, boolean epsNonZero, float[] grad, int len);

    /**
     * Whether this energy implements the row-range forms below ({@link #errorsRows} and the
     * others), each giving rows [r0, r1) the values the whole-batch call gives them: the batch
     * schedule ({@link ParallelSchedule#BATCH}) runs row ranges of a node on different threads at
     * once and needs them; a network with a node whose energy says no runs {@code gemm} instead.
     * The built-in energies say yes; an energy that says yes and overrides {@link #settle} must
     * override {@link #settleRows} too.
     */
    default boolean rowwise() {
        return false;
    }

    /** {@link #initialState} for rows [r0, r1) of a {@code size}-wide batch. */
    default void initialStateRows(float[] mu, float[] x, int r0, int r1, int size) {
        throw new UnsupportedOperationException(id() + ": no row-range forms");
    }

    /** {@link #settle} for rows [r0, r1); returns true when it wrote x. */
    default boolean settleRows(float[] mu, float[] x, int r0, int r1, int size) {
        return false;
    }

    /** {@link #errors} for rows [r0, r1): eps and {@code sampleEnergy[r]} of those rows only. */
    default void errorsRows(float[] x, float[] mu, float[] eps, float[] sampleEnergy, float[] scratch, int r0, int r1,
                            int size, float precision) {
        throw new UnsupportedOperationException(id() + ": no row-range forms");
    }

    /**
     * {@link #stateGradient} for entries [from, to) (whole rows); {@code epsNonZero} is the whole
     * batch's. Returns false when the written share is exactly zero for every sample.
     */
    default boolean stateGradientRows(float[] eps, boolean epsNonZero, float[] grad, int from, int to) {
        throw new UnsupportedOperationException(id() + ": no row-range forms");
    }

    /** What a free node with this energy answers: its prediction (Gaussian) or its state (cross-entropy). */
    float[] answer(float[] state, float[] prediction);

    /** The loss of an answer against a target, averaged over the batch (the quantity backprop minimizes). */
    double loss(float[] answer, float[] target, int batch, int size);

    static Energy parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (n) {
            case "gaussian": case "mse": case "squared": return GAUSSIAN;
            case "cross_entropy": case "ce": case "crossentropy": return CROSS_ENTROPY;
            default: throw new PcnException("unknown energy '" + s + "' (expected gaussian or cross_entropy)");
        }
    }
}
