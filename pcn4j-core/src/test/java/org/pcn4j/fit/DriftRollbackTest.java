package org.pcn4j.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.Param;
import org.pcn4j.train.Trainer;

/** The drift check of {@link LossTrend} inside the loop: a slow rise no batch and no epoch shows. */
class DriftRollbackTest {
    /** 400 digits at batch 32: 13 batches an epoch, stretches of 128 batches (4096 samples). */
    static final int STRETCH = 128;

    /**
     * From good batch {@code from} on, pushes the output biases a little further after every batch
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
            if (!heard && batches >= from) {
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
