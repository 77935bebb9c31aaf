package org.pcn4j.control;

import org.pcn4j.PcnException;

/**
 * The unbiased AIC (u-AIC; Baioumy, Pezzato et al. 2022). The goal leaves the belief's prior: the
 * state is estimated from the sensors with a smoothness prior on (mu, mu') alone, whose errors are
 * the change since the last step ({@code e_mu = mu - mu_prev}, {@code e_mu' = mu' - mu'_prev}),
 * <pre>
 *   mu  += dt (mu' - k_mu (-pi_y0 (y_q - mu) + pi_mu e_mu))
 *   mu' += dt (    - k_mu (-pi_y1 (y_q' - mu') + pi_mu e_mu + pi_mu' e_mu'))
 * </pre>
 * and the goal enters through the action prior p(u | mu), whose mode is a PID law on the belief:
 * {@code u = K_p (mu_d - mu) - K_d mu' + K_i I}, {@code I += dt (mu_d - mu)} with |I| <= iLimit
 * (the reference implementation's integrator saturation). A blocked arm therefore leaves the belief
 * on the measured position instead of pulling it towards the goal.
 */
public final class UnbiasedActiveInferenceController implements Controller {
    /** Precisions and belief gain of the estimator; PID gains (one per joint) of the action. */
    public record Config(double piY0, double piY1, double piMu, double piMuP, double kMu, double[] kp, double[] kd,
            double[] ki, double iLimit, double limit) {
        public Config {
            if (kp.length != kd.length || kp.length != ki.length) {
                throw new PcnException("u-AIC gains must have one entry per joint");
            }
            if (!(limit > 0) || !(iLimit >= 0)) {
                throw new PcnException("u-AIC limits must be positive");
            }
        }
    }

    private final Config cfg;
    private final double[] goal;
    private final double[] mu;
    private final double[] muP;
    private final double[] muPrev;
    private final double[] muPPrev;
    private final double[] integral;

    public UnbiasedActiveInferenceController(Config cfg, double[] goal, double[] mu0) {
        if (cfg.kp().length != goal.length) {
            throw new PcnException("u-AIC has gains for " + cfg.kp().length + " joints but the plant has " + goal.length);
        }
        this.cfg = cfg;
        this.goal = goal.clone();
        this.mu = mu0.clone();
        this.muP = new double[goal.length];
        this.muPrev = mu0.clone();
        this.muPPrev = new double[goal.length];
        this.integral = new double[goal.length];
    }

    @Override
    public double[] act(double[] yq, double[] yqd, double dt) {
        double[] u = new double[goal.length];
        for (int i = 0; i < goal.length; i++) {
            // The action from the belief as it stands (the reference updates both from step-i values).
            double err = goal[i] - mu[i];
            integral[i] = Math.max(-cfg.iLimit(), Math.min(cfg.iLimit(), integral[i] + dt * err));
            u[i] = cfg.kp()[i] * err - cfg.kd()[i] * muP[i] + cfg.ki()[i] * integral[i];
            u[i] = Math.max(-cfg.limit(), Math.min(cfg.limit(), u[i]));
            double emu = mu[i] - muPrev[i];
            double emuP = muP[i] - muPPrev[i];
            double dMu = muP[i] - cfg.kMu() * (-cfg.piY0() * (yq[i] - mu[i]) + cfg.piMu() * emu);
            double dMuP = -cfg.kMu() * (-cfg.piY1() * (yqd[i] - muP[i]) + cfg.piMu() * emu + cfg.piMuP() * emuP);
            muPrev[i] = mu[i];
            muPPrev[i] = muP[i];
            mu[i] += dt * dMu;
            muP[i] += dt * dMuP;
        }
        return u;
    }

    @Override
    public double[] belief() {
        return mu.clone();
    }

    @Override
    public double[] goal() {
        return goal.clone();
    }

    @Override
    public String name() {
        return "uaic";
    }
}
