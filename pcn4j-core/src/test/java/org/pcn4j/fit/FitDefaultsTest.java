package org.pcn4j.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.TrainConfig;

/** A default TrainConfig trains through Fit: its run-long warmup-cosine is bound to the run's updates. */
class FitDefaultsTest {
    @Test
    void theDefaultScheduleSpansThePlannedUpdates() {
        DatasetSplits data = FitTest.digits();
        FitConfig fc = FitConfig.builder().epochs(3).batchSize(32).build();
        Fit fit = Fit.prepare(FitTest.mlp(1), data, null, fc);
        long total = fit.plannedUpdates(Algorithm.PC, 8);
        assertEquals(3 * 13, total); // 400 samples in batches of 32
        Schedule bound = fit.bound(TrainConfig.builder().build()).schedule();
        Schedule explicit = Schedule.warmupCosine(TrainConfig.DEFAULT_LR, Math.round(0.1 * total), total, 0);
        for (long step = 0; step <= total; step++) {
            assertEquals(explicit.rate(step), bound.rate(step), "update " + step);
        }
        // iPC updates the weights T times per batch, and the schedule spans all of them.
        TrainConfig ipc = TrainConfig.builder().algorithm(Algorithm.IPC).build();
        Schedule ipcBound = fit.bound(ipc).schedule();
        assertEquals(0, ipcBound.rate(total * 8));
        assertTrue(ipcBound.rate(total) > 0);
    }

    @Test
    void aDefaultConfigTrainsAndEqualsTheSpelledOutOne() {
        DatasetSplits data = FitTest.digits();
        FitConfig fc = FitConfig.builder().epochs(2).batchSize(32).build();
        Mlp a = FitTest.mlp(2);
        FitResult r = Fit.fit(a, TrainConfig.builder().build(), data, fc);
        Mlp b = FitTest.mlp(2);
        Fit fit = Fit.prepare(b, data, null, fc);
        long total = fit.plannedUpdates(Algorithm.PC, 8);
        TrainConfig spelled = TrainConfig.builder()
                .schedule(Schedule.warmupCosine(1e-3, Math.round(0.1 * total), total, 0)).build();
        FitResult s = fit.run(spelled, java.util.List.of());
        assertArrayEquals(FitTest.weights(r.trainer()), FitTest.weights(s.trainer()));
        assertTrue(r.history().get(1).get("test_accuracy") instanceof Double);
    }
}
