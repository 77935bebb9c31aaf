package org.pcn4j.temporal;

import java.util.Random;
import org.pcn4j.PcnException;

/**
 * Learns A and/or C of a tPC model with the local rules, over epochs of one sequence. Each epoch
 * restarts the filter at x_0 and runs it with learning on (one update per time step, after
 * inference). Because A and C are identified only up to a similarity transform, progress is the
 * one-step observation forecast MSE, recorded per epoch (online, with the model as it was at each
 * step).
 */
public final class TpcLearner {
    /**
     * Learning settings. The rate of epoch e (0-based) is {@code lr / (1 + e / lrDecay)}; lrDecay 0
     * keeps it constant. A decaying rate lets the online rules settle: at the constant 2e-5 a
     * frozen copy of the model forecasts several times worse than it did online (docs/temporal.md).
     */
    public record Config(int epochs, double lr, boolean learnA, boolean learnC, double lrDecay) {
        public Config(int epochs, double lr, boolean learnA, boolean learnC) {
            this(epochs, lr, learnA, learnC, 0);
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
        }

        /** The rate of epoch e (0-based). */
        public double rate(int e) {
            return lrDecay == 0 ? lr : lr / (1 + e / lrDecay);
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

    /** The learned model and the per-epoch online forecast MSE. */
    public record Result(TpcModel model, double[] epochForecastMse) {}

    private TpcLearner() {}

    /** Trains {@code model} in place (it is also returned in the result). */
    public static Result learn(TpcModel model, TpcFilter.Config inference, Config cfg, double[] x0, double[][] u,
            double[][] y) {
        double[] history = new double[cfg.epochs()];
        for (int e = 0; e < cfg.epochs(); e++) {
            TpcFilter f = new TpcFilter(model, inference, x0, cfg.rate(e), cfg.learnA(), cfg.learnC());
            double mse;
            try {
                mse = FilterMetrics.forecastMse(f, u, y, 0);
            } catch (PcnException ex) {
                throw new PcnException("learning diverged in epoch " + (e + 1) + " (" + ex.getMessage()
                        + "); try a smaller --lr");
            }
            if (!Double.isFinite(mse) || !Double.isFinite(Mat.maxAbs(model.a)) || !Double.isFinite(Mat.maxAbs(model.c))) {
                throw new PcnException("learning diverged in epoch " + (e + 1) + "; try a smaller --lr");
            }
            history[e] = mse;
        }
        return new Result(model, history);
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
