package org.pcn4j.temporal;

import java.util.List;
import java.util.Random;
import org.pcn4j.PcnException;

/**
 * Learns A and/or C of a tPC model with the local rules on the engine ({@link TpcNetwork}), over
 * epochs of one or several sequences. Each epoch restarts every sequence at x_0 and runs them side
 * by side, one sequence per row of the engine's batch: per time step, inference (iterative or the
 * closed form), then one update from the batch-mean increments. Because A and C are identified only
 * up to a similarity transform, progress is the one-step observation forecast MSE, recorded per
 * epoch (online, with the model as it was at each step).
 *
 * <p>Why several sequences and the variance term (docs/temporal.md, "Learning A and C"): on the
 * tracking task one 1000-step sequence's states wander along one direction (|x| ~ 30), so A is
 * fitted only there and a held-out sequence goes elsewhere; and the plain rule for C has a biased
 * fixed point: it uses the posterior mean x_k where the expected energy needs its spread too, so C
 * keeps growing (its norm passes the true 3.45 and goes on) and the filter over-trusts y.
 */
public final class TpcLearner {
    /**
     * Learning settings. The rate of epoch e (0-based) is {@code lr / (1 + e / lrDecay)}; lrDecay 0
     * keeps it constant. A decaying rate lets the online rules settle: at the constant 2e-5 a
     * frozen copy of the model forecasts several times worse than it did online (docs/temporal.md).
     * With {@code varianceCorrection} C descends the expected energy under the Laplace posterior of
     * x_k instead of the energy at its mean: {@code dC = e_y f(x_k)^T - R^-1 C D P D}, with
     * {@code D = diag(f'(x_k))} and {@code P = (Q^-1 + D C^T R^-1 C D)^-1} the inverse (Gauss-Newton)
     * Hessian of F_k in x_k.
     */
    public record Config(int epochs, double lr, boolean learnA, boolean learnC, double lrDecay,
                         boolean varianceCorrection, Sampling sampling) {
        public Config(int epochs, double lr, boolean learnA, boolean learnC) {
            this(epochs, lr, learnA, learnC, 0, false, null);
        }

        public Config(int epochs, double lr, boolean learnA, boolean learnC, double lrDecay) {
            this(epochs, lr, learnA, learnC, lrDecay, false, null);
        }

        public Config(int epochs, double lr, boolean learnA, boolean learnC, double lrDecay,
                      boolean varianceCorrection) {
            this(epochs, lr, learnA, learnC, lrDecay, varianceCorrection, null);
        }

        public Config {
            if (!(lrDecay >= 0) || !Double.isFinite(lrDecay)) {
                throw new PcnException("--lr-decay must be >= 0, got " + lrDecay);
            }
            if (epochs < 1) {
                throw new PcnException("--epochs must be at least 1, got " + epochs);
            }
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new PcnException("--lr must be positive, got " + lr);
            }
            if (!learnA && !learnC) {
                throw new PcnException("--learn must name A, C or A,C");
            }
            if (varianceCorrection && sampling != null) {
                throw new PcnException("--variance-correction and --samples both add the posterior's spread to C's rule"
                        + " (in closed form / by sampling): give one of them");
            }
        }

        /** The rate of epoch e (0-based). */
        public double rate(int e) {
            return lrDecay == 0 ? lr : lr / (1 + e / lrDecay);
        }

        /** This config with the variance term for C on or off. */
        public Config withVarianceCorrection(boolean on) {
            return new Config(epochs, lr, learnA, learnC, lrDecay, on, sampling);
        }

        /** This config with the sampled rule ({@code null}: the rule at the inferred state). */
        public Config withSampling(Sampling s) {
            return new Config(epochs, lr, learnA, learnC, lrDecay, varianceCorrection, s);
        }

        /** Parses the {@code --learn} list: "A", "C" or "A,C" (any order, case-insensitive). */
        public static Config parse(String learn, int epochs, double lr, double lrDecay) {
            boolean a = false;
            boolean c = false;
            for (String s : learn.split(",")) {
                switch (s.trim().toUpperCase(java.util.Locale.ROOT)) {
                    case "A":
                        a = true;
                        break;
                    case "C":
                        c = true;
                        break;
                    default:
                        throw new PcnException("--learn: unknown matrix '" + s.trim() + "' (expected A, C or A,C)");
                }
            }
            return new Config(epochs, lr, a, c, lrDecay);
        }
    }

    /**
     * The sampled local rule (Monte-Carlo PC, {@link TpcNetwork#sampledIncrements}): after inference,
     * Langevin chains of rate {@code stateLr} start at the inferred x_k, run {@code burnIn} steps, and
     * the next {@code samples} states each contribute the ordinary local increments (mean over them).
     * {@code antithetic} adds a mirror chain driven by the negated noise. {@code seed} seeds the noise.
     * Why these defaults (docs/temporal.md): at rate 0.05 the discretized chain's covariance,
     * (H (I - eta H / 2))^-1, is within 33 % of the posterior's H^-1 in the stiffest direction of the
     * tracking task (the held-out figures of the bench move by at most 0.15 points from the exact term's); 40 steps of burn-in
     * bring the slowest direction (rate eta lambda_min ~ 0.05) to within e^-4 of stationary.
     */
    public record Sampling(int samples, int burnIn, double stateLr, boolean antithetic, long seed) {
        public static final int DEFAULT_BURN_IN = 40;
        public static final double DEFAULT_STATE_LR = 0.05;

        public Sampling {
            if (samples < 1) {
                throw new PcnException("--samples must be at least 1, got " + samples);
            }
            if (burnIn < 0) {
                throw new PcnException("--sample-burn-in must be >= 0, got " + burnIn);
            }
            if (!(stateLr > 0) || !Double.isFinite(stateLr)) {
                throw new PcnException("--sample-lr must be positive, got " + stateLr);
            }
        }
    }

    /** The learned model and the per-epoch online forecast MSE. */
    public record Result(TpcModel model, double[] epochForecastMse) {}

    private TpcLearner() {}

    /** Trains {@code model} in place on one sequence (it is also returned in the result). */
    public static Result learn(TpcModel model, TpcFilter.Config inference, Config cfg, double[] x0, double[][] u,
            double[][] y) {
        return learn(model, inference, cfg, x0, java.util.Collections.singletonList(u), java.util.Collections.singletonList(y));
    }

    /**
     * Trains {@code model} in place on several sequences of one length (inputs {@code us.get(i)},
     * observations {@code ys.get(i)}), one per row of the engine's batch: each update is the mean of
     * the sequences' increments at the same time step.
     */
    public static Result learn(TpcModel model, TpcFilter.Config inference, Config cfg, double[] x0,
            List<double[][]> us, List<double[][]> ys) {
        int seqs = ys.size();
        if (seqs == 0 || us.size() != seqs) {
            throw new PcnException("learning needs as many input as observation sequences, at least one");
        }
        int steps = ys.get(0).length;
        for (int i = 0; i < seqs; i++) {
            if (ys.get(i).length != steps || us.get(i).length != steps) {
                throw new PcnException("training sequence " + (i + 1) + " has " + ys.get(i).length + " rows but sequence 1 has "
                        + steps + " (learning runs the sequences side by side: give them one length)");
            }
        }
        if (inference.method() == TpcFilter.Method.EQUILIBRIUM && model.activation() != Activation.IDENTITY) {
            throw new PcnException("method tpc-equilibrium needs activation identity, not " + model.activation().label());
        }
        TpcNetwork engine = new TpcNetwork(model);
        Sampling sampling = cfg.sampling();
        java.util.SplittableRandom noise = sampling == null ? null : new java.util.SplittableRandom(sampling.seed());
        double[] history = new double[cfg.epochs()];
        int p = model.c.length;
        for (int e = 0; e < cfg.epochs(); e++) {
            double rate = cfg.rate(e);
            double[][] xhat = new double[seqs][];
            for (int i = 0; i < seqs; i++) {
                xhat[i] = x0.clone();
            }
            double sq = 0;
            double[][] uk = new double[seqs][];
            double[][] yk = new double[seqs][];
            for (int k = 0; k < steps; k++) {
                double[][] start = new double[seqs][];
                for (int i = 0; i < seqs; i++) {
                    uk[i] = us.get(i)[k];
                    yk[i] = ys.get(i)[k];
                    double[] f = model.predictObservation(xhat[i], uk[i]);
                    for (int j = 0; j < p; j++) {
                        sq += (yk[i][j] - f[j]) * (yk[i][j] - f[j]);
                    }
                    start[i] = inference.method() == TpcFilter.Method.EQUILIBRIUM
                            ? model.step(xhat[i], uk[i], yk[i]).equilibrium() : xhat[i];
                }
                double[][] x;
                if (inference.method() == TpcFilter.Method.EQUILIBRIUM) {
                    // The closed form in double; the engine's errors are taken at its float copy.
                    x = start;
                    if (sampling == null) {
                        engine.infer(xhat, uk, yk, start, 0, 1);
                    }
                } else {
                    x = engine.infer(xhat, uk, yk, start, inference.steps(), inference.stateLr());
                }
                double[][][] d = sampling == null ? engine.increments()
                        : engine.sampledIncrements(xhat, uk, yk, x, sampling, noise);
                if (cfg.learnC() && cfg.varianceCorrection()) {
                    subtractVarianceTerm(model, x, d[1]);
                }
                model.applyUpdate(cfg.learnA() ? d[0] : null, cfg.learnC() ? d[1] : null, rate);
                engine.syncWeights();
                xhat = x;
            }
            double mse = sq / ((double) steps * seqs * p);
            if (!Double.isFinite(mse) || !Double.isFinite(Mat.maxAbs(model.a)) || !Double.isFinite(Mat.maxAbs(model.c))) {
                throw new PcnException("learning diverged in epoch " + (e + 1) + "; try a smaller --lr");
            }
            history[e] = mse;
        }
        return new Result(model, history);
    }

    /**
     * dC -= the batch mean of R^-1 C D P D (see {@link Config}): the gradient of the posterior-spread
     * part of the expected energy, 1/2 tr(R^-1 C D P D C^T), which the rule at the mean leaves out.
     */
    static void subtractVarianceTerm(TpcModel m, double[][] xs, double[][] dC) {
        int n = m.stateDim();
        for (double[] x : xs) {
            double[] dv = m.f.derivative(x);
            double[][] cd = new double[m.c.length][n];
            for (int i = 0; i < m.c.length; i++) {
                for (int j = 0; j < n; j++) {
                    cd[i][j] = m.c[i][j] * dv[j];
                }
            }
            double[][] h = Mat.add(m.qInv, Mat.mul(Mat.mul(Mat.t(cd), m.rInv), cd));
            double[][] term = Mat.mul(Mat.mul(m.rInv, cd), Mat.inverse(h, "Q^-1 + D C^T R^-1 C D"));
            for (int i = 0; i < dC.length; i++) {
                for (int j = 0; j < n; j++) {
                    dC[i][j] -= term[i][j] * dv[j] / xs.length;
                }
            }
        }
    }

    /**
     * A random start for learning: entries N(0, sd^2) for the learned matrices, the given ones for
     * the rest. The benchmark uses sd = 0.1 (see docs/temporal.md).
     */
    public static TpcModel randomStart(LinearSystem sys, Config cfg, double sd, long seed) {
        Random rng = new Random(seed);
        int n = sys.stateDim();
        double[][] a = cfg.learnA() ? Mat.randn(n, n, sd, rng) : sys.a();
        double[][] c = cfg.learnC() ? Mat.randn(sys.obsDim(), n, sd, rng) : sys.c();
        return new TpcModel(a, sys.b(), c, sys.q(), sys.r(), sys.activation());
    }
}
