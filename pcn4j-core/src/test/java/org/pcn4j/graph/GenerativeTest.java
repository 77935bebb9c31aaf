package org.pcn4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.io.GraphModelFile;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Node;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.Inference;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

class GenerativeTest {
    @TempDir
    Path tmp;

    @Test
    void specPointsFromTheLabelDownToTheImage() {
        GraphSpec s = Generative.spec(new int[] {64, 32, 16, 10}, Activation.TANH);
        assertEquals("label", s.input().name());
        assertEquals(10, s.input().size());
        assertEquals("image", s.target().name());
        assertEquals(64, s.target().size());
        assertEquals(3, s.edges().size());
        assertEquals("label->h2", s.edges().get(0).name());
        assertEquals(Activation.IDENTITY, s.edges().get(0).activation());
        assertEquals("h2->h1", s.edges().get(1).name());
        assertEquals("h1->image", s.edges().get(2).name());
        assertEquals(Activation.TANH, s.edges().get(2).activation());
    }

    /** Two classes, two 4-pixel prototypes (one per row). */
    private static final float[] PROTOTYPES = {1, 1, -1, -1, -1, -1, 1, 1};

    private record Prototypes(Trainer trainer, Node image, Node label) {}

    /** A 2 -> 8 -> 4 generative network trained with PC on the two prototypes. */
    private static Prototypes trainedOnTwoPrototypes() {
        Graph g = Graph.create(Generative.spec(new int[] {4, 8, 2}, Activation.TANH), "default", 3);
        Node image = g.node(Generative.IMAGE);
        Node label = g.node(Generative.LABEL);
        TrainConfig tc = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(10).lr(0.1).momentum(0).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(0.01)).build();
        Trainer t = new Trainer(g.network(), label, image, tc);
        float[] y = {1, 0, 0, 1};
        for (int i = 0; i < 400; i++) {
            t.step(y, PROTOTYPES, 2);
        }
        return new Prototypes(t, image, label);
    }

    /** Two classes, two 4-pixel prototypes: training learns both directions of the query. */
    @Test
    void learnsToClassifyAndGenerateTwoPrototypes() {
        Prototypes m = trainedOnTwoPrototypes();
        Inference t = m.trainer().inference();
        Node image = m.image();
        Node label = m.label();
        float[] x = PROTOTYPES;
        float[] gen0 = Generative.generate(t, image, label, 0, 1, 20);
        float[] gen1 = Generative.generate(t, image, label, 1, 1, 20);
        for (int j = 0; j < 4; j++) {
            assertEquals(x[j], gen0[j], 0.2, "class 0 pixel " + j);
            assertEquals(x[4 + j], gen1[j], 0.2, "class 1 pixel " + j);
        }
        assertTrue(label.isClamped());
        assertFalse(image.isClamped());
        int[] pred = Generative.classify(t, image, label, x, 2, 100);
        assertEquals(0, pred[0]);
        assertEquals(1, pred[1]);
        assertTrue(image.isClamped());
        assertFalse(label.isClamped());
        // Model selection: the clamped right label explains each prototype with less energy.
        assertArrayEquals(new int[] {0, 1}, Generative.classifyByEnergy(t, image, label, x, 2, 20));
        assertArrayEquals(new int[] {0, 1}, Generative.classifyByEnergy(t, image, label, x, 2, 0));
        assertThrows(PcnException.class, () -> Generative.generate(t, image, label, 2, 1, 1));
    }

    @Test
    void completesAPrototypeFromHalfItsPixels() {
        Prototypes m = trainedOnTwoPrototypes();
        Inference t = m.trainer().inference();
        Node image = m.image();
        // Known: the first two pixels; the other two start at garbage that must not leak.
        float[] cues = {1, 1, 5, 5, -1, -1, 5, 5};
        float[] mask = {1, 1, 0, 0, 1, 1, 0, 0};
        float[] out = Generative.complete(t, image, cues, mask, 2, 200);
        assertEquals(1f, out[0]);
        assertEquals(1f, out[1]);
        assertEquals(-1f, out[4]);
        assertEquals(-1f, out[5]);
        assertEquals(-1, out[2], 0.3);
        assertEquals(-1, out[3], 0.3);
        assertEquals(1, out[6], 0.3);
        assertEquals(1, out[7], 0.3);
        assertFalse(image.isClamped());
        // With an image start the unknown pixels begin there (and the known ones at the cue).
        float[] s0 = Generative.complete(t, image, cues, mask, 2, 0, new float[] {9, 8, 7, 6});
        assertArrayEquals(new float[] {1, 1, 7, 6, -1, -1, 7, 6}, s0);
        float[] s1 = Generative.complete(t, image, cues, mask, 2, 200, new float[] {0, 0, 0, 0});
        assertEquals(-1, s1[2], 0.3);
        assertEquals(1, s1[7], 0.3);
        // Denoising: nothing clamped, the image starts at the cue (not at the feedforward value) and
        // inference lowers the energy from there. (With flat priors the image is also pulled towards
        // the prediction of a zero label, so it need not get closer to a prototype: not asserted.)
        float[] noisy = {0.6f, 1.2f, -0.7f, -1.3f};
        float[] d0 = Generative.complete(t, image, noisy, null, 1, 0);
        assertEquals(java.util.List.of(0.6f, 1.2f, -0.7f, -1.3f), java.util.List.of(d0[0], d0[1], d0[2], d0[3]));
        Generative.complete(t, image, noisy, null, 1, 50);
        java.util.List<double[]> trace = t.energyTrace();
        assertTrue(trace.get(trace.size() - 1)[0] < trace.get(0)[0]);
    }

    @Test
    void samplesDifferWithLangevinNoiseAndAgreeWithout() {
        Graph g = Graph.create(Generative.spec(new int[] {4, 8, 2}, Activation.TANH), "default", 3);
        Node image = g.node(Generative.IMAGE);
        Node label = g.node(Generative.LABEL);
        TrainConfig tc = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(10).lr(0.1).momentum(0).build())
                .optimizer(OptimizerConfig.sgd(0)).schedule(Schedule.constant(0)).build();
        Inference t = new Trainer(g.network(), label, image, tc).inference();
        float[] a = Generative.generate(t, image, label, 1, 2, 10);
        assertEquals(a[0], a[4]);
        t.setLangevinNoise(0.5, 1);
        float[] b = Generative.generate(t, image, label, 1, 2, 10);
        assertTrue(b[0] != b[4]);
    }

    @Test
    void modelFileKeepsTheImageNodesAffine() {
        Graph g = Graph.create(Generative.spec(new int[] {4, 3, 2}, Activation.TANH), "default", 1);
        Path f = tmp.resolve("gen.safetensors");
        GraphModelFile.save(f, g, InputAffine.uniform(4, 0.5f, -1f),
                Map.of("mode", "generative", "image_node", "image", "label_node", "label"));
        GraphModelFile.Loaded l = GraphModelFile.load(f);
        assertEquals(4, l.affine().features());
        assertEquals("generative", l.metadata().get("mode"));
        assertEquals("image", GraphModelFile.dataNode(l.graph(), l.metadata()).name());
    }
}
