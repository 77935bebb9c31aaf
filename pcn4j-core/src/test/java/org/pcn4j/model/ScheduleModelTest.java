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

    /**
     * The 784-128-128-10 calls auto ran as layers before (issue 12; cost arrays as the schedule
     * builds them, batch 64, 2 threads): right after the feedforward initialization the
     * predictions and errors of the two hidden nodes are elementwise work only (their predictions
     * are cached) and one state gradient sends a 64x128x10 product. Elementwise work loses no
     * speed on half the rows, and the initialization left each thread's rows in its own cache.
     */
    @Test
    void smallNetRunsEveryInferencePhaseByRows() {
        ScheduleModel m = new ScheduleModel();
        long elem = 64 * 128 * ScheduleModel.ELEM_MACS;
        long out = 64 * 10 * ScheduleModel.ELEM_MACS;
        long product = 64 * 128 * 10;
        // The chain: 64x784x128 and 64x128x128 products (with h1's, h2's elementwise work) by rows.
        assertTrue(m.prefersRows(null, new long[] {64 * 784 * 128 + 3 * elem, 64 * 128 * 128 + 3 * elem},
                new long[] {2 * elem, 2 * elem}, 2, 64));
        assertTrue(m.prefersRows(LayerSchedule.Phase.PREDICTIONS_ERRORS, new long[] {2 * elem, 2 * elem, 2 * out + product},
                new long[] {2 * elem, 2 * elem, 2 * out}, 2, 64));
        assertTrue(m.prefersRows(SG, new long[] {0, elem, elem + product, 0}, new long[] {0, elem, elem, 0}, 2, 64));
        // The state optimizer's step over h1 and h2 (the output is clamped): by rows, as the phases around it.
        assertTrue(m.prefersRowsForStateStep(2 * 64 * 128, 2, 64));
        assertEquals("init=batch predictions_errors=batch state_gradients=batch state_step=batch", m.choices());
    }

    /**
     * The same balanced phase (eight equal products with a node's prediction and error work each)
     * stays as layers after a phase that did not run by rows, and by rows after one that did:
     * moving the rows costs more than layers' better product speed gains. A tiny state step
     * (16 rows of 32 units) stays on the caller: the hand-off costs more than the step.
     */
    @Test
    void whereTheRowsAreDecidesCloseCalls() {
        long e = 2 * 64 * 256 * ScheduleModel.ELEM_MACS;
        long[] cost = new long[8];
        long[] elems = new long[8];
        java.util.Arrays.fill(cost, PRODUCT + e);
        java.util.Arrays.fill(elems, e);
        LayerSchedule.Phase pe = LayerSchedule.Phase.PREDICTIONS_ERRORS;
        ScheduleModel m = new ScheduleModel();
        assertFalse(m.prefersRows(pe, cost, elems, 2, 64), "no phase has run yet: no move either way");
        assertTrue(m.prefersLayers(pe, cost, elems, 2));
        assertFalse(m.prefersRows(pe, cost, elems, 2, 64), "after a phase that did not run by rows");
        assertTrue(m.prefersLayers(pe, cost, elems, 2));
        ScheduleModel after = new ScheduleModel();
        assertTrue(after.prefersRows(null, new long[] {1L << 20, 1L << 20, 1L << 17}, new long[3], 2, 64));
        assertTrue(after.prefersRows(pe, cost, elems, 2, 64), "after the chain ran by rows");
        assertFalse(after.prefersRowsForStateStep(16 * 32, 2, 16));
        assertFalse(after.prefersRowsForStateStep(2 * 64 * 128, 1, 64));
        assertEquals("init=batch predictions_errors=batch state_step=gemm", after.choices());
        assertEquals("predictions_errors=layers", m.choices());
    }
}
