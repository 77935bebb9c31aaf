package org.pcn4j.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast paths of the lowering and of the 2x2 max pool give the general loops' results bit for
 * bit: im2col and col2im of "same" stride-1 convs (range copies, wrapped columns fixed) against
 * the row-by-row loops, and the unrolled 2x2 max pool against a plain first-maximum scan, with
 * ties, NaNs and signed zeros in the data.
 */
class LoweringFastPathTest {
    // channels, h, w, kernel h, kernel w, pad h, pad w
    @ParameterizedTest
    @CsvSource({"3,4,4,3,3,1,1", "2,2,2,3,3,1,1", "2,7,5,3,3,1,1", "1,9,6,5,3,2,1", "2,3,8,1,1,0,0", "2,5,5,5,5,2,2",
            "1,1,1,3,3,1,1", "2,6,6,3,1,1,0"})
    void sameConvLoweringIsTheGeneralOneBitForBit(int c, int h, int w, int kh, int kw, int ph, int pw) {
        ConvGeometry g = ConvGeometry.builder().input(c, h, w).outChannels(2).kernel(kh, kw).padding(ph, pw).build();
        assertTrue(Im2col.isSame(g), g.describe());
        int rows = g.patch();
        int p = g.outPlane();
        int ld = 3 * p + 1; // a chunk-like layout: this sample's columns at an offset inside wider rows
        int off = p + 1;
        float[] x = Conv2dTest.random(g.inSize() + 5, 11);
        float[] fast = new float[rows * ld + off];
        float[] slow = new float[rows * ld + off];
        java.util.Arrays.fill(fast, 7f); // entries outside this sample's block must stay untouched
        java.util.Arrays.fill(slow, 7f);
        Im2col.im2col(g, x, 5, fast, off, ld);
        Im2col.im2colGeneral(g, x, 5, slow, off, ld);
        assertArrayEquals(slow, fast, "im2col " + g.describe());

        float[] col = Conv2dTest.random(rows * ld + off, 12);
        col[off] = -0f;
        float[] colCopy = col.clone();
        float[] dxFast = new float[g.inSize() + 3];
        float[] dxSlow = new float[g.inSize() + 3];
        Im2col.col2im(g, col, off, ld, dxFast, 3);
        Im2col.col2imGeneral(g, colCopy, off, ld, dxSlow, 3);
        for (int i = 0; i < dxSlow.length; i++) {
            assertEquals(Float.floatToRawIntBits(dxSlow[i]), Float.floatToRawIntBits(dxFast[i]),
                    "col2im " + g.describe() + " at " + i);
        }
    }

    // channels, h, w, kernel, pad, stride (the last two rows are not "same": the per-sample fallback)
    @ParameterizedTest
    @CsvSource({"3,4,4,3,1,1", "2,7,5,3,1,1", "2,2,2,3,1,1", "1,6,5,5,2,1", "2,7,7,3,1,2", "2,6,6,2,0,1"})
    void chunkLoweringIsThePerSampleOneBitForBit(int c, int h, int w, int k, int pad, int stride) {
        ConvGeometry g = ConvGeometry.builder().input(c, h, w).outChannels(3).kernel(k).padding(pad).stride(stride).build();
        int nb = 5;
        int p = g.outPlane();
        int ld = nb * p;
        int rows = g.patch();
        int xOff = 3;
        float[] x = Conv2dTest.random(xOff + nb * g.inSize(), 21);
        float[] chunk = new float[rows * ld];
        float[] each = new float[rows * ld];
        java.util.Arrays.fill(chunk, 9f);
        java.util.Arrays.fill(each, 9f);
        Im2col.im2colChunk(g, x, xOff, 1, 4, chunk, ld); // samples 1..3 only: 0 and 4 stay untouched
        for (int j = 1; j < 4; j++) {
            Im2col.im2colGeneral(g, x, xOff + j * g.inSize(), each, j * p, ld);
        }
        assertArrayEquals(each, chunk, "im2colChunk " + g.describe());

        float[] col = Conv2dTest.random(rows * ld, 22);
        float[] colCopy = col.clone();
        float[] dxChunk = new float[xOff + nb * g.inSize()];
        float[] dxEach = new float[dxChunk.length];
        Im2col.col2imChunk(g, col, ld, 0, nb, dxChunk, xOff);
        for (int j = 0; j < nb; j++) {
            Im2col.col2imGeneral(g, colCopy, j * p, ld, dxEach, xOff + j * g.inSize());
        }
        for (int i = 0; i < dxEach.length; i++) {
            assertEquals(Float.floatToRawIntBits(dxEach[i]), Float.floatToRawIntBits(dxChunk[i]),
                    "col2imChunk " + g.describe() + " at " + i);
        }
    }

    @ParameterizedTest
    @CsvSource({"3,7,9", "2,8,8", "1,2,2", "4,5,3"})
    void unrolledMaxPoolIsTheFirstMaximumScan(int c, int h, int w) {
        int n = 3;
        SplittableRandom rng = new SplittableRandom(5);
        float[] x = new float[n * c * h * w + 2];
        float[] values = {1f, 2f, 2f, -0f, 0f, Float.NaN, -3f, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < x.length; i++) {
            x[i] = values[rng.nextInt(values.length)]; // many ties, NaNs and both zeros
        }
        Pool2d pool = new Pool2d(Pool2d.Kind.MAX, c, h, w, 2, 2);
        float[] y = new float[n * pool.outSize() + 1];
        int[] arg = new int[n * pool.outSize()];
        pool.forward(n, x, 2, y, 1, arg);
        int oh = h / 2;
        int ow = w / 2;
        boolean sawNaN = false;
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int best = -1;
                        float m = 0;
                        for (int a = 0; a < 2; a++) {
                            for (int b = 0; b < 2; b++) {
                                int idx = ch * h * w + (2 * i + a) * w + 2 * j + b;
                                float v = x[2 + s * c * h * w + idx];
                                if (best < 0 || v > m || (Float.isNaN(v) && !Float.isNaN(m))) {
                                    m = v;
                                    best = idx;
                                }
                            }
                        }
                        int o = s * pool.outSize() + (ch * oh + i) * ow + j;
                        sawNaN |= Float.isNaN(m);
                        assertEquals(Float.floatToRawIntBits(m), Float.floatToRawIntBits(y[1 + o]), "max at " + o);
                        assertEquals(best, arg[o], "argmax at " + o);
                    }
                }
            }
        }
        assertTrue(sawNaN, "the data should exercise NaN propagation");
        assertFalse(Float.isNaN(y[0]), "the output before the offset is untouched");
    }
}
