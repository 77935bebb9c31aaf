package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.EnergyChecks;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/**
 * The local rules against the energy they descend: every state and weight derivative agrees with
 * finite differences of F, inference never raises F at a small state rate, and standard PC's
 * weight update approaches backprop's as the output error shrinks.
 */
class LocalRulesTest {

    static Stream<Arguments> nets() {
        return Stream.of(
                Arguments.of("5-7-6-3", Activation.TANH, Convention.POST, Energy.GAUSSIAN),
                Arguments.of("5-7-6-3", Activation.TANH, Convention.PRE, Energy.GAUSSIAN),
                Arguments.of("4-9-3", Activation.GELU, Convention.POST, Energy.CROSS_ENTROPY),
                Arguments.of("4-9-8-3", Activation.SIGMOID, Convention.PRE, Energy.GAUSSIAN),
                Arguments.of("4-9-8-3", Activation.GELU_TANH, Convention.POST, Energy.GAUSSIAN));
    }

    /** A network with random weights, a random input and target clamped and random free states. */
    private static Mlp randomState(String sizes, Activation f, Convention c, Energy energy, int batch, long seed) {
        MlpSpec spec = new MlpSpec(MlpSpec.parseSizes(sizes), f, Activation.IDENTITY, c, energy);
        Mlp mlp = new Mlp(spec);
        mlp.initialize("xavier", seed);
        EnergyChecks.randomState(mlp.network(), mlp.input(), mlp.output(), batch, new SplittableRandom(seed + 1));
        return mlp;
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("nets")
    void stateGradientsMatchFiniteDifferences(String sizes, Activation f, Convention c, Energy energy) {
        EnergyChecks.stateGradientsMatchFiniteDifferences(randomState(sizes, f, c, energy, 3, 11).network());
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("nets")
    void weightGradientsMatchFiniteDifferences(String sizes, Activation f, Convention c, Energy energy) {
        EnergyChecks.weightGradientsMatchFiniteDifferences(randomState(sizes, f, c, energy, 4, 23).network());
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("nets")
    void energyNeverRisesDuringInference(String sizes, Activation f, Convention c, Energy energy) {
        Mlp mlp = randomState(sizes, f, c, energy, 5, 5);
        EnergyChecks.energyNeverRisesDuringInference(mlp.network(), mlp.input(), mlp.output());
    }

    /**
     * PC's equilibrium errors obey e_l = J_{l+1}^T e_{l+1} exactly as backprop's signals do, but the
     * clamped output error itself is reshaped by the hidden states moving, by (I + pi J J^T)^-1 in
     * the linear case. As the output's error signal pi_L e_L shrinks (a weak, low-precision target;
     * Whittington and Bogacz 2017) the hidden states barely move and PC's weight update converges to
     * backprop's: cosine above 0.99, increasing monotonically.
     */
    @Test
    void standardPcApproachesBackpropAsTheOutputErrorShrinks() {
        float[] precisions = {1f, 0.1f, 0.01f};
        double[] cos = new double[precisions.length];
        for (int d = 0; d < precisions.length; d++) {
            cos[d] = againstBackprop(precisions[d], 1f, 300, 0.2)[0];
        }
        assertTrue(cos[2] > 0.99, "cosine with backprop at the weakest output error: " + cos[2]);
        assertTrue(cos[0] < cos[1] && cos[1] < cos[2], "cosine grows as the error shrinks: "
                + java.util.Arrays.toString(cos));
    }

    /**
     * The same limit from the other side (the --hidden-precision recipe): hidden nodes of precision
     * pi make moving a hidden state pi times dearer, so the states barely move, while a weight's
     * gradient pi e x^T keeps backprop's scale (pi e tends to J^T e_L). Unlike a weak output, the
     * update then matches backprop in length too, so the same weight rate serves both. The state
     * dynamics are pi-free at gamma pi fixed (the curvature is pi (I + J^T J) along the hidden chain),
     * so gamma pi must stay below 2 / (1 + sigma_max(J)^2): on this xavier tanh net 0.5 diverges
     * within 16 steps and 0.25 is stable.
     */
    @Test
    void hiddenPrecisionMatchesBackpropInDirectionAndScale() {
        // The same schedule (100 steps, gamma pi = 0.25) at pi = 1 and pi = 1000.
        double[] base = againstBackprop(1f, 1f, 100, 0.25);
        double[] precise = againstBackprop(1f, 1000f, 100, 0.25 / 1000);
        assertTrue(precise[0] > 0.9999, "cosine with backprop at pi = 1000: " + precise[0]);
        assertTrue(Math.abs(precise[1] - 1) < 0.01, "norm ratio to backprop at pi = 1000: " + precise[1]);
        assertTrue(base[0] < precise[0], "pi = 1 is further from backprop: " + base[0]);
    }

    /**
     * One PC step's weight gradients against backprop's on a fixed batch: {cosine, norm ratio PC/BP}
     * over all layers, with the given output and hidden precisions and inference schedule.
     */
    private static double[] againstBackprop(float outputPrecision, float hiddenPrecision, int steps, double stateLr) {
        MlpSpec spec = new MlpSpec(new int[] {6, 10, 8, 4}, Activation.TANH, Activation.IDENTITY, Convention.POST,
                Energy.GAUSSIAN);
        Mlp mlp = new Mlp(spec);
        mlp.initialize("xavier", 3);
        mlp.output().setPrecision(outputPrecision);
        mlp.setHiddenPrecision(hiddenPrecision);
        int batch = 8;
        float[][] xy = TrainFixtures.batch(6, 4, batch, 9);
        float[] x = xy[0];
        float[] y = xy[1];
        double[][] bp = new ReferenceMlp(mlp).gradients(x, y, batch);
        TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(steps).lr(stateLr).momentum(0).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.0)).build();
        Trainer t = new Trainer(mlp.network(), mlp.input(), mlp.output(), cfg);
        t.step(x, y, batch);
        return TrainFixtures.againstBackprop(mlp, bp);
    }
}
