package org.pcn4j.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.kernel.Activation;
import org.pcn4j.optim.OptimizerConfig;

class PcMemoryTest {
    static final int N = 8;
    static final int D = 64;
    static float[] patterns;
    static PcMemory memory;
    static double[] energies = new double[400];

    /** N random binary 8x8 patterns: distinct in both halves, so the top half names the memory. */
    @BeforeAll
    static void store() {
        SplittableRandom rng = new SplittableRandom(3);
        patterns = new float[N * D];
        for (int i = 0; i < N * D; i++) {
            patterns[i] = rng.nextDouble() < 0.4 ? 1f : 0f;
        }
        PcMemory.Config c = PcMemory.Config.builder().latent(8).hidden(32).activation(Activation.TANH)
                .epochs(energies.length).inferenceSteps(20).stateLr(0.1).stateMomentum(0.5).lr(3e-3).batch(N).seed(1)
                .build();
        memory = PcMemory.create(D, c, PcMemory.Recall.defaults());
        memory.store(patterns, N, (epoch, e) -> energies[epoch - 1] = e);
    }

    @Test
    void storingDrivesTheEnergyDown() {
        assertTrue(energies[energies.length - 1] < 0.05 * energies[0],
                "energy " + energies[0] + " -> " + energies[energies.length - 1]);
    }

    @Test
    void recallsStoredPatternsFromTheirTopHalf() {
        Cue cue = Cues.bottomHalfHidden(patterns, N, 8, 8);
        float[] r = memory.recall(cue.values(), cue.mask(), N);
        RecallMetrics m = RecallMetrics.of(r, patterns, N, D, cue.mask());
        // Known pixels are returned as given.
        for (int i = 0; i < N * D; i++) {
            if (cue.mask()[i] != 0f) {
                assertEquals(patterns[i], r[i]);
            }
        }
        // Each recall is nearer its own pattern's hidden half than any other pattern's.
        for (int i = 0; i < N; i++) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < N; k++) {
                double s = 0;
                for (int j = D / 2; j < D; j++) {
                    double e = r[i * D + j] - patterns[k * D + j];
                    s += e * e;
                }
                if (s < bestD) {
                    bestD = s;
                    best = k;
                }
            }
            assertEquals(i, best, "pattern " + i);
        }
        // The bottom halves are random, so guessing gives an MSE near 0.24 on the hidden pixels.
        assertTrue(m.hiddenMse() < 0.05, "hidden-pixel MSE " + m.hiddenMse());
    }

    @Test
    void denoisesNoisyCues() {
        Cue cue = Cues.gaussianNoise(patterns, N, D, 0.2, 5);
        float[] r = memory.recall(cue.values(), null, N);
        double before = RecallMetrics.of(cue.values(), patterns, N, D, null).meanMse();
        double after = RecallMetrics.of(r, patterns, N, D, null).meanMse();
        assertTrue(after < 0.5 * before, "MSE " + before + " -> " + after);
    }

    @Test
    void savedMemoryRecallsTheSame(@TempDir Path dir) {
        Path f = dir.resolve("m.safetensors");
        memory.save(f, InputAffine.uniform(D, 1f, 0f), Map.of("dataset", "fixture"));
        PcMemory.Loaded back = PcMemory.load(f);
        assertEquals(memory.config().latent(), back.memory().config().latent());
        assertArrayEquals(memory.config().hidden(), back.memory().config().hidden());
        assertEquals(memory.recallConfig(), back.memory().recallConfig());
        assertEquals("fixture", back.metadata().get("dataset"));
        Cue cue = Cues.bottomHalfHidden(patterns, N, 8, 8);
        assertArrayEquals(memory.recall(cue.values(), cue.mask(), N), back.memory().recall(cue.values(), cue.mask(), N));
        assertEquals(4L * memory.graph().network().parameterCount(), back.memory().footprintBytes());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(PcnException.class, () -> PcMemory.Config.builder().latent(0).hidden().build());
        assertThrows(PcnException.class, () -> new PcMemory.Recall(OptimizerConfig.Kind.ADAM, 0.1, 0, 0, 1));
        assertThrows(PcnException.class, () -> memory.recall(new float[10], null, 1));
    }
}
