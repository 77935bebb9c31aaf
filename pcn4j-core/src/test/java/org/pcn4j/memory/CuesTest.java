package org.pcn4j.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;

class CuesTest {

    static float[] images(int count, int dim, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[count * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        return x;
    }

    @Test
    void bottomHalfHiddenKeepsTheTopRows() {
        float[] x = images(2, 16, 1);
        Cue cue = Cues.bottomHalfHidden(x, 2, 4, 4);
        assertEquals(2, cue.count());
        assertEquals(16, cue.dim());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 16; j++) {
                boolean top = j < 8;
                assertEquals(top ? 1f : 0f, cue.mask()[i * 16 + j]);
                assertEquals(top ? x[i * 16 + j] : 0f, cue.values()[i * 16 + j]);
                assertEquals(top, cue.known(i, j));
            }
        }
        assertEquals(16, cue.hiddenCount());
        // odd height: the middle row counts as bottom
        Cue odd = Cues.bottomHalfHidden(images(1, 9, 2), 1, 3, 3);
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 0, 0, 0}, odd.mask());
    }

    @Test
    void randomHiddenHidesExactlyTheFractionPerImageAndIsSeeded() {
        int count = 6, dim = 30;
        float[] x = images(count, dim, 3);
        Cue cue = Cues.randomHidden(x, count, dim, 4L);
        int expected = (int) Math.round(0.75 * dim); // 23 (22.5 rounds up)
        for (int i = 0; i < count; i++) {
            int hidden = 0;
            for (int j = 0; j < dim; j++) {
                int p = i * dim + j;
                if (cue.mask()[p] == 0f) {
                    hidden++;
                    assertEquals(0f, cue.values()[p]);
                } else {
                    assertEquals(1f, cue.mask()[p]);
                    assertEquals(x[p], cue.values()[p]);
                }
            }
            assertEquals(expected, hidden);
        }
        assertFalse(Arrays.equals(Arrays.copyOfRange(cue.mask(), 0, dim), Arrays.copyOfRange(cue.mask(), dim, 2 * dim)),
                "images get independent masks");
        Cue again = Cues.randomHidden(x, count, dim, 0.75, 4L);
        assertArrayEquals(cue.mask(), again.mask());
        assertArrayEquals(cue.values(), again.values());
        assertFalse(Arrays.equals(cue.mask(), Cues.randomHidden(x, count, dim, 5L).mask()));
        assertEquals(9, Cues.randomHidden(x, count, dim, 0.3, 1L).hiddenCount() / count);
    }

    @Test
    void gaussianNoiseIsSeededClippedAndHasTheRightSpread() {
        int count = 4, dim = 1000;
        float[] x = new float[count * dim];
        Arrays.fill(x, 0, 2 * dim, 0.5f); // mid-range: clipping at 5 sigma away hardly ever bites
        Cue cue = Cues.gaussianNoise(x, count, dim, 9L);
        assertNull(cue.mask());
        assertEquals(0, cue.hiddenCount());
        assertArrayEquals(cue.values(), Cues.gaussianNoise(x, count, dim, 0.2, 9L).values());
        assertFalse(Arrays.equals(cue.values(), Cues.gaussianNoise(x, count, dim, 10L).values()));
        double sum = 0, sq = 0;
        int n = 2 * dim;
        for (int i = 0; i < n; i++) {
            double d = cue.values()[i] - 0.5;
            sum += d;
            sq += d * d;
        }
        assertEquals(0, sum / n, 0.015);
        assertEquals(0.2, Math.sqrt(sq / n - (sum / n) * (sum / n)), 0.01);
        int zeros = 0;
        for (int i = n; i < count * dim; i++) {
            float v = cue.values()[i];
            assertTrue(v >= 0f && v <= 1f);
            if (v == 0f) {
                zeros++;
            }
        }
        // background pixels: the negative half of the noise is clipped to exactly 0
        assertEquals(0.5, zeros / (double) n, 0.05);
    }

    @Test
    void badInputIsAPcnException() {
        float[] x = images(2, 16, 1);
        assertThrows(PcnException.class, () -> Cues.bottomHalfHidden(x, 3, 4, 4));
        assertThrows(PcnException.class, () -> Cues.randomHidden(x, 2, 16, 1.5, 1L));
        assertThrows(PcnException.class, () -> Cues.gaussianNoise(x, 2, 16, -1, 1L));
        assertThrows(PcnException.class, () -> new Cue(new float[4], new float[3], "bad", 2, 2));
    }
}
