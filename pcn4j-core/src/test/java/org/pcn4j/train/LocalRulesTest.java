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
import org.pcn4j.model.DenseEdge;
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
            MlpSpec spec = new MlpSpec(new int[] {6, 10, 8, 4}, Activation.TANH, Activation.IDENTITY, Convention.POST,
                    Energy.GAUSSIAN);
            Mlp mlp = new Mlp(spec);
            mlp.initialize("xavier", 3);
            mlp.output().setPrecision(precisions[d]);
            int batch = 8;
            SplittableRandom rng = new SplittableRandom(9);
            float[] x = new float[batch * 6];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble(-1, 1);
            }
            float[] y = new float[batch * 4];
            for (int s = 0; s < batch; s++) {
                y[s * 4 + rng.nextInt(4)] = 1f;
            }
            double[][] bp = new ReferenceMlp(mlp).gradients(x, y, batch);
            TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC)
                    .inference(InferenceConfig.builder().steps(300).lr(0.2).momentum(0).build())
                    .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.0)).build();
            Trainer t = new Trainer(mlp.network(), mlp.input(), mlp.output(), cfg);
            t.step(x, y, batch);
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int l = 0; l < mlp.depth(); l++) {
                DenseEdge e = mlp.layers().get(l);
                float[] gw = e.weightGrad().data();
                for (int i = 0; i < gw.length; i++) {
                    dot += gw[i] * bp[l][i];
                    na += (double) gw[i] * gw[i];
                    nb += bp[l][i] * bp[l][i];
                }
            }
            cos[d] = dot / Math.sqrt(na * nb);
        }
        assertTrue(cos[2] > 0.99, "cosine with backprop at the weakest output error: " + cos[2]);
        assertTrue(cos[0] < cos[1] && cos[1] < cos[2], "cosine grows as the error shrinks: "
                + java.util.Arrays.toString(cos));
    }
}
