package org.pcn4j.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class RecallMetricsTest {

    private static final float[] TARGETS = {0, 0, 0, 0, 1, 1, 1, 1};
    private static final float[] OUTPUTS = {0.1f, 0, 0, 0, 1, 1, 0.5f, 1};

    @Test
    void matchesHandComputedValues() {
        float[] mask = {1, 1, 0, 0, 0, 0, 0, 1};
        RecallMetrics m = RecallMetrics.of(OUTPUTS, TARGETS, 2, 4, mask);
        // image 0: 0.1^2 / 4 = 0.0025; image 1: 0.5^2 / 4 = 0.0625
        assertArrayEquals(new float[] {0.0025f, 0.0625f}, m.perImageMse(), 1e-7f);
        assertEquals(0.0325, m.meanMse(), 1e-7);
        assertEquals(0.005, m.threshold());
        assertEquals(0.5, m.successRate());
        // hidden: image 0 pixels 2, 3 exact -> 0; image 1 pixels 0..2 -> 0.25 / 3; pooled 0.25 / 5
        assertArrayEquals(new float[] {0f, 0.25f / 3}, m.perImageHiddenMse(), 1e-7f);
        assertEquals(0.05, m.hiddenMse(), 1e-7);
        assertEquals(1.0, RecallMetrics.of(OUTPUTS, TARGETS, 2, 4, mask, 0.1).successRate());
        assertEquals(0.0, RecallMetrics.of(OUTPUTS, TARGETS, 2, 4, mask, 0.0025).successRate(),
                "success is strictly below the threshold");
    }

    @Test
    void withoutAMaskThereIsNoHiddenMse() {
        RecallMetrics m = RecallMetrics.of(OUTPUTS, TARGETS, 2, 4, null);
        assertNull(m.perImageHiddenMse());
        assertTrue(Double.isNaN(m.hiddenMse()));
        assertEquals(0.0325, m.meanMse(), 1e-7);
        float[] allKnown = {1, 1, 1, 1, 1, 1, 1, 1};
        RecallMetrics k = RecallMetrics.of(OUTPUTS, TARGETS, 2, 4, allKnown);
        assertTrue(Float.isNaN(k.perImageHiddenMse()[0]));
        assertTrue(Double.isNaN(k.hiddenMse()));
    }

    @Test
    void shortArraysAreAPcnException() {
        assertThrows(PcnException.class, () -> RecallMetrics.of(OUTPUTS, new float[4], 2, 4, null));
        assertThrows(PcnException.class, () -> RecallMetrics.of(OUTPUTS, TARGETS, 2, 4, new float[3]));
    }
}
