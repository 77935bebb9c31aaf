package org.pcn4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.Node;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;

/**
 * Hidden precisions that grow away from the output ({@code PcModel.setHiddenPrecision(pi, growth)})
 * with preconditioned steps relative to pi ({@link InferenceConfig#referencePrecision()}): each
 * node's curvature stays near its own precision, so a few inference steps carry the output's error
 * down to the lowest layer, where equal precisions leave its gradient far short of backprop's.
 */
class PrecisionGrowthTest {
    private static final int BATCH = 8;

    @Test
    void thePrecisionGrowsByTheFactorPerEdgeAwayFromTheOutput() {
        Mlp m = TrainFixtures.stiffMlp(100f, 5f);
        List<Node> nodes = m.network().nodes();
        assertEquals(1f, nodes.get(0).precision(), "the input keeps its own");
        assertEquals(100f * 125, nodes.get(1).precision());
        assertEquals(100f * 25, nodes.get(2).precision());
        assertEquals(100f * 5, nodes.get(3).precision());
        assertEquals(100f, nodes.get(4).precision(), "the node next to the output gets pi");
        assertEquals(1f, nodes.get(5).precision(), "the output keeps its own");
        Mlp flat = TrainFixtures.stiffMlp(100f, 1f);
        for (int i = 1; i < 5; i++) {
            assertEquals(100f, flat.network().nodes().get(i).precision());
        }
    }

    @Test
    void aReferenceEqualToEveryPrecisionChangesNoCurvature() {
        Mlp m = TrainFixtures.stiffMlp(100f, 1f);
        float[][] b = TrainFixtures.batch(6, 4, BATCH, 9);
        Trainer t = new Trainer(m.network(), m.input(), m.output(), TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(0).build()).optimizer(OptimizerConfig.sgd(0))
                .schedule(Schedule.constant(0.0)).build());
        t.step(b[0], b[1], BATCH);
        List<Node> hidden = m.network().nodes().subList(1, 5);
        assertArrayEquals(NodeCurvature.relative(m.network(), hidden, 1, 0),
                NodeCurvature.relative(m.network(), hidden, 1, 100), "bit for bit");
    }

    /** {cosine, norm ratio PC/BP} of the first layer's weight gradient after one PC step of T = 6. */
    private static double[] firstLayer(float growth) {
        Mlp m = TrainFixtures.stiffMlp(100f, growth);
        float[][] b = TrainFixtures.batch(6, 4, BATCH, 9);
        double[] bp = new ReferenceMlp(m).gradients(b[0], b[1], BATCH)[0];
        Trainer t = new Trainer(m.network(), m.input(), m.output(), TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(6).lr(1.0 / 100).momentum(0.5).precondition(true)
                        .referencePrecision(100).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0.0)).build());
        t.step(b[0], b[1], BATCH);
        return TrainFixtures.againstReference(m.layers().get(0).weightGrad().data(), bp);
    }

    @Test
    void growingPrecisionsCarryBackpropsErrorToTheFirstLayerInSixSteps() {
        double[] flat = firstLayer(1f);
        double[] grown = firstLayer(8f);
        // Measured: equal precisions {0.955, 0.022}, growth 8 {0.979, 1.19} (momentum overshoots a little).
        assertTrue(grown[0] > 0.97, "cosine with growth: " + grown[0]);
        assertTrue(Math.abs(grown[1] - 1) < 0.25, "norm ratio with growth: " + grown[1]);
        assertTrue(flat[1] < 0.1, "equal precisions fall short: " + flat[1]);
    }
}
