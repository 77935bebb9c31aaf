package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.Node;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/**
 * Offset states ({@link InferenceConfig#offsetStates()}, {@code Node.beginOffset}): the same
 * inference in exact arithmetic, but a hidden error of about 1/pi of its signal keeps its digits
 * at precisions where float32 rounds x - mu away next to states of order one.
 */
class OffsetStatesTest {
    private static final int BATCH = 8;

    private static Trainer trainer(Mlp m, InferenceConfig inf) {
        return new Trainer(m.network(), m.input(), m.output(), TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(inf).optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.0)).build());
    }

    private static InferenceConfig recipe(float pi, boolean offsets) {
        return InferenceConfig.builder().steps(6).lr(1.0 / pi).momentum(0.1).precondition(true).backtrack(true)
                .referencePrecision(pi).offsetStates(offsets).build();
    }

    /** {cosine, norm ratio PC/BP} of the first layer's weight gradient after one PC step. */
    private static double[] firstLayer(float pi, float growth, boolean offsets) {
        Mlp m = TrainFixtures.stiffMlp(pi, growth);
        float[][] b = TrainFixtures.batch(6, 4, BATCH, 9);
        double[] bp = new ReferenceMlp(m).gradients(b[0], b[1], BATCH)[0];
        trainer(m, recipe(pi, offsets)).step(b[0], b[1], BATCH);
        return TrainFixtures.againstReference(m.layers().get(0).weightGrad().data(), bp);
    }

    @Test
    void theLowestErrorSurvivesPrecisionsBeyondFloat32sResolution() {
        // pi 1000 grown 100 per edge: the lowest hidden node has precision 1e9, its error ~1e-9 of
        // the signal, below float32's grid next to tanh states of order one. (Growth 20, 8e6 at
        // the bottom, loses nothing on this untrained net, whose signals are large; a trained
        // CIFAR VGG's are small enough to lose it there: BENCHMARKS.md, session 8.)
        double[] plain = firstLayer(1000f, 100f, false);
        double[] offset = firstLayer(1000f, 100f, true);
        // Measured: without offsets {0.558, 0.895}; with {0.99992, 1.064}.
        assertTrue(offset[0] > 0.999, "cosine with offsets: " + offset[0]);
        assertTrue(Math.abs(offset[1] - 1) < 0.15, "norm ratio with offsets: " + offset[1]);
        assertTrue(plain[0] < 0.9, "without offsets float32 loses the first layer: " + plain[0]);
    }

    @Test
    void atOrdinaryPrecisionsTheStepIsTheSameUpToRounding() {
        float[][] grads = new float[2][];
        for (int k = 0; k < 2; k++) {
            Mlp m = TrainFixtures.stiffMlp(1f, 1f);
            float[][] b = TrainFixtures.batch(6, 4, BATCH, 3);
            trainer(m, InferenceConfig.builder().steps(8).lr(0.1).momentum(0.5).offsetStates(k == 1).build())
                    .step(b[0], b[1], BATCH);
            grads[k] = m.layers().get(0).weightGrad().data().clone();
        }
        double[] c = TrainFixtures.againstReference(grads[1], toDouble(grads[0]));
        assertEquals(1, c[0], 1e-6, "cosine");
        assertEquals(1, c[1], 1e-5, "norm ratio");
    }

    @Test
    void backtrackingUndoesAnOffsetStepAndTheEnergyNeverRises() {
        Mlp m = TrainFixtures.stiffMlp(1f, 1f);
        float[][] b = TrainFixtures.batch(6, 4, BATCH, 4);
        // A rate far above the stable one: most steps overshoot and are undone.
        Trainer t = trainer(m, InferenceConfig.builder().steps(10).lr(3.0).momentum(0).backtrack(true)
                .offsetStates(true).build());
        t.step(b[0], b[1], BATCH);
        assertTrue(t.inference().backtracks() > 0, "the test needs overshooting steps");
        List<double[]> trace = t.energyTrace();
        for (int i = 1; i < trace.size(); i++) {
            double prev = trace.get(i - 1)[0];
            assertTrue(trace.get(i)[0] <= prev + 1e-6 * Math.abs(prev), "energy rose at step " + i + ": " + trace.get(i)[0]);
        }
        assertTrue(trace.get(trace.size() - 1)[0] < trace.get(0)[0], "and it went down");
    }

    @Test
    void afterInferenceTheErrorsAreXMinusMuAgain() {
        Mlp m = TrainFixtures.stiffMlp(1000f, 20f);
        float[][] b = TrainFixtures.batch(6, 4, BATCH, 5);
        trainer(m, recipe(1000f, true)).step(b[0], b[1], BATCH);
        // Anything that writes a state after inference must not see a stale anchor: recompute.
        m.network().computePredictions();
        m.network().computeErrors();
        for (Node n : m.network().nodes().subList(1, 5)) {
            float[] x = n.state();
            float[] mu = n.prediction();
            float[] eps = n.error();
            for (int j = 0; j < BATCH * n.size(); j++) {
                assertEquals(n.precision() * (x[j] - mu[j]), eps[j], 0f, n.name() + "[" + j + "]");
            }
        }
    }

    @Test
    void underLangevinNoiseOffsetsStayOffAndTheNoiseIsKept() {
        // Noise writes the states themselves, which applying an offset would overwrite: with noise
        // the run asking for offsets must be the plain one, bit for bit.
        float[][] states = new float[2][];
        for (int k = 0; k < 2; k++) {
            Mlp m = TrainFixtures.stiffMlp(1f, 1f);
            float[][] b = TrainFixtures.batch(6, 4, BATCH, 6);
            Trainer t = trainer(m, InferenceConfig.builder().steps(4).lr(0.1).offsetStates(k == 1).build());
            t.inference().setLangevinNoise(0.5, 7);
            t.step(b[0], b[1], BATCH);
            Node h = m.network().nodes().get(2);
            states[k] = Arrays.copyOf(h.state(), BATCH * h.size());
        }
        assertArrayEquals(states[0], states[1]);
    }

    @Test
    void theBuilderCarriesTheFlag() {
        InferenceConfig c = InferenceConfig.builder().offsetStates(true).build();
        assertTrue(c.offsetStates());
        assertTrue(c.toBuilder().build().offsetStates());
        assertFalse(InferenceConfig.builder().build().offsetStates(), "off by default");
        assertTrue(c.withSteps(3).offsetStates());
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
