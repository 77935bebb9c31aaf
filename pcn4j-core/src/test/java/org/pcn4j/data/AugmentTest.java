package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

/** Random padded crops and flips: exact geometry, the padding value, and seeding. */
class AugmentTest {
    @Test
    void parsing() {
        Augment a = Augment.parse("crop,flip");
        assertTrue(a.crop() && a.flip());
        assertEquals(4, a.padding());
        assertEquals("crop:4,flip", a.toString());
        assertEquals(2, Augment.parse("crop:2").padding());
        assertTrue(Augment.parse("none").isNone());
        assertTrue(Augment.parse("").isNone());
        PcnException e = assertThrows(PcnException.class, () -> Augment.parse("crop,rotate"));
        assertEquals("augment: unknown transform 'rotate' (valid: crop, crop:P, flip, none)", e.getMessage());
        assertThrows(PcnException.class, () -> Augment.parse("crop:x"));
    }

    /** A 2-channel 3x4 image with value 100 c + 10 i + j at (c, i, j). */
    static float[] image() {
        float[] x = new float[24];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    x[c * 12 + i * 4 + j] = 100 * c + 10 * i + j;
                }
            }
        }
        return x;
    }

    @Test
    void everyOutputIsAShiftedOrMirroredInputPixelOrThePadding() {
        int[] shape = {2, 3, 4};
        float[] offset = new float[24];
        Arrays.fill(offset, -7f);
        Augment a = Augment.of(true, true, 1);
        boolean sawFlip = false;
        boolean sawShift = false;
        for (int idx = 0; idx < 40; idx++) {
            float[] x = image();
            a.apply(x, 1, shape, offset, new int[] {idx}, 5L, 0, new float[24]);
            // Recover the transform from the channel-0 pixels and check it is one consistent map.
            int found = 0;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    for (boolean m : new boolean[] {false, true}) {
                        if (Arrays.equals(x, expected(dy, dx, m))) {
                            found++;
                            sawFlip |= m;
                            sawShift |= dy != 0 || dx != 0;
                        }
                    }
                }
            }
            assertEquals(1, found, "sample " + idx + ": " + Arrays.toString(x));
        }
        assertTrue(sawFlip && sawShift);
    }

    private static float[] expected(int dy, int dx, boolean mirror) {
        float[] src = image();
        float[] out = new float[24];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    int si = i + dy;
                    int sj = (mirror ? 3 - j : j) + dx;
                    out[c * 12 + i * 4 + j] = si < 0 || si >= 3 || sj < 0 || sj >= 4 ? -7f : src[c * 12 + si * 4 + sj];
                }
            }
        }
        return out;
    }

    @Test
    void batchesAugmentBySeedEpochAndSampleNotByBatchSize() {
        int n = 10;
        byte[] px = new byte[n * 24];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 13);
        }
        int[] labels = new int[n];
        Dataset d = Dataset.ofBytes("tiny", new int[] {2, 3, 4}, px, labels, 1, 255);
        InputAffine aff = InputAffine.compute(Normalization.SYMMETRIC, d);
        Augment a = Augment.parse("crop:1,flip");
        float[][] byBatch4 = collect(new Batches(d, aff, 4, true, 9).augment(a), n, 1);
        float[][] byBatch3 = collect(new Batches(d, aff, 3, true, 9).augment(a), n, 1);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(byBatch4[i], byBatch3[i], "sample " + i);
        }
        float[][] epoch2 = collect(new Batches(d, aff, 4, true, 9).augment(a), n, 2);
        float[][] plain = collect(new Batches(d, aff, 4, true, 9), n, 1);
        boolean differs = false;
        boolean changed = false;
        for (int i = 0; i < n; i++) {
            differs |= !Arrays.equals(byBatch4[i], epoch2[i]);
            changed |= !Arrays.equals(byBatch4[i], plain[i]);
            // Padding is raw 0 under the symmetric map: -1.
            for (float v : byBatch4[i]) {
                assertTrue(v >= -1f && v <= 1f);
            }
        }
        assertTrue(differs, "a new epoch draws new crops");
        assertTrue(changed, "augmentation changes samples");
        Dataset flat = Dataset.ofFloats("csv", new int[] {3}, new float[3], new int[1], 1);
        assertThrows(PcnException.class, () -> new Batches(flat, InputAffine.identity(3), 1, false, 0).augment(a));
        assertFalse(Augment.NONE.crop());
    }

    /** Each sample's inputs in epoch {@code epoch}, by its index in the split. */
    private static float[][] collect(Batches b, int n, int epoch) {
        float[][] out = new float[n][];
        b.startEpoch(epoch);
        while (b.next()) {
            int f = b.x().length / b.size();
            for (int k = 0; k < b.size(); k++) {
                out[b.indices()[k]] = Arrays.copyOfRange(b.x(), k * f, (k + 1) * f);
            }
        }
        for (float[] r : out) {
            assertNotEquals(null, r);
        }
        return out;
    }
}
