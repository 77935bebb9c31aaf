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
     * added in a fixed order, so the result does not depend on threads.
     */
    static void col2im(ConvGeometry g, float[] col, int colOff, int ldc, float[] dx, int dxOff) {
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

    /** True when the column matrix is the sample itself ([C, H * W]): 1x1 kernel, stride 1, no padding. */
    static boolean isIdentity(ConvGeometry g) {
        return g.kernelH() == 1 && g.kernelW() == 1 && g.strideH() == 1 && g.strideW() == 1 && g.padH() == 0
                && g.padW() == 0;
    }

    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
