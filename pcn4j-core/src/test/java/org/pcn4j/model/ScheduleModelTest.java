package org.pcn4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** auto's cost model: layers where tasks can share the threads, gemm where a hand-off or one big product dominates. */
class ScheduleModelTest {
    private static final LayerSchedule.Phase SG = LayerSchedule.Phase.STATE_GRADIENTS;
    private static final long PRODUCT = 4L << 20; // a 64 x 256 x 256 product

    @Test
    void independentProductsOfEqualSizeRunAsLayers() {
        ScheduleModel m = new ScheduleModel();
        // Four 256x256 products: both threads busy with whole products beat each one split at 0.8.
        assertTrue(m.prefersLayers(SG, new long[] {PRODUCT, PRODUCT, PRODUCT, PRODUCT}, new long[4], 2));
        // Elementwise tasks (errors of nine 64x256 nodes): gemm runs them on one thread.
        long e = 64 * 256 * ScheduleModel.ELEM_MACS;
        long[] errs = {e, e, e, e, e, e, e, e, e};
        assertTrue(m.prefersLayers(LayerSchedule.Phase.ERRORS, errs, errs, 2));
    }

    @Test
    void gemmWhereLayersCannotWin() {
        ScheduleModel m = new ScheduleModel();
        // One thread, one task, or tasks so small that the hand-off costs more than it saves.
        assertFalse(m.prefersLayers(SG, new long[] {PRODUCT, PRODUCT}, new long[2], 1));
        assertFalse(m.prefersLayers(SG, new long[] {PRODUCT}, new long[1], 2));
        assertFalse(m.prefersLayers(LayerSchedule.Phase.ERRORS, new long[] {500, 500, 500}, new long[] {500, 500, 500}, 2));
        // One large product and a small one: the large one runs split under both; nothing to gain.
        assertFalse(m.prefersLayers(SG, new long[] {64L << 20, 1000}, new long[] {0, 1000}, 2));
        String c = m.choices();
        assertTrue(c.contains("state_gradients=gemm") && c.contains("errors=gemm"), c);
    }

    @Test
    void choicesCountLayersCallsPerPhase() {
        ScheduleModel m = new ScheduleModel();
        m.prefersLayers(SG, new long[] {PRODUCT, PRODUCT}, new long[2], 2);
        m.prefersLayers(SG, new long[] {PRODUCT}, new long[1], 2);
        assertEquals("state_gradients=layers 1/2", m.choices());
    }

    /**
     * Rows of the batch where the products are too small to split and too uneven for tasks (a
     * 784-128-128-10 state-gradient phase), not where balanced tasks already fill the threads,
     * nor on one thread or with too few rows; the feedforward chain (null phase) competes with gemm only.
     */
    @Test
    void rowsWhereSmallUnevenTasksLeaveAThreadIdle() {
        ScheduleModel m = new ScheduleModel();
        long elem = 64 * 128 * ScheduleModel.ELEM_MACS;
        long[] cost = {64 * 128 * 128 + elem, 64 * 10 * 128 + elem};
        long[] elems = {elem, elem};
        assertTrue(m.prefersRows(SG, cost, elems, 2, 64));
        assertFalse(m.prefersRows(SG, cost, elems, 1, 64));
        assertFalse(m.prefersRows(SG, cost, elems, 2, 8), "8 rows: one range of ROWS_MIN");
        // Eight equal products: layers fills both threads with whole products and no row penalty.
        long[] eight = {PRODUCT, PRODUCT, PRODUCT, PRODUCT, PRODUCT, PRODUCT, PRODUCT, PRODUCT};
        assertFalse(m.prefersRows(SG, eight, new long[8], 2, 64));
        // The chain of a small net: three products in turn, none split by the kernels.
        assertTrue(m.prefersRows(null, new long[] {1L << 20, 1L << 20, 1L << 17}, new long[3], 2, 64));
        // Calls answered no are counted by prefersLayers, which the schedule asks next.
        assertEquals("init=batch state_gradients=batch", m.choices());
    }
}
