package org.pcn4j.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.kernel.Backends;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.Param;
import org.pcn4j.train.Trainer;

/** The drift check of {@link LossTrend} inside the loop: a slow rise no batch and no epoch shows. */
class DriftRollbackTest {
    /** 400 digits at batch 32: 13 batches an epoch, stretches of 128 batches (4096 samples). */
    static final int STRETCH = 128;

    /**
     * From weight update {@code from} on (the run's count, so a resumed run pushes at the same
     * points), pushes the output biases a little further after every batch
     * (no single batch jumps, and the learning keeps pulling back), until it hears an event.
     */
    static final class Drift implements FitListener {
        final int from;
        final float step;
        Trainer trainer;
        int batches;
        boolean heard;
        final List<float[]> atStretchEnds = new ArrayList<>();
        float[] afterEvent;

        Drift(int from, float step) {
            this.from = from;
            this.step = step;
        }

        @Override
        public void onStart(Start s) {
            trainer = s.trainer();
        }

        @Override
        public void onBatch(Batch b) {
            batches++;
            if (!heard && b.updates() >= from) {
                Param bias = trainer.weightParams().get(trainer.weightParams().size() - 1);
                for (int i = 0; i < bias.length(); i++) {
                    bias.value()[i] += (i % 2 == 0 ? step : -step);
                }
                Snapshot.invalidate(trainer.network());
            }
            if (batches % STRETCH == 0) {
                atStretchEnds.add(FitTest.weights(trainer));
            }
        }

        @Override
        public void onDivergence(DivergenceEvent e) {
            heard = true;
            afterEvent = FitTest.weights(trainer);
        }
    }

    @Test
    void aSlowDriftIsRolledBackToTheEndOfTheBestStretch() {
        Mlp m = FitTest.mlp(1);
        Drift d = new Drift(2 * STRETCH + 1, 0.04f);
        FitResult r = Fit.fit(m, FitTest.pc(0.1, 1e-2), FitTest.digits(), FitConfig.builder().epochs(32).batchSize(32).build(), d);
        assertEquals(1, r.events().size(), r.events().toString());
        DivergenceEvent e = r.events().get(0);
        assertTrue(e.reason().startsWith("training loss of the last " + STRETCH + " batches"), e.reason());
        assertEquals("(all)", e.node());
        assertEquals("rollback", e.action());
        assertEquals(0.5, e.rateScale());
        assertFalse(r.diverged());
        assertEquals(32, r.history().size(), "every epoch trained and was evaluated");
        assertArrayEquals(d.atStretchEnds.get(1), d.afterEvent, "back at the end of the best stretch, before the drift");
        assertEquals(0.5e-2, (double) r.last().get("lr"), 1e-15);
        double acc = (double) r.last().get("test_accuracy");
        assertTrue(acc > 0.5, "test accuracy after recovery: " + acc);
    }

    /** The same run without the push: no event (the check does not fire on training as usual). */
    @Test
    void trainingAsUsualMakesNoEvent() {
        Drift none = new Drift(Integer.MAX_VALUE, 0);
        FitResult r = Fit.fit(FitTest.mlp(1), FitTest.pc(0.1, 1e-2), FitTest.digits(),
                FitConfig.builder().epochs(32).batchSize(32).build(), none);
        assertEquals(List.of(), r.events());
        assertTrue(none.atStretchEnds.size() >= 3, "the run spans several stretches: " + none.atStretchEnds.size());
    }

    @TempDir
    Path tmp;

    /**
     * A checkpoint carries the best stretch (its weights and optimizer state): resumed after the
     * best stretch and before the drift, the run rolls back to the same point and ends bit for bit
     * as the uninterrupted one.
     */
    @Test
    void aRunResumedBeforeTheDriftRollsBackAlikeAndEndsBitIdentical() {
        int threads = Backends.threads();
        Backends.setThreads(1);
        try {
            FitConfig fc = FitConfig.builder().epochs(32).batchSize(32).build();
            List<Checkpoint> cks = new ArrayList<>();
            FitListener keep = new FitListener() {
                @Override
                public void onCheckpoint(Checkpoint c) {
                    cks.add(c);
                }
            };
            FitResult full = Fit.fit(FitTest.mlp(1), FitTest.pc(0.1, 1e-2), FitTest.digits(), fc,
                    new Drift(2 * STRETCH + 1, 0.04f), keep);
            assertEquals(1, full.events().size());
            Checkpoint at = cks.get(21); // after epoch 22: 286 updates, past the best stretch (256), before the drift's event
            assertTrue(at.trendBest != null && at.updates() > 2 * STRETCH && at.updates() < full.events().get(0).update(),
                    "checkpoint at update " + at.updates());
            Path f = tmp.resolve("ck.safetensors");
            at.write(f);
            Checkpoint back = Checkpoint.read(f);
            assertArrayEquals(at.trendBest.weights.get(0), back.trendBest.weights.get(0));
            assertEquals(at.trendBest.optimizer, back.trendBest.optimizer);
            assertEquals(at.trendBest.updates, back.trendBest.updates);
            FitResult resumed = Fit.prepare(FitTest.mlp(99), FitTest.digits(), FitTest.digits().inputAffine(), fc)
                    .run(FitTest.pc(0.1, 1e-2), List.of(new Drift(2 * STRETCH + 1, 0.04f)), back);
            assertEquals(full.events().get(0).describe(), resumed.events().get(0).describe());
            assertArrayEquals(FitTest.weights(full.trainer()), FitTest.weights(resumed.trainer()));
        } finally {
            Backends.setThreads(threads);
        }
    }

    /** Under --on-divergence stop the run ends at the drift, keeping the last clean epoch. */
    @Test
    void stopEndsTheRunAtTheDrift() {
        Drift d = new Drift(2 * STRETCH + 1, 0.04f);
        FitResult r = Fit.fit(FitTest.mlp(1), FitTest.pc(0.1, 1e-2), FitTest.digits(), FitConfig.builder().epochs(32)
                .batchSize(32).onDivergence(FitConfig.OnDivergence.STOP).build(), d);
        assertTrue(r.diverged());
        assertEquals("stop", r.events().get(0).action());
        assertTrue(r.stopReason().startsWith("drifted in epoch"), r.stopReason());
        assertTrue(r.keptEpoch() >= 19 && r.keptEpoch() < 32, "kept epoch " + r.keptEpoch());
    }
}
