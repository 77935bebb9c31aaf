package org.pcn4j.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LossTrendTest {
    /** Feeds one stretch of batch losses around {@code mean}; returns the stretch it completes. */
    static LossTrend.Stretch stretch(LossTrend t, Random rnd, double mean, double sd) {
        LossTrend.Stretch s = null;
        for (int i = 0; i < t.window; i++) {
            LossTrend.Stretch done = t.add(mean + sd * rnd.nextGaussian());
            assertTrue(done == null || i == t.window - 1, "a stretch ends only after its last batch");
            s = done;
        }
        assertNotNull(s);
        return s;
    }

    /** Feeds stretches until one is a drift (returns its index) or {@code means} run out (-1). */
    static int firstRise(LossTrend t, Random rnd, double[] means, double sd) {
        for (int i = 0; i < means.length; i++) {
            LossTrend.Stretch s = stretch(t, rnd, means[i], sd);
            if (t.rise(s) != null) {
                return i;
            }
            t.accept(s);
        }
        return -1;
    }

    @Test
    void aStretchIsATenthOfAnEpochOrEnoughSamples() {
        assertEquals(46, new LossTrend(469, 128).window, "Fashion-MNIST at batch 128: a tenth of the epoch");
        assertEquals(64, new LossTrend(23, 64).window, "digits: 4096 samples, across epochs");
        assertEquals(4096, new LossTrend(1, 1).window);
    }

    /** The Fashion-MNIST noise (batch losses around 0.1, sd 0.012 as measured) never makes an event. */
    @Test
    void noiseAloneIsNoDrift() {
        LossTrend t = new LossTrend(469, 128);
        Random rnd = new Random(7);
        double[] flat = new double[400];
        java.util.Arrays.fill(flat, 0.1);
        assertEquals(-1, firstRise(t, rnd, flat, 0.012));
        // A slowly falling loss (what training looks like) is none either.
        double[] falling = new double[200];
        for (int i = 0; i < falling.length; i++) {
            falling[i] = 0.25 * Math.pow(0.99, i);
        }
        assertEquals(-1, firstRise(new LossTrend(469, 128), rnd, falling, 0.012));
    }

    /** The seed-2 drift of the old defaults: stretch means measured on its epoch 4 (see BENCHMARKS.md). */
    @Test
    void theMeasuredDriftIsCaughtWhereItPassesTheThresholds() {
        LossTrend t = new LossTrend(469, 128);
        Random rnd = new Random(3);
        double[] means = {0.253, 0.168, 0.146, 0.1, 0.098, 0.099, 0.104, 0.106, 0.108, 0.113, 0.120, 0.128};
        int at = firstRise(t, rnd, means, 0.006);
        assertEquals(9, at, "caught at 0.113 (1.15x), not in the noise before it");
        String why = t.rise(new LossTrend.Stretch(0.113, 0.0017, 47));
        assertTrue(why.startsWith("training loss of the last 47 batches 1.1"), why);
        assertTrue(why.contains("the best stretch's 0.09"), why);
    }

    @Test
    void aRiseMustBeLargeClearOfTheNoiseAndNotNegligible() {
        LossTrend t = new LossTrend(469, 128);
        t.accept(new LossTrend.Stretch(0.3, 0.001, 47)); // where training started
        t.accept(new LossTrend.Stretch(0.1, 0.001, 47));
        assertNull(t.rise(new LossTrend.Stretch(0.111, 0.001, 47)), "1.11x: below RISE");
        assertNull(t.rise(new LossTrend.Stretch(0.13, 0.008, 47)), "1.3x but within 4 standard errors");
        assertNotNull(t.rise(new LossTrend.Stretch(0.13, 0.001, 47)));
        LossTrend nearZero = new LossTrend(469, 128);
        nearZero.accept(new LossTrend.Stretch(0.3, 0.001, 47));
        nearZero.accept(new LossTrend.Stretch(0.001, 1e-6, 47));
        assertNull(nearZero.rise(new LossTrend.Stretch(0.004, 1e-6, 47)),
                "4x a loss near zero is 1 % of the starting loss: not a drift");
        assertNull(new LossTrend(469, 128).rise(new LossTrend.Stretch(9, 0, 47)), "nothing to compare the first stretch with");
    }

    @Test
    void onlyANewLowIsTheBestAndRebaseMovesTheReference() {
        LossTrend t = new LossTrend(469, 128);
        assertTrue(t.accept(new LossTrend.Stretch(0.2, 0.001, 47)));
        assertTrue(t.accept(new LossTrend.Stretch(0.1, 0.001, 47)));
        assertFalse(t.accept(new LossTrend.Stretch(0.105, 0.001, 47)));
        LossTrend.Stretch drift = new LossTrend.Stretch(0.15, 0.001, 47);
        assertNotNull(t.rise(drift));
        t.rebase(drift);
        assertNull(t.rise(new LossTrend.Stretch(0.155, 0.001, 47)), "an ignored drift is one event");
    }

    @Test
    void aCheckpointRestoresTheStretchInProgress() {
        LossTrend a = new LossTrend(469, 128);
        Random rnd = new Random(1);
        a.accept(stretch(a, rnd, 0.2, 0.01));
        for (int i = 0; i < 20; i++) {
            a.add(0.1 + 0.01 * rnd.nextGaussian());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        a.save(m);
        LossTrend b = new LossTrend(469, 128);
        b.restore(m);
        for (int i = 20; i < a.window - 1; i++) {
            double v = 0.1 + 0.01 * rnd.nextGaussian();
            assertNull(a.add(v));
            assertNull(b.add(v));
        }
        assertEquals(a.add(0.3), b.add(0.3));
        assertEquals(a.best, b.best);
        LossTrend fresh = new LossTrend(469, 128);
        fresh.restore(Map.of()); // a checkpoint written before the trend check
        assertEquals(Double.POSITIVE_INFINITY, fresh.best);
    }
}
