package org.pcn4j.control;

import org.pcn4j.PcnException;

/**
 * The active inference controller (AIC; Pezzato et al. 2020, Baioumy et al. 2021), per joint, with
 * diagonal precisions. The belief is kept in generalized coordinates (mu, mu', mu''); the
 * generative model's prior is the attractor {@code mu' = mu_d - mu}, so the four prediction errors
 * are
 * <pre>
 *   e_y0 = y_q - mu,  e_y1 = y_q' - mu',  e_mu = mu' + mu - mu_d,  e_mu' = mu'' + mu'
 *   F = 1/2 (pi_y0 e_y0^2 + pi_y1 e_y1^2 + pi_mu e_mu^2 + pi_mu' e_mu'^2)
 * </pre>
 * and belief and action descend F (belief in a moving frame: the D mu term), integrated by Euler:
 * <pre>
 *   mu   += dt (mu'  - k_mu dF/dmu),   dF/dmu   = -pi_y0 e_y0 + pi_mu e_mu
 *   mu'  += dt (mu'' - k_mu dF/dmu'),  dF/dmu'  = -pi_y1 e_y1 + pi_mu e_mu + pi_mu' e_mu'
 *   mu'' += dt (     - k_mu dF/dmu''), dF/dmu'' =  pi_mu' e_mu'
 *   u    += dt (-k_a dF/du),           dF/du    = dy/du (pi_y0 e_y0 + pi_y1 e_y1), dy/du = 1
 * </pre>
 * The action is the Euler integral, clamped to |u| <= limit (clamping the integrator itself, a
 * simple anti-windup). With the belief pinned at the goal (mu = mu_d, mu' = mu'' = 0) the action is
 * exactly the PI controller {@code u = u_0 - k_a pi_y1 (y_q - y_q(0)) - k_a pi_y0 sum dt (y_q - mu_d)}
 * when y_q' is the sensor's finite difference (tested in ActiveInferenceControllerTest).
 */
public final class ActiveInferenceController implements Controller {
    /** Gains and precisions, shared by every joint. */
    public record Config(double piY0, double piY1, double piMu, double piMuP, double kMu, double kA, double limit) {
        public Config {
            for (double v : new double[] {piY0, piY1, piMu, piMuP, kMu, kA}) {
                if (!(v >= 0) || !Double.isFinite(v)) {
                    throw new PcnException("AIC precisions and gains must be finite and >= 0");
                }
            }
            if (!(limit > 0)) {
                throw new PcnException("the action limit must be positive");
            }
        }
    }

    private final Config cfg;
    private final double[] goal;
    private final boolean pinned;
    private final double[] mu;
    private final double[] muP;
    private final double[] muPP;
    private final double[] u;

    /**
     * {@code mu0} is the initial belief (the first reading, as in the papers); {@code u0} the
     * initial action; {@code pinned} keeps the belief at the goal (the PI-equivalence check).
     */
    public ActiveInferenceController(Config cfg, double[] goal, double[] mu0, double[] u0, boolean pinned) {
        this.cfg = cfg;
        this.goal = goal.clone();
        this.pinned = pinned;
        int n = goal.length;
        this.mu = pinned ? goal.clone() : mu0.clone();
        this.muP = new double[n];
        this.muPP = new double[n];
        this.u = u0.clone();
    }

    @Override
    public double[] act(double[] yq, double[] yqd, double dt) {
        for (int i = 0; i < goal.length; i++) {
            double ey0 = yq[i] - mu[i];
            double ey1 = yqd[i] - muP[i];
            // Action first, from the errors at the current belief (as in the reference simulation).
            u[i] -= dt * cfg.kA() * (cfg.piY0() * ey0 + cfg.piY1() * ey1);
            u[i] = Math.max(-cfg.limit(), Math.min(cfg.limit(), u[i]));
            if (!pinned) {
                double emu = muP[i] + mu[i] - goal[i];
                double emuP = muPP[i] + muP[i];
                double dMu = muP[i] - cfg.kMu() * (-cfg.piY0() * ey0 + cfg.piMu() * emu);
                double dMuP = muPP[i] - cfg.kMu() * (-cfg.piY1() * ey1 + cfg.piMu() * emu + cfg.piMuP() * emuP);
                double dMuPP = -cfg.kMu() * cfg.piMuP() * emuP;
                mu[i] += dt * dMu;
                muP[i] += dt * dMuP;
                muPP[i] += dt * dMuPP;
            }
        }
        return u.clone();
    }

    /** The free energy at the current belief for the given readings (for plots and tests). */
    public double freeEnergy(double[] yq, double[] yqd) {
        double f = 0;
        for (int i = 0; i < goal.length; i++) {
            double ey0 = yq[i] - mu[i];
            double ey1 = yqd[i] - muP[i];
            double emu = muP[i] + mu[i] - goal[i];
            double emuP = muPP[i] + muP[i];
            f += 0.5 * (cfg.piY0() * ey0 * ey0 + cfg.piY1() * ey1 * ey1 + cfg.piMu() * emu * emu
                    + cfg.piMuP() * emuP * emuP);
        }
        return f;
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
        return "aic";
    }
}
