package org.pcn4j.kernel;

/**
 * Plain-Java kernels: the fallback when jdk.incubator.vector is not enabled, and the readable
 * statement of what every backend computes.
 */
public class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    /** k-block length; the same rule as the vector backend so both fold k blocks alike. */
    private static final int KC = 256;
    /** Rows and columns of the scalar register tile. */
    private static final int T = 4;
    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[KC * 64], new float[KC * T], new float[T * T]});

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        if ((long) m * n * k < 4096 || m < T || n < T) {
            simple(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /**
     * Rows [r0, r1) of the m-row product by the whole product's path: the simple loop and the
     * blocked one round differently, so rows of a blocked product run blocked however few they are.
     */
    @Override
    public void sgemmRows(boolean transA, int m, int r0, int r1, float alpha, float[] a, int aOff, int lda, PackedMatrix b,
                          float beta, float[] c, int cOff, int ldc) {
        Unpacked u = (Unpacked) b;
        int n = u.n();
        int k = u.k();
        int rows = r1 - r0;
        if (rows <= 0 || n <= 0) {
            return;
        }
        int ao = transA ? aOff + r0 : aOff + r0 * lda;
        int co = cOff + r0 * ldc;
        if (k <= 0 || alpha == 0f || (long) m * n * k < 4096 || m < T || n < T) {
            sgemm(transA, u.transB(), rows, n, k, alpha, a, ao, lda, u.b(), u.bOff(), u.ldb(), beta, c, co, ldc);
        } else {
            blocked(transA, u.transB(), rows, n, k, alpha, a, ao, lda, u.b(), u.bOff(), u.ldb(), beta, c, co, ldc);
        }
    }

    @Override
    public boolean rowsExact() {
        return true;
    }

    /** c = beta * c over an m x n block; beta = 0 writes zeros (NaNs in C are not propagated). */
    static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) {
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            } else {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
        }
    }

    /** One fused chain per element, increasing k: the readable definition. */
    private static void simple(boolean transA, boolean transB, int m, int n, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb;
        int bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float acc = 0f;
                int ai = aOff + i * aRow;
                int bi = bOff + j * bCol;
                for (int p = 0; p < k; p++, ai += aCol, bi += bRow) {
                    acc = Math.fma(a[ai], b[bi], acc);
                }
                c[ci + j] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci + j] * beta);
            }
        }
    }

    /**
     * Packed panels and a 4 x 4 tile of scalar accumulators (16 independent fused chains keep the
     * FMA units busy). k is cut in blocks of at most {@link #KC}; blocks fold into C in order.
     */
    private static void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        float[][] buf = BUFFERS.get();
        int kb = k <= KC ? k : (k + (k + KC - 1) / KC - 1) / ((k + KC - 1) / KC);
        int nPad = (n + T - 1) / T * T;
        float[] bp = buf[0];
        if (bp.length < kb * nPad) {
            bp = new float[kb * nPad];
            buf[0] = bp;
        }
        float[] ap = buf[1];
        float[] tile = buf[2];
        for (int pc = 0; pc < k; pc += kb) {
            int kc = Math.min(kb, k - pc);
            boolean first = pc == 0;
            // B block: panels of T columns, bp[jp*kc + p*T + j].
            for (int jp = 0; jp < nPad; jp += T) {
                int w = Math.min(T, n - jp);
                int base = jp * kc;
                for (int j = 0; j < T; j++) {
                    if (j >= w) {
                        for (int p = 0; p < kc; p++) {
                            bp[base + p * T + j] = 0f;
                        }
                    } else if (transB) {
                        int src = bOff + (jp + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) {
                            bp[base + p * T + j] = b[src + p];
                        }
                    } else {
                        int src = bOff + pc * ldb + jp + j;
                        for (int p = 0; p < kc; p++, src += ldb) {
                            bp[base + p * T + j] = b[src];
                        }
                    }
                }
            }
            for (int ir = 0; ir < m; ir += T) {
                int rows = Math.min(T, m - ir);
                for (int r = 0; r < T; r++) {
                    if (r >= rows) {
                        for (int p = 0; p < kc; p++) {
                            ap[p * T + r] = 0f;
                        }
                    } else if (transA) {
                        int src = aOff + pc * lda + ir + r;
                        for (int p = 0; p < kc; p++, src += lda) {
                            ap[p * T + r] = a[src];
                        }
                    } else {
                        int src = aOff + (ir + r) * lda + pc;
                        for (int p = 0; p < kc; p++) {
                            ap[p * T + r] = a[src + p];
                        }
                    }
                }
                for (int jp = 0; jp < nPad; jp += T) {
                    int w = Math.min(T, n - jp);
                    tile4x4(kc, ap, bp, jp * kc, tile);
                    for (int r = 0; r < rows; r++) {
                        int ci = cOff + (ir + r) * ldc + jp;
                        for (int j = 0; j < w; j++) {
                            float acc = tile[r * T + j];
                            if (!first) {
                                c[ci + j] = Math.fma(acc, alpha, c[ci + j]);
                            } else if (beta == 0f) {
                                c[ci + j] = acc * alpha;
                            } else {
                                c[ci + j] = Math.fma(acc, alpha, c[ci + j] * beta);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void tile4x4(int kc, float[] ap, float[] bp, int bBase, float[] tile) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0, ai = 0, bi = bBase; p < kc; p++, ai += T, bi += T) {
            float a0 = ap[ai], a1 = ap[ai + 1], a2 = ap[ai + 2], a3 = ap[ai + 3];
            float b0 = bp[bi], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
            c00 = Math.fma(a0, b0, c00);
            c01 = Math.fma(a0, b1, c01);
            c02 = Math.fma(a0, b2, c02);
            c03 = Math.fma(a0, b3, c03);
            c10 = Math.fma(a1, b0, c10);
            c11 = Math.fma(a1, b1, c11);
            c12 = Math.fma(a1, b2, c12);
            c13 = Math.fma(a1, b3, c13);
            c20 = Math.fma(a2, b0, c20);
            c21 = Math.fma(a2, b1, c21);
            c22 = Math.fma(a2, b2, c22);
            c23 = Math.fma(a2, b3, c23);
            c30 = Math.fma(a3, b0, c30);
            c31 = Math.fma(a3, b1, c31);
            c32 = Math.fma(a3, b2, c32);
            c33 = Math.fma(a3, b3, c33);
        }
        tile[0] = c00;
        tile[1] = c01;
        tile[2] = c02;
        tile[3] = c03;
        tile[4] = c10;
        tile[5] = c11;
        tile[6] = c12;
        tile[7] = c13;
        tile[8] = c20;
        tile[9] = c21;
        tile[10] = c22;
        tile[11] = c23;
        tile[12] = c30;
        tile[13] = c31;
        tile[14] = c32;
        tile[15] = c33;
    }

    /**
     * The smooth activations through {@link ScalarMath}: the vector backend's float arithmetic
     * (the same bits on both backends, every JDK and JIT tier); the piecewise-linear ones through
     * {@link Activation}'s definition, which rounds to the same floats.
     */
    @Override
    public void activate(Activation f, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            switch (f) {
                case TANH: y[yOff + i] = ScalarMath.tanh(v); break;
                case SIGMOID: y[yOff + i] = ScalarMath.sigmoid(v); break;
                case GELU: y[yOff + i] = ScalarMath.gelu(v); break;
                case GELU_TANH: y[yOff + i] = ScalarMath.geluTanh(v); break;
                default: y[yOff + i] = (float) f.apply(v);
            }
        }
    }

    @Override
    public void activateDerivative(Activation f, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            switch (f) {
                case TANH: y[yOff + i] = ScalarMath.tanhDerivative(v); break;
                case SIGMOID: y[yOff + i] = ScalarMath.sigmoidDerivative(v); break;
                case GELU: y[yOff + i] = ScalarMath.geluDerivative(v); break;
                case GELU_TANH: y[yOff + i] = ScalarMath.geluTanhDerivative(v); break;
                default: y[yOff + i] = (float) f.derivative(v);
            }
        }
    }

    @Override
    public void softmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int yo = yOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[xo + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[xo + j] - max);
                y[yo + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < cols; j++) {
                y[yo + j] *= inv;
            }
        }
    }

    @Override
    public void logSoftmax(float[] x, int xOff, float[] y, int yOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xo = xOff + r * cols;
            int yo = yOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[xo + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                sum += Math.exp(x[xo + j] - max);
            }
            float lse = (float) (max + Math.log(sum));
            for (int j = 0; j < cols; j++) {
                y[yo + j] = x[xo + j] - lse;
            }
        }
    }
}
