package org.pcn4j.fit;

import java.util.List;
import org.pcn4j.model.Node;
import org.pcn4j.train.Trainer;

/**
 * Decides, after each batch, whether training diverged: a non-finite loss or energy; an energy that
 * rose during the batch's own inference above where it started ({@link #RISE} times, relaxing
 * algorithms only: states running away, as with a too large state rate); or an energy or loss more than {@code factor} times
 * the running reference (an exponential mean of the good batches that follows falls quickly and
 * rises slowly: a drift up over hundreds of batches is followed, a blow-up over tens is not). The
 * reference check starts after {@link #WARMUP} good batches. Public for distributed trainers
 * (pcn4j-spark), which check each synchronization round with it as {@link Fit} checks a batch.
 */
public final class DivergenceGuard {
    static final int WARMUP = 3;
    /** Reference steps (in log space) towards a lower and a higher batch value: an asymmetric geometric mean. */
    private static final double DOWN = 0.3;
    private static final double UP = 0.01;
    private static final double FLOOR = 1e-8;

    /**
     * Relaxing inference (pc, ipc, pc-nudge) lowers the energy from where the batch starts; ending
     * this much above the start means the state steps overshoot (gamma too large for the
     * precisions): its states are noise, and training on them does not learn. fpa and zil fill
     * the hidden errors in by design, so their energy may rise by any factor; they (and bp) get
     * only the other checks.
     */
    static final double RISE = 1.2;

    private final double factor;
    private final double rise;
    double refEnergy = Double.NaN;
    double refLoss = Double.NaN;
    int good;

    /** {@code relaxing}: pc, ipc, pc-nudge (their energy must not rise during inference). */
    public DivergenceGuard(double factor, boolean relaxing) {
        this.factor = factor;
        this.rise = relaxing ? RISE : Double.POSITIVE_INFINITY;
    }

    /** What went wrong with this batch, or null when it is good. */
    public Finding check(Trainer.StepResult r, List<double[]> trace, List<Node> nodes) {
        double e = r.finalEnergy();
        double loss = r.loss();
        if (!Double.isFinite(e) || !Double.isFinite(loss)) {
            return new Finding(worstNode(trace, nodes), Double.isFinite(e) ? loss : e, "non-finite "
                    + (Double.isFinite(e) ? "loss" : "energy"));
        }
        if (e > rise * Math.max(r.initialEnergy(), FLOOR)) {
            // The state steps overshoot for these weights: the state rate is to blame, not the weights.
            return new Finding(worstNode(trace, nodes), e, "energy rose during inference from "
                    + String.format(java.util.Locale.ROOT, "%.4g", r.initialEnergy()) + " to", true);
        }
        if (good >= WARMUP) {
            if (e > factor * Math.max(refEnergy, FLOOR)) {
                return new Finding(worstNode(trace, nodes), e, "energy above " + (long) factor
                        + "x the running reference " + String.format(java.util.Locale.ROOT, "%.4g", refEnergy) + ":");
            }
            if (loss > factor * Math.max(refLoss, FLOOR)) {
                return new Finding(worstNode(trace, nodes), loss, "loss above " + (long) factor
                        + "x the running reference " + String.format(java.util.Locale.ROOT, "%.4g", refLoss) + ":");
            }
        }
        return null;
    }

    /** An ignored event: the reference restarts at this batch's level, so one jump is one event. */
    public void rebase(Trainer.StepResult r) {
        refEnergy = r.finalEnergy();
        refLoss = r.loss();
        good++;
    }

    /** A good batch moves the reference: quickly down, slowly up, so a gradual blow-up cannot drag it along. */
    public void accept(Trainer.StepResult r) {
        if (good == 0) {
            refEnergy = r.finalEnergy();
            refLoss = r.loss();
        } else {
            refEnergy = follow(refEnergy, r.finalEnergy());
            refLoss = follow(refLoss, r.loss());
        }
        good++;
    }

    /**
     * In log space: an exponential blow-up (the loss doubling every batch) would drag an arithmetic
     * mean along at a fixed fraction of the current value and never leave it behind by the factor.
     */
    private static double follow(double ref, double v) {
        if (!(ref > FLOOR) || !(v > FLOOR)) {
            return ref + (v < ref ? DOWN : UP) * (v - ref);
        }
        return Math.exp(Math.log(ref) + (v < ref ? DOWN : UP) * (Math.log(v) - Math.log(ref)));
    }

    /** The node with the largest (or a non-finite) energy in the last inference step. */
    public static String worstNode(List<double[]> trace, List<Node> nodes) {
        if (trace.isEmpty() || nodes.isEmpty()) {
            return "?";
        }
        double[] row = trace.get(trace.size() - 1);
        int best = 0;
        for (int i = 0; i < nodes.size(); i++) {
            double v = row[i + 1];
            if (!Double.isFinite(v)) {
                return nodes.get(i).name();
            }
            if (v > row[best + 1]) {
                best = i;
            }
        }
        return nodes.get(best).name();
    }

    /** The guard's reference (energy, loss, good batches so far), for a checkpoint. */
    public double[] state() {
        return new double[] {refEnergy, refLoss, good};
    }

    /** Puts back what {@link #state()} returned. */
    public void restore(double[] state) {
        refEnergy = state[0];
        refLoss = state[1];
        good = (int) state[2];
    }

    /** What a check found: the node with the largest energy, the offending value and why. */
    public record Finding(String node, double value, String reason, boolean inference) {
        /** A finding the weights are to blame for (anything but an energy rise during inference). */
        public Finding(String node, double value, String reason) {
            this(node, value, reason, false);
        }
    }
}
