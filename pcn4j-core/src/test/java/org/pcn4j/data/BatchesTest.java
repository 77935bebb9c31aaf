package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class BatchesTest {
    /** n samples of 3 byte features: sample i holds i, i+1, i+2 (mod 256); label i % 4. */
    static Dataset bytes(int n) {
        byte[] px = new byte[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                px[i * 3 + j] = (byte) (i + j);
            }
            y[i] = i % 4;
        }
        return Dataset.ofBytes("t", new int[] {3}, px, y, 4, 255);
    }

    private static List<Integer> epochOrder(Batches b, int epoch) {
        b.startEpoch(epoch);
        List<Integer> order = new ArrayList<>();
        while (b.next()) {
            for (int k = 0; k < b.size(); k++) {
                order.add(b.indices()[k]);
            }
        }
        return order;
    }

    @Test
    void everySampleOncePerEpochWithPartialLastBatch() {
        Dataset d = bytes(103);
        Batches b = new Batches(d, InputAffine.identity(3), 10, true, 42);
        assertEquals(11, b.batchesPerEpoch());
        for (int e = 0; e < 3; e++) {
            b.startEpoch(e);
            boolean[] seen = new boolean[103];
            List<Integer> sizes = new ArrayList<>();
            while (b.next()) {
                sizes.add(b.size());
                assertEquals(b.size() * 3, b.x().length);
                assertEquals(b.size() * 4, b.oneHot().length);
                for (int k = 0; k < b.size(); k++) {
                    int i = b.indices()[k];
                    assertFalse(seen[i], "sample " + i + " twice");
                    seen[i] = true;
                }
            }
            for (boolean s : seen) {
                assertTrue(s);
            }
            assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3), sizes);
            assertFalse(b.next());
        }
    }

    @Test
    void deterministicForASeed() {
        Dataset d = bytes(50);
        List<Integer> a0 = epochOrder(new Batches(d, InputAffine.identity(3), 7, true, 1), 0);
        List<Integer> a1 = epochOrder(new Batches(d, InputAffine.identity(3), 7, true, 1), 1);
        Batches b = new Batches(d, InputAffine.identity(3), 7, true, 1);
        assertEquals(a0, epochOrder(b, 0));
        assertEquals(a1, epochOrder(b, 1));
        assertEquals(a0, epochOrder(b, 0), "an epoch replays");
        assertNotEquals(a0, a1, "epochs differ");
        assertNotEquals(a0, epochOrder(new Batches(d, InputAffine.identity(3), 7, true, 2), 0), "seeds differ");
        List<Integer> sorted = new ArrayList<>(a0);
        sorted.sort(null);
        assertNotEquals(sorted, a0, "shuffled");
    }

    @Test
    void noShuffleKeepsOrder() {
        Dataset d = bytes(9);
        List<Integer> o = epochOrder(new Batches(d, InputAffine.identity(3), 4, false, 5), 3);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), o);
    }

    @Test
    void contentsLabelsOneHotAndAffine() {
        Dataset d = bytes(6);
        Batches b = new Batches(d, InputAffine.uniform(3, 0.5f, 1f), 4, false, 0);
        assertTrue(b.next());
        assertEquals(4, b.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, b.labels());
        // sample 1: raw 1,2,3 -> 1.5,2,2.5
        assertArrayEquals(new float[] {1.5f, 2f, 2.5f}, Arrays.copyOfRange(b.x(), 3, 6));
        float[] oneHot = b.oneHot();
        for (int k = 0; k < 4; k++) {
            for (int c = 0; c < 4; c++) {
                assertEquals(c == b.labels()[k] ? 1f : 0f, oneHot[k * 4 + c]);
            }
        }
        assertSame(b.x(), b.inputs().data());
        assertSame(b.oneHot(), b.targets().data());
        assertEquals(4, b.inputs().rows());
        assertEquals(3, b.inputs().cols());
        assertTrue(b.next());
        assertEquals(2, b.size());
        assertEquals(2, b.targets().rows());
        assertArrayEquals(new int[] {0, 1}, b.labels());
        assertArrayEquals(new float[] {1f, 0f, 0f, 0f, 0f, 1f, 0f, 0f}, b.oneHot());
        assertFalse(b.next());
        assertThrows(IllegalStateException.class, b::x);
    }

    @Test
    void buffersAreReused() {
        Batches b = new Batches(bytes(30), InputAffine.identity(3), 8, true, 3);
        assertTrue(b.next());
        float[] x = b.x();
        int[] y = b.labels();
        assertTrue(b.next());
        assertSame(x, b.x());
        assertSame(y, b.labels());
        b.startEpoch(1);
        assertTrue(b.next());
        assertSame(x, b.x());
    }

    @Test
    void standardizationUsesTrainingStatisticsOnly() {
        // train: feature 0 in {0, 2}, feature 1 constant 5; test: wildly different values
        float[] tr = {0, 5, 2, 5, 0, 5, 2, 5};
        float[] te = {100, -7, 300, 9};
        Dataset train = Dataset.ofFloats("train", new int[] {2}, tr, new int[] {0, 1, 0, 1}, 2);
        Dataset test = Dataset.ofFloats("test", new int[] {2}, te, new int[] {0, 1}, 2);
        DatasetSplits s = new DatasetSplits("x", null, train, test, null, Normalization.STANDARDIZE);
        InputAffine a = s.inputAffine();
        assertFalse(a.isUniform());
        assertEquals(-1f, a.apply(0, 0f), 1e-6); // mean 1, std 1
        assertEquals(1f, a.apply(0, 2f), 1e-6);
        assertEquals(0f, a.apply(1, 5f), 1e-6); // constant: centred, not divided by 0
        assertEquals(1f, a.scale(1));
        assertThrows(IllegalStateException.class, a::scalar);
        Batches b = s.batches(s.test(), 2, false, 0);
        assertTrue(b.next());
        assertArrayEquals(new float[] {99f, -12f, 299f, 4f}, b.x(), 1e-5f);
        // the same with a different test split gives the same affine
        Dataset test2 = Dataset.ofFloats("test", new int[] {2}, new float[] {0, 0}, new int[] {0}, 2);
        assertEquals(a, new DatasetSplits("x", null, train, test2, null, Normalization.STANDARDIZE).inputAffine());
        assertEquals(0f, a.invert(0, a.apply(0, 0f)), 1e-6);
    }

    @Test
    void validationSplit() {
        Dataset d = bytes(100);
        DatasetSplits s = new DatasetSplits("v", null, d, null, null, Normalization.STANDARDIZE);
        DatasetSplits v = s.withValidation(0.2, 7);
        assertEquals(80, v.train().size());
        assertEquals(20, v.validation().size());
        boolean[] seen = new boolean[100];
        float[] x = new float[3];
        for (Dataset part : new Dataset[] {v.train(), v.validation()}) {
            for (int i = 0; i < part.size(); i++) {
                part.features(i, x, 0);
                int orig = (int) x[0];
                assertFalse(seen[orig]);
                seen[orig] = true;
                assertEquals(orig % 4, part.label(i));
            }
        }
        DatasetSplits again = s.withValidation(0.2, 7);
        assertArrayEquals(DatasetsTest.labels(v.validation()), DatasetsTest.labels(again.validation()));
        assertNotEquals(s.inputAffine(), v.inputAffine(), "statistics from the reduced training split");
        assertEquals(new DatasetSplits("v", null, v.train(), null, null, Normalization.STANDARDIZE).inputAffine(),
                v.inputAffine());
        assertThrows(PcnException.class, () -> s.withValidation(1.0, 1));
        assertThrows(PcnException.class, () -> s.withValidation(0.001, 1));
    }
}
