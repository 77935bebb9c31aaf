package org.pcn4j.temporal;

import org.pcn4j.PcnException;

/**
 * The temporal PC filter. Each step clamps xhat_{k-1}, u_k and y_k in the engine graph
 * ({@link TpcNetwork}) and finds x_k either by the engine's inference, T gradient steps of rate eta
 * from xhat_{k-1} ({@link Method#ITERATIVE}), or by the linear closed form ({@link Method#EQUILIBRIUM},
 * computed in double: it is a constant-gain filter, not inference), and keeps it as xhat_k. With a
 * learning rate set, the local rules then move A and/or C ({@code dA = lr e_x f(xhat_{k-1})^T},
 * {@code dC = lr e_y f(x_k)^T}, the engine's weight gradients at the relaxed state) before the next
 * step. {@link TpcStep} is the same step written out in double, kept as the tests' reference.
 */
public final class TpcFilter implements StateFilter {
    public enum Method { ITERATIVE, EQUILIBRIUM }

    /** Inference settings; {@code steps} and {@code stateLr} matter only for ITERATIVE. */
    public record Config(Method method, int steps, double stateLr) {
        public Config {
            if (method == null) {
                throw new PcnException("method is missing");
            }
            if (method == Method.ITERATIVE) {
                if (steps < 0) {
                    throw new PcnException("--inference-steps must be >= 0, got " + steps);
                }
                if (!(stateLr > 0) || !Double.isFinite(stateLr)) {
                    throw new PcnException("--state-lr must be positive, got " + stateLr);
                }
            }
        }

        public static Config iterative(int steps, double stateLr) {
            return new Config(Method.ITERATIVE, steps, stateLr);
        }

        public static Config equilibrium() {
            return new Config(Method.EQUILIBRIUM, 0, 1);
        }
    }

    private final TpcModel model;
    private final Config config;
    private final double learningRate;
    private final boolean learnA;
    private final boolean learnC;
    private double[] xhat;
    private double[] forecast;
    /** The engine graph: needed by iterative inference and by learning, not by the plain closed form. */
    private TpcNetwork engine;

    /** A filter that does not learn. */
    public TpcFilter(TpcModel model, Config config, double[] x0) {
        this(model, config, x0, 0, false, false);
    }

    /** A filter that updates A and/or C of {@code model} in place with rate {@code lr} after each step. */
    public TpcFilter(TpcModel model, Config config, double[] x0, double lr, boolean learnA, boolean learnC) {
        if (config.method() == Method.EQUILIBRIUM && model.activation() != Activation.IDENTITY) {
            throw new PcnException("method tpc-equilibrium needs activation identity, not "
                    + model.activation().label());
        }
        if ((learnA || learnC) && !(lr > 0)) {
            throw new PcnException("--lr must be positive, got " + lr);
        }
        if (x0.length != model.stateDim()) {
            throw new PcnException("x0 has " + x0.length + " entries but the state has " + model.stateDim());
        }
        this.model = model;
        this.config = config;
        this.learningRate = lr;
        this.learnA = learnA;
        this.learnC = learnC;
        this.xhat = x0.clone();
    }

    @Override
    public double[] step(double[] u, double[] y) {
        forecast = model.predictObservation(xhat, u);
        boolean learning = learnA || learnC;
        double[] x;
        if (config.method() == Method.EQUILIBRIUM) {
            x = model.step(xhat, u, y).equilibrium();
            if (learning) {
                // The engine's errors at the closed-form state (no inference steps).
                engine().infer(new double[][] {xhat}, new double[][] {u}, new double[][] {y}, new double[][] {x}, 0, 1);
            }
        } else {
            x = engine().infer(new double[][] {xhat}, new double[][] {u}, new double[][] {y},
                    new double[][] {xhat}, config.steps(), config.stateLr())[0];
        }
        if (learning) {
            // Both increments come from the same relaxed state, as in one PC learning step.
            double[][][] d = engine.increments();
            model.applyUpdate(learnA ? d[0] : null, learnC ? d[1] : null, learningRate);
            engine.syncWeights();
        }
        xhat = x;
        return x.clone();
    }

    private TpcNetwork engine() {
        if (engine == null) {
            engine = new TpcNetwork(model);
        }
        return engine;
    }

    @Override
    public double[] lastForecast() {
        return forecast.clone();
    }
}
