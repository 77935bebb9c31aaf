package org.pcn4j.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.Datasets;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Parameter;

/** Storing with held-out images, a kept model and a divergence stop ({@link MemoryStore}), on 8x8 digits. */
class MemoryStoreTest {
    static final int N = 12;
    static final int D = 64;
    static float[] images;

    /** The bundled digits' first N training images, scaled to [0, 1]. */
    @BeforeAll
    static void load() {
        Dataset d = Datasets.load("digits", null).train();
        images = new float[N * D];
        for (int i = 0; i < N; i++) {
            d.features(i, images, i * D);
        }
        float lo = d.rawMin();
        float hi = d.rawMax();
        for (int i = 0; i < images.length; i++) {
            images[i] = (images[i] - lo) / (hi - lo);
        }
    }

    static PcMemory.Config config(int epochs, double stateLr) {
        return PcMemory.Config.builder().latent(8).hidden(24).activation(Activation.TANH).epochs(epochs)
                .inferenceSteps(10).stateLr(stateLr).stateMomentum(0.5).lr(3e-2).batch(4).seed(7).build();
    }

    /** A cheap recall inference for evaluating: the test is about selection, not recall quality. */
    static PcMemory memory(int epochs, double stateLr) {
        return PcMemory.create(D, config(epochs, stateLr), new PcMemory.Recall(
                org.pcn4j.optim.OptimizerConfig.Kind.ADAM, 0.1, 0, 60, 1));
    }

    static List<float[]> weights(PcMemory m) {
        List<float[]> w = new ArrayList<>();
        for (Edge e : m.graph().network().edges()) {
            for (Parameter p : e.parameters()) {
                w.add(p.value().clone());
            }
        }
        return w;
    }

    static void assertSameWeights(List<float[]> a, List<float[]> b, String what) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), what + " (parameter " + i + ")");
        }
    }

    static float[] gather(int[] idx) {
        float[] out = new float[idx.length * D];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(images, idx[i] * D, out, i * D, D);
        }
        return out;
    }

    @Test
    void theHeldOutImagesAreSeededAndNotStored() {
        MemoryStore.Split s = MemoryStore.split(N, 0.25, 7);
        assertEquals(3, s.heldOut().length);
        assertEquals(N - 3, s.stored().length);
        int[] all = new int[N];
        System.arraycopy(s.stored(), 0, all, 0, N - 3);
        System.arraycopy(s.heldOut(), 0, all, N - 3, 3);
        Arrays.sort(all);
        for (int i = 0; i < N; i++) {
            assertEquals(i, all[i], "every image is stored or held out, once");
        }
        assertArrayEquals(s.heldOut(), MemoryStore.split(N, 0.25, 7).heldOut(), "the same seed, the same split");
        boolean differs = false;
        for (long seed = 8; seed < 12 && !differs; seed++) {
            differs = !Arrays.equals(s.heldOut(), MemoryStore.split(N, 0.25, seed).heldOut());
        }
        assertTrue(differs, "another seed holds out other images");
        assertFalse(Arrays.equals(new int[] {0, 1, 2}, s.heldOut()), "not simply the first images");

        // Held out means not stored, and evaluating leaves storing alone: the same weights as
        // storing just the other images, bit for bit.
        PcMemory withHoldOut = memory(12, 0.1);
        MemoryStore.Result r = MemoryStore.store(withHoldOut, images, N,
                MemoryStore.Settings.builder().validation(0.25).evalEvery(3).build(), null);
        assertArrayEquals(s.heldOut(), r.split().heldOut());
        assertEquals(List.of(3, 6, 9, 12), r.evaluations().stream().map(MemoryStore.Evaluation::epoch).toList());
        assertEquals(12, r.keptEpoch());
        PcMemory plain = memory(12, 0.1);
        double e = plain.store(gather(s.stored()), N - 3, null);
        assertSameWeights(weights(plain), weights(withHoldOut), "stored with and without held-out images");
        assertEquals(e, r.lastEnergy());
        assertEquals(withHoldOut.energy(gather(s.heldOut()), 3), r.keptValidationEnergy());
        assertEquals(r.evaluations().get(3).energy(), r.keptValidationEnergy());
    }

    @Test
    void keepBestKeepsTheEpochWithTheLowestValidationEnergy() {
        PcMemory m = memory(60, 0.1);
        List<double[]> told = new ArrayList<>();
        MemoryStore.Result r = MemoryStore.store(m, images, N, MemoryStore.Settings.builder().validation(0.25)
                .keep(FitConfig.Keep.BEST).evalEvery(4).build(), (epoch, energy, ve) -> {
                    if (!Double.isNaN(ve)) {
                        told.add(new double[] {epoch, ve});
                    }
                });
        assertEquals(15, r.evaluations().size());
        MemoryStore.Evaluation min = r.evaluations().get(0);
        for (int i = 0; i < r.evaluations().size(); i++) {
            MemoryStore.Evaluation e = r.evaluations().get(i);
            assertEquals(told.get(i)[0], e.epoch());
            assertEquals(told.get(i)[1], e.energy(), "the listener is told each evaluation");
            if (e.energy() < min.energy()) {
                min = e;
            }
        }
        assertEquals(min.epoch(), r.keptEpoch(), "kept " + r.keptEpoch() + " of " + r.evaluations());
        // On this fixture the held-out energy is lowest well before the end (epoch 28 when written):
        // keep best is not keep last here.
        assertTrue(r.keptEpoch() < 60, "kept " + r.keptEpoch() + " of " + r.evaluations());
        assertEquals(min.energy(), r.keptValidationEnergy());
        // The memory holds that epoch's weights: its held-out energy is the recorded one.
        assertEquals(min.energy(), m.energy(gather(r.split().heldOut()), 3));
        assertNull(r.stopReason());
        assertEquals(60, r.epochsRun());
        assertEquals(r.keptEpoch(), ((Number) r.metadata().get("kept_epoch")).intValue());
        assertEquals("best", r.metadata().get("keep"));
        assertEquals(15, ((List<?>) r.metadata().get("evaluations")).size());

        PcMemory last = memory(60, 0.1);
        MemoryStore.Result l = MemoryStore.store(last, images, N, MemoryStore.Settings.builder().validation(0.25)
                .evalEvery(4).build(), null);
        assertEquals(60, l.keptEpoch());
        assertEquals(r.evaluations(), l.evaluations(), "the same run, only another model kept");
        assertTrue(l.keptValidationEnergy() > r.keptValidationEnergy());
    }

    @Test
    void keepBestWithoutValidationIsRefused() {
        PcnException e = assertThrows(PcnException.class,
                () -> MemoryStore.Settings.builder().keep(FitConfig.Keep.BEST).build());
        assertTrue(e.getMessage().contains("keep best") && e.getMessage().contains("validation"), e.getMessage());
        assertThrows(PcnException.class, () -> MemoryStore.Settings.builder().validation(1).build());
        assertThrows(PcnException.class, () -> MemoryStore.Settings.builder().validation(0.2).evalEvery(0).build());
        assertThrows(PcnException.class, () -> MemoryStore.split(N, 0.01, 1), "rounds to no held-out image");
    }

    @Test
    void aDivergenceInALaterEpochLeavesTheLastGoodWeights() {
        PcMemory m = memory(20, 0.1);
        List<List<float[]>> atEpoch3 = new ArrayList<>();
        MemoryStore.Result r = MemoryStore.store(m, images, N, MemoryStore.Settings.builder().validation(0.25)
                .evalEvery(5).build(), (epoch, energy, ve) -> {
                    if (epoch == 3) {
                        atEpoch3.add(weights(m));
                        // A weight gone bad after epoch 3: epoch 4's energy is not finite.
                        m.graph().network().edges().get(0).parameters().get(0).value()[0] = Float.NaN;
                    }
                });
        assertTrue(r.stopped());
        assertTrue(r.stopReason().startsWith("storing diverged at epoch 4"), r.stopReason());
        assertEquals(4, r.epochsRun());
        assertEquals(3, r.keptEpoch());
        assertSameWeights(atEpoch3.get(0), weights(m), "the memory holds epoch 3's weights");
        // Epoch 3 falls between evaluations: it is evaluated when storing stops.
        assertEquals(List.of(3), r.evaluations().stream().map(MemoryStore.Evaluation::epoch).toList());
        assertTrue(Double.isFinite(r.keptValidationEnergy()));
    }

    @Test
    void aHugeStateRateStopsAtOnceWithTheInitialWeights() {
        PcMemory m = memory(5, 1e6);
        List<float[]> initial = weights(m);
        MemoryStore.Result r = MemoryStore.store(m, images, N, MemoryStore.Settings.defaults(), null);
        assertTrue(r.stopped(), "a state rate of 1e6 diverges");
        assertEquals(0, r.keptEpoch());
        assertTrue(r.stopReason().startsWith("storing diverged at epoch 1"), r.stopReason());
        assertSameWeights(initial, weights(m), "no diverged weight is kept");
        // The plain store still refuses to go on with diverged weights.
        assertThrows(PcnException.class, () -> memory(5, 1e6).store(images, N, null));
    }
}
