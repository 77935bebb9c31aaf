package org.pcn4j.train;

import java.util.Arrays;
import org.pcn4j.PcnException;
import org.pcn4j.model.Node;
import org.pcn4j.model.PcNetwork;

/**
 * PC with a nudged (not clamped) output (equilibrium-propagation style): the output is set a
 * fraction {@code beta} of the way from the network's own answer towards the target (positive),
 * away from it (negative), or both with the two gradients averaged (centered); each phase relaxes
 * and the weight gradient is the phase's, scaled by 1/beta.
 */
public final class NudgeRule implements UpdateRule {
    private final Nudge nudge;
    private final double beta;

    /** @param beta the nudge strength, > 0 */
    public NudgeRule(Nudge nudge, double beta) {
        if (!(beta > 0)) {
            throw new PcnException("pc-nudge needs --beta > 0, got " + beta);
        }
        this.nudge = nudge;
        this.beta = beta;
    }

    /** The default nudge: centered, beta 0.1. */
    public NudgeRule() {
        this(Nudge.CENTERED, 0.1);
    }

    public Nudge nudge() {
        return nudge;
    }

    public double beta() {
        return beta;
    }

    @Override
    public String id() {
        return "pc-nudge";
    }

    @Override
    public Trainer.StepResult step(StepContext s, float[] y) {
        PcNetwork net = s.network();
        Node target = s.target();
        // Feedforward with the output free: mu_L is the network's own answer.
        net.release(target);
        net.initFeedforward();
        net.computePredictions();
        float[] mu = Arrays.copyOf(target.energy().answer(target.state(), target.prediction()),
                net.batch() * target.size());
        double loss = target.energy().loss(mu, y, net.batch(), target.size());
        s.countCorrect(mu, y);
        s.snapshotStates();
        double eFinal = 0;
        int phases = nudge == Nudge.CENTERED ? 2 : 1;
        for (int ph = 0; ph < phases; ph++) {
            boolean positive = nudge == Nudge.POSITIVE || (nudge == Nudge.CENTERED && ph == 0);
            if (ph > 0) {
                s.restoreStates();
                net.computePredictions();
            }
            float sign = positive ? -1f : 1f;
            float[] nudged = new float[mu.length];
            for (int i = 0; i < mu.length; i++) {
                nudged[i] = mu[i] + sign * (float) beta * (mu[i] - y[i]);
            }
            net.clamp(target, nudged);
            net.computePredictions();
            net.computeErrors();
            s.inference().trace();
            eFinal = s.inference().relax(s.inference().config().steps());
            float scale = (float) ((positive ? 1.0 : -1.0) / (beta * phases));
            net.computeWeightGradients(scale, ph > 0);
        }
        s.applyWeights();
        return new Trainer.StepResult(loss, loss, eFinal, s.inference().energyTrace().size() - 1, s.correct());
    }
}
