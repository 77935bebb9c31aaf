package org.pcn4j.conv;

import java.util.Arrays;

/**
 * The lowering of one sample to a matrix and back. Row r = (c * kh + ki) * kw + kj of the column
 * matrix holds, at column p = oh * outW + ow, the input value x[c, oh * sh - ph + ki, ow * sw - pw + kj]
 * (0 in the padding). One group's rows are a contiguous block, so a grouped conv is a GEMM per
 * group on a sub-block. Stride-1 rows are copied with arraycopy, which is most of the cost.
 */
final class Im2col {
    private Im2col() {}

    /** Writes the column matrix of the sample at x[xOff..] to col[colOff + r * ldc + p]. */
    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, int ldc) {
        if (isSame(g)) {
            im2colSame(g, x, xOff, col, colOff, ldc);
        } else {
            im2colGeneral(g, x, xOff, col, colOff, ldc);
        }
    }

    /** {@link #im2col} for any geometry, one image row at a time (tests compare the fast path with it). */
    static void im2colGeneral(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, int ldc) {
        int h = g.inH();
        int w = g.inW();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int sh = g.strideH();
        int sw = g.strideW();
        int ph = g.padH();
        int pw = g.padW();
        int oh = g.outH();
        int ow = g.outW();
        int r = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = xOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, r++) {
                    int row = colOff + r * ldc;
                    // Output columns whose input column iw = ow * sw - pw + kj lies inside [0, w).
                    int lo = Math.max(0, ceilDiv(pw - kj, sw));
                    int hi = Math.min(ow, ceilDiv(w + pw - kj, sw));
                    for (int i = 0; i < oh; i++) {
                        int ih = i * sh - ph + ki;
                        int dst = row + i * ow;
                        if (ih < 0 || ih >= h || hi <= lo) {
                            Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        if (lo > 0) {
                            Arrays.fill(col, dst, dst + lo, 0f);
                        }
                        if (hi < ow) {
                            Arrays.fill(col, dst + hi, dst + ow, 0f);
                        }
                        int src = plane + ih * w + lo * sw - pw + kj;
                        if (sw == 1) {
                            System.arraycopy(x, src, col, dst + lo, hi - lo);
                        } else {
                            for (int j = lo; j < hi; j++, src += sw) {
                                col[dst + j] = x[src];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Adds the column matrix col[colOff + r * ldc + p] back onto the sample at dx[dxOff..] (the
     * adjoint of {@link #im2col}): overlapping windows sum, padding entries are dropped. Rows are
     * added in a fixed order, so the result does not depend on threads. May set col's padding
     * entries to 0 (it is the caller's scratch); callers zero dx first, as the adjoint does.
     */
    static void col2im(ConvGeometry g, float[] col, int colOff, int ldc, float[] dx, int dxOff) {
        if (isSame(g)) {
            col2imSame(g, col, colOff, ldc, dx, dxOff);
        } else {
            col2imGeneral(g, col, colOff, ldc, dx, dxOff);
        }
    }

    /** {@link #col2im} for any geometry, one image row at a time (tests compare the fast path with it). */
    static void col2imGeneral(ConvGeometry g, float[] col, int colOff, int ldc, float[] dx, int dxOff) {
        int h = g.inH();
        int w = g.inW();
        int kh = g.kernelH();
        int kw = g.kernelW();
        int sh = g.strideH();
        int sw = g.strideW();
        int ph = g.padH();
        int pw = g.padW();
        int oh = g.outH();
        int ow = g.outW();
        int r = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = dxOff + c * h * w;
            for (int ki = 0; ki < kh; ki++) {
                for (int kj = 0; kj < kw; kj++, r++) {
                    int row = colOff + r * ldc;
                    int lo = Math.max(0, ceilDiv(pw - kj, sw));
                    int hi = Math.min(ow, ceilDiv(w + pw - kj, sw));
                    if (hi <= lo) {
                        continue;
                    }
                    for (int i = 0; i < oh; i++) {
                        int ih = i * sh - ph + ki;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int src = row + i * ow;
                        int dst = plane + ih * w + lo * sw - pw + kj;
                        for (int j = lo; j < hi; j++, dst += sw) {
                            dx[dst] += col[src + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * A stride-1 conv whose output has the input's size (3x3 with padding 1, VGG's blocks): row
     * (c, ki, kj) of the column matrix is then the input plane shifted by s = dy * W + dx
     * (dy = ki - padH, dx = kj - padW) in flat index, with zeros where the window leaves the
     * image. The general lowering copies it one image row at a time (rows of 4 to 32 values, where
     * call overhead is most of the cost); these paths move one contiguous range per (c, ki, kj)
     * and then fix the |dx| wrapped columns per image row.
     */
    static boolean isSame(ConvGeometry g) {
        return g.strideH() == 1 && g.strideW() == 1 && g.outH() == g.inH() && g.outW() == g.inW();
    }

    /** {@link #im2col} for {@link #isSame} geometries: the same values, written range by range. */
    private static void im2colSame(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, int ldc) {
        int h = g.inH();
        int w = g.inW();
        int p = h * w;
        int r = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = xOff + c * p;
            for (int ki = 0; ki < g.kernelH(); ki++) {
                int dy = ki - g.padH();
                for (int kj = 0; kj < g.kernelW(); kj++, r++) {
                    int dx = kj - g.padW();
                    int row = colOff + r * ldc;
                    int s = dy * w + dx;
                    // Output q reads input q + s; valid q: 0 <= q + s < p (then fix wrapped columns).
                    int lo = Math.max(0, -s);
                    int hi = Math.min(p, p - s);
                    if (hi <= lo) {
                        Arrays.fill(col, row, row + p, 0f);
                        continue;
                    }
                    Arrays.fill(col, row, row + lo, 0f);
                    System.arraycopy(x, plane + lo + s, col, row + lo, hi - lo);
                    Arrays.fill(col, row + hi, row + p, 0f);
                    zeroWrapped(col, row, h, w, dx);
                }
            }
        }
    }

    /** Zeroes, in one row of a {@link #isSame} column matrix, the columns j whose input column j + dx is outside [0, w). */
    private static void zeroWrapped(float[] col, int row, int h, int w, int dx) {
        if (dx < 0) {
            int n = Math.min(w, -dx);
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < n; j++) {
                    col[row + i * w + j] = 0f;
                }
            }
        } else if (dx > 0) {
            int from = Math.max(0, w - dx);
            for (int i = 0; i < h; i++) {
                for (int j = from; j < w; j++) {
                    col[row + i * w + j] = 0f;
                }
            }
        }
    }

    /**
     * {@link #col2im} for {@link #isSame} geometries. The wrapped columns of each row are padding
     * (dropped by the general loop); they are set to 0 in col (a scratch matrix the adjoint owns)
     * so that one contiguous add covers the row. Adding +0 leaves every dx value as it was: dx
     * starts at +0 and a float sum is -0 only when both terms are -0, so no value here is -0 and
     * v + 0 = v exactly. Each dx element still receives the rows in ascending order: bit-identical
     * to the general loop.
     */
    private static void col2imSame(ConvGeometry g, float[] col, int colOff, int ldc, float[] dx, int dxOff) {
        int h = g.inH();
        int w = g.inW();
        int p = h * w;
        int r = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            int plane = dxOff + c * p;
            for (int ki = 0; ki < g.kernelH(); ki++) {
                int dy = ki - g.padH();
                for (int kj = 0; kj < g.kernelW(); kj++, r++) {
                    int ddx = kj - g.padW();
                    int row = colOff + r * ldc;
                    int s = dy * w + ddx;
                    int lo = Math.max(0, -s);
                    int hi = Math.min(p, p - s);
                    if (hi <= lo) {
                        continue;
                    }
                    zeroWrapped(col, row, h, w, ddx);
                    int d = plane + s;
                    for (int q = lo; q < hi; q++) {
                        dx[d + q] += col[row + q];
                    }
                }
            }
        }
    }

    /**
     * The column matrices of samples j0..j1-1 side by side (a chunk of the batch): sample j's input
     * at x[xOff + j * inSize], its columns at col[r * ld + j * p]. For {@link #isSame} geometries
     * the row r is the outer loop, so the writes walk each (long) row of the chunk in order: one
     * sample at a time wrote a few values into each of the rows, ld floats (4 KiB and more) apart,
     * which left a 4x4 map's lowering waiting on memory (60 % of its adjoint, JFR). The values
     * written are the same.
     */
    static void im2colChunk(ConvGeometry g, float[] x, int xOff, int j0, int j1, float[] col, int ld) {
        int p = g.outPlane();
        int in = g.inSize();
        if (!isSame(g)) {
            for (int j = j0; j < j1; j++) {
                im2colGeneral(g, x, xOff + j * in, col, j * p, ld);
            }
            return;
        }
        int h = g.inH();
        int w = g.inW();
        int r = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            for (int ki = 0; ki < g.kernelH(); ki++) {
                int dy = ki - g.padH();
                for (int kj = 0; kj < g.kernelW(); kj++, r++) {
                    int dx = kj - g.padW();
                    int s = dy * w + dx;
                    int lo = Math.max(0, -s);
                    int hi = Math.min(p, p - s);
                    for (int j = j0; j < j1; j++) {
                        int row = r * ld + j * p;
                        if (hi <= lo) {
                            Arrays.fill(col, row, row + p, 0f);
                            continue;
                        }
                        int plane = xOff + j * in + c * p;
                        for (int q = 0; q < lo; q++) {
                            col[row + q] = 0f;
                        }
                        System.arraycopy(x, plane + lo + s, col, row + lo, hi - lo);
                        for (int q = hi; q < p; q++) {
                            col[row + q] = 0f;
                        }
                        zeroWrapped(col, row, h, w, dx);
                    }
                }
            }
        }
    }

    /**
     * {@link #col2im} of samples j0..j1-1 laid out as {@link #im2colChunk} writes them, onto
     * dx[dxOff + j * inSize] (zeroed by the caller). For {@link #isSame} geometries the row is the
     * outer loop (the reads walk each row of the chunk in order); every dx element still receives
     * the rows in ascending order, so the sums are the per-sample loop's bit for bit.
     */
    static void col2imChunk(ConvGeometry g, float[] col, int ld, int j0, int j1, float[] dx, int dxOff) {
        int p = g.outPlane();
        int in = g.inSize();
        if (!isSame(g)) {
            for (int j = j0; j < j1; j++) {
                col2imGeneral(g, col, j * p, ld, dx, dxOff + j * in);
            }
            return;
        }
        int h = g.inH();
        int w = g.inW();
        int r = 0;
        for (int c = 0; c < g.inChannels(); c++) {
            for (int ki = 0; ki < g.kernelH(); ki++) {
                int dy = ki - g.padH();
                for (int kj = 0; kj < g.kernelW(); kj++, r++) {
                    int ddx = kj - g.padW();
                    int s = dy * w + ddx;
                    int lo = Math.max(0, -s);
                    int hi = Math.min(p, p - s);
                    if (hi <= lo) {
                        continue;
                    }
                    for (int j = j0; j < j1; j++) {
                        int row = r * ld + j * p;
                        zeroWrapped(col, row, h, w, ddx);
                        int d = dxOff + j * in + c * p + s;
                        for (int q = lo; q < hi; q++) {
                            dx[d + q] += col[row + q];
                        }
                    }
                }
            }
        }
    }

    /** True when the column matrix is the sample itself ([C, H * W]): 1x1 kernel, stride 1, no padding. */
    static boolean isIdentity(ConvGeometry g) {
        return g.kernelH() == 1 && g.kernelW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0
                && g.padW() == 0;
    }

    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
