package org.pcn4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM on the Vector API: B is packed into panels of {@link #NR} columns (two vectors), A into
 * micro-panels of {@link #MR} rows, and an MR x NR register-blocked FMA microkernel does the work.
 *
 * <p>Determinism: every element of C is computed by the same sequence of operations whatever the
 * thread count or its position in a tile: k is cut into blocks that depend on k only, each block is
 * one fused multiply-add chain in increasing k, and blocks are folded into C in increasing k with
 * {@code c = fma(alpha, acc, c)}. Padding lanes and rows are zeros and are never stored. Threads
 * split C into disjoint column (or row) ranges.
 *
 * <p>Loop order (per thread): k blocks, then column blocks of at most {@link #NC} (B block packed
 * once, kept in L2), then MR-row micro-panels of A (packed, kept in L1), then NR-column panels of
 * the packed B streamed through the microkernel.
 */
final class VectorGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = S.length();
    /** Columns per packed B panel (two vectors). */
    static final int NR = 2 * L;
    /** Rows per micro-panel of A. */
    static final int MR = 8;
    /** Largest k block. */
    static final int KC = 256;
    /** Largest column block of packed B (KC x NC floats = 512 KiB). */
    static final int NC = 512;
    /** Below this many multiply-adds (m*n*k) the direct, unpacked loops run. */
    static final long DIRECT_MNK = 16 * 1024;
    /** From this many multiply-adds up, work is split over threads. */
    static final long PARALLEL_MNK = 1L << 21;

    private static final ThreadLocal<float[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new float[][] {new float[KC * NC], new float[KC * MR], new float[MR * NR]});

    private static final ThreadLocal<int[][]> GATHER_INDEX = ThreadLocal.withInitial(() -> new int[2][L]);

    private VectorGemm() {}

    /** The k-block length used for a given k: a pure function of k (part of the determinism). */
    static int kBlock(int k) {
        if (k <= KC) {
            return k;
        }
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, int threads) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0 || alpha == 0f) {
            ScalarKernels.scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        long mnk = (long) m * n * k;
        if (mnk < DIRECT_MNK || m < 4) {
            direct(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // At least PARALLEL_MNK / 2 multiply-adds per task: handing work to a pool thread costs
        // tens of microseconds.
        int tasks = mnk >= PARALLEL_MNK ? (int) Math.min(threads, mnk / (PARALLEL_MNK / 2)) : 1;
        if (tasks <= 1) {
            blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int panels = (n + NR - 1) / NR;
        int rowPanels = (m + MR - 1) / MR;
        // Splitting columns makes every task pack all of A; splitting rows, all of B. Relative
        // packing cost per element, measured: B straight 1 (vector copy), A transposed 2 (eight
        // contiguous floats per k step), A as stored and B transposed 4 (gathers).
        long dupA = (long) m * k * (transA ? 2 : 4);
        long dupB = (long) k * n * (transB ? 4 : 1);
        boolean splitColumns = panels >= tasks && (rowPanels < tasks || dupA <= dupB);
        if (splitColumns) {
            int t = Math.min(tasks, panels);
            Parallel.run(t, t, i -> {
                int j0 = Math.min(n, (int) ((long) panels * i / t) * NR);
                int j1 = Math.min(n, (int) ((long) panels * (i + 1) / t) * NR);
                if (j1 > j0) {
                    blocked(transA, transB, 0, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            });
        } else {
            int t = Math.min(tasks, rowPanels);
            Parallel.run(t, t, i -> {
                int i0 = Math.min(m, (int) ((long) rowPanels * i / t) * MR);
                int i1 = Math.min(m, (int) ((long) rowPanels * (i + 1) / t) * MR);
                if (i1 > i0) {
                    blocked(transA, transB, i0, i1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            });
        }
    }

    /**
     * op(B) packed once in the block layout {@link #blocked} uses (k blocks of {@link #kBlock},
     * column blocks of {@link #NC}, panels of NR), so products with it skip packing B. Weight
     * matrices during inference are packed once per weight update instead of once per product.
     */
    static final class Packed implements Kernels.PackedMatrix {
        final boolean transB;
        final int k;
        final int n;
        final int nBlocks;
        final int[] offsets;
        float[] data;
        boolean packed;
        float[] b;
        int bOff;
        int ldb;

        Packed(boolean transB, int k, int n) {
            this.transB = transB;
            this.k = k;
            this.n = n;
            int kb = kBlock(k);
            int kBlocks = (k + kb - 1) / kb;
            this.nBlocks = (n + NC - 1) / NC;
            this.offsets = new int[kBlocks * nBlocks];
            int size = 0;
            for (int pc = 0, pi = 0; pc < k; pc += kb, pi++) {
                int kc = Math.min(kb, k - pc);
                for (int jc = 0, ji = 0; jc < n; jc += NC, ji++) {
                    offsets[pi * nBlocks + ji] = size;
                    size += kc * paddedWidth(Math.min(NC, n - jc));
                }
            }
            this.data = new float[size];
        }

        int offset(int kBlockIndex, int nBlockIndex) {
            return offsets[kBlockIndex * nBlocks + nBlockIndex];
        }

        @Override
        public int k() {
            return k;
        }

        @Override
        public int n() {
            return n;
        }
    }

    /** Columns a packed block of width nc occupies: full NR panels, then L or NR for the rest. */
    private static int paddedWidth(int nc) {
        int full = nc / NR * NR;
        int w = nc - full;
        return full + (w == 0 ? 0 : w <= L ? L : NR);
    }

    /**
     * Records op(B) for packed products. The packing itself is done at the first product that
     * uses it: products large enough to be split over threads read B directly (their column
     * split packs B in parallel, which beats a shared packed copy), so only the single-threaded
     * products that repeat, like the small ones of every inference step, pay for packing once.
     */
    static Packed pack(boolean transB, int k, int n, float[] b, int bOff, int ldb, Packed reuse) {
        Packed p = reuse != null && reuse.transB == transB && reuse.k == k && reuse.n == n
                ? reuse : new Packed(transB, k, n);
        p.b = b;
        p.bOff = bOff;
        p.ldb = ldb;
        p.packed = false;
        return p;
    }

    private static void ensurePacked(Packed p) {
        if (!p.packed) {
            int kb = kBlock(p.k);
            for (int i = 0; i < p.offsets.length; i++) {
                packBlock(p, kb, i);
            }
            p.packed = true;
        }
    }

    private static void packBlock(Packed p, int kb, int block) {
        int pi = block / p.nBlocks;
        int ji = block % p.nBlocks;
        int pc = pi * kb;
        int jc = ji * NC;
        int kc = Math.min(kb, p.k - pc);
        int nc = Math.min(NC, p.n - jc);
        float[] bp = BUFFERS.get()[0];
        if (p.transB) {
            packBT(p.b, p.bOff, p.ldb, pc, kc, jc, nc, bp, GATHER_INDEX.get()[0]);
        } else {
            packBN(p.b, p.bOff, p.ldb, pc, kc, jc, nc, bp);
        }
        System.arraycopy(bp, 0, p.data, p.offset(pi, ji), kc * paddedWidth(nc));
    }

    /** {@link #sgemm} with a prepared B: the same products and bits; B packed once for the small ones. */
    static void sgemm(boolean transA, int m, float alpha, float[] a, int aOff, int lda, Packed p,
                      float beta, float[] c, int cOff, int ldc, int threads) {
        int n = p.n;
        int k = p.k;
        if (m <= 0 || n <= 0) {
            return;
        }
        long mnk = (long) m * n * k;
        if (k <= 0 || alpha == 0f || mnk < DIRECT_MNK || m < 4 || (mnk >= PARALLEL_MNK && threads > 1)) {
            sgemm(transA, p.transB, m, n, k, alpha, a, aOff, lda, p.b, p.bOff, p.ldb, beta, c, cOff, ldc, threads);
            return;
        }
        ensurePacked(p);
        blocked(transA, p.transB, 0, m, 0, n, k, alpha, a, aOff, lda, p.b, p.bOff, p.ldb, p, beta, c, cOff, ldc);
    }

    /** C[i0:i1, j0:j1] on the calling thread. */
    private static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        blocked(transA, transB, i0, i1, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc);
    }

    /** With {@code pre} non-null, B's blocks come from it (then j0 must be 0 and j1 = n) instead of being packed. */
    private static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb, Packed pre,
                                float beta, float[] c, int cOff, int ldc) {
        float[][] buf = BUFFERS.get();
        float[] bp = buf[0];
        float[] ap = buf[1];
        float[] tile = buf[2];
        int[][] gi = GATHER_INDEX.get();
        int[] idx = gi[0];
        int[] idxA = gi[1];
        int kb = kBlock(k);
        for (int pc = 0; pc < k; pc += kb) {
            int kc = Math.min(kb, k - pc);
            boolean first = pc == 0;
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                float[] bArr;
                int bBase;
                if (pre != null) {
                    bArr = pre.data;
                    bBase = pre.offset(pc / kb, jc / NC);
                } else {
                    bArr = bp;
                    bBase = 0;
                    if (transB) {
                        packBT(b, bOff, ldb, pc, kc, jc, nc, bp, idx);
                    } else {
                        packBN(b, bOff, ldb, pc, kc, jc, nc, bp);
                    }
                }
                if (nc <= L) {
                    // One narrow panel (n <= L, e.g. a classifier layer): packing A would cost as
                    // much as the products, so the kernel reads A where it lies.
                    int step = transA ? lda : 1;
                    for (int ir = i0; ir < i1; ir += MR) {
                        int rows = Math.min(MR, i1 - ir);
                        int base = transA ? aOff + pc * lda + ir : aOff + ir * lda + pc;
                        int rowStep = transA ? 1 : lda;
                        kernel8x1(kc, a, base, rowStep, step, rows, bArr, bBase, tile);
                        merge(tile, L, rows, nc, c, cOff + ir * ldc + jc, ldc, alpha, beta, first);
                    }
                    continue;
                }
                for (int ir = i0; ir < i1; ir += MR) {
                    int rows = Math.min(MR, i1 - ir);
                    if (transA) {
                        packAT(a, aOff, lda, pc, kc, ir, rows, ap);
                    } else {
                        packAN(a, aOff, lda, pc, kc, ir, rows, ap, idxA);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int w = Math.min(NR, nc - jr);
                        int panel = jr * kc; // panels before this one are all NR wide
                        int cIdx = cOff + ir * ldc + jc + jr;
                        if (w <= L) {
                            kernel8x1(kc, ap, bArr, bBase + panel, tile);
                            merge(tile, L, rows, w, c, cIdx, ldc, alpha, beta, first);
                        } else {
                            kernel8x2(kc, ap, bArr, bBase + panel, tile);
                            merge(tile, NR, rows, w, c, cIdx, ldc, alpha, beta, first);
                        }
                    }
                }
            }
        }
    }

    /** B not transposed (k x n, row stride ldb): panels of NR columns, p-major; last panel L wide if it fits. */
    private static void packBN(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        int full = nc / NR * NR;
        int dst = 0;
        for (int jr = 0; jr < full; jr += NR) {
            int src = bOff + pc * ldb + jc + jr;
            for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
            }
        }
        int w = nc - full;
        if (w > 0) {
            int width = w <= L ? L : NR;
            int src = bOff + pc * ldb + jc + full;
            for (int p = 0; p < kc; p++, src += ldb, dst += width) {
                for (int j = 0; j < w; j++) {
                    bp[dst + j] = b[src + j];
                }
                for (int j = w; j < width; j++) {
                    bp[dst + j] = 0f;
                }
            }
        }
    }

    /** B transposed (stored n x k, row stride ldb): op(B)[p][j] = b[j*ldb + p]. */
    private static void packBT(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp, int[] idx) {
        int full = nc / NR * NR;
        int dst = 0;
        // Full panels: one gather per vector of columns (a column of op(B) is a strided row of b).
        for (int i = 0; i < L; i++) {
            idx[i] = i * ldb;
        }
        for (int jr = 0; jr < full; jr += NR) {
            int src0 = bOff + (jc + jr) * ldb + pc;
            int src1 = src0 + L * ldb;
            for (int p = 0; p < kc; p++, dst += NR) {
                FloatVector.fromArray(S, b, src0 + p, idx, 0).intoArray(bp, dst);
                FloatVector.fromArray(S, b, src1 + p, idx, 0).intoArray(bp, dst + L);
            }
        }
        int w = nc - full;
        if (w > 0) {
            int width = w <= L ? L : NR;
            int rowBase = bOff + (jc + full) * ldb + pc;
            for (int p0 = 0; p0 < kc; p0 += 16) {
                int p1 = Math.min(kc, p0 + 16);
                for (int j = 0; j < w; j++) {
                    int src = rowBase + j * ldb;
                    for (int p = p0; p < p1; p++) {
                        bp[dst + p * width + j] = b[src + p];
                    }
                }
                for (int j = w; j < width; j++) {
                    for (int p = p0; p < p1; p++) {
                        bp[dst + p * width + j] = 0f;
                    }
                }
            }
        }
    }

    /** A not transposed (m x k): micro-panel ap[p*MR + r] = A[ir + r][pc + p], zero rows past m. */
    private static void packAN(float[] a, int aOff, int lda, int pc, int kc, int ir, int rows, float[] ap, int[] idx) {
        int p = 0;
        if (rows == MR && L % MR == 0) {
            // One gather fills L / MR consecutive k steps of the micro-panel.
            int step = L / MR;
            for (int l = 0; l < L; l++) {
                idx[l] = (l % MR) * lda + l / MR;
            }
            int src = aOff + ir * lda + pc;
            for (; p + step <= kc; p += step) {
                FloatVector.fromArray(S, a, src + p, idx, 0).intoArray(ap, p * MR);
            }
        }
        for (int r = 0; r < rows; r++) {
            int src = aOff + (ir + r) * lda + pc;
            for (int q = p; q < kc; q++) {
                ap[q * MR + r] = a[src + q];
            }
        }
        for (int r = rows; r < MR; r++) {
            for (int q = p; q < kc; q++) {
                ap[q * MR + r] = 0f;
            }
        }
    }

    /** A transposed (stored k x m): ap[p*MR + r] = a[(pc + p)*lda + ir + r]. */
    private static void packAT(float[] a, int aOff, int lda, int pc, int kc, int ir, int rows, float[] ap) {
        int src = aOff + pc * lda + ir;
        if (rows == MR) {
            for (int p = 0; p < kc; p++, src += lda) {
                int d = p * MR;
                ap[d] = a[src];
                ap[d + 1] = a[src + 1];
                ap[d + 2] = a[src + 2];
                ap[d + 3] = a[src + 3];
                ap[d + 4] = a[src + 4];
                ap[d + 5] = a[src + 5];
                ap[d + 6] = a[src + 6];
                ap[d + 7] = a[src + 7];
            }
        } else {
            for (int p = 0; p < kc; p++, src += lda) {
                int d = p * MR;
                for (int r = 0; r < rows; r++) {
                    ap[d + r] = a[src + r];
                }
                for (int r = rows; r < MR; r++) {
                    ap[d + r] = 0f;
                }
            }
        }
    }

    /**
     * tile[r*NR + j] = sum_p ap[p*MR + r] * bp[panel + p*NR + j], fused, p increasing.
     *
     * <p>Keep this method small. A version that also folded the tile into C (three store
     * variants, 1740 bytecodes) made C1's tier-3 compile fail ("out of virtual registers in linear
     * scan"); in some runs (JMH forks) it then stayed in C1 code, where Vector API calls are not
     * intrinsified: about 100x slower. Storing to a tile and merging separately costs ~1%.
     */
    private static void kernel8x2(int kc, float[] ap, float[] bp, int panel, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        int bi = panel;
        int ai = 0;
        for (int p = 0; p < kc; p++, bi += NR, ai += MR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * Like {@link #kernel8x1(int, float[], float[], int, float[])} with A read in place (B from bp0): row r,
     * step p at a[base + r * rowStep + p * step]. Rows past {@code rows} repeat the last row (their
     * results are not stored), so nothing outside A is read. Same operations as the packed kernel.
     */
    private static void kernel8x1(int kc, float[] a, int base, int rowStep, int step, int rows, float[] bp, int bp0,
                                  float[] tile) {
        int a0 = base;
        int a1 = base + Math.min(1, rows - 1) * rowStep;
        int a2 = base + Math.min(2, rows - 1) * rowStep;
        int a3 = base + Math.min(3, rows - 1) * rowStep;
        int a4 = base + Math.min(4, rows - 1) * rowStep;
        int a5 = base + Math.min(5, rows - 1) * rowStep;
        int a6 = base + Math.min(6, rows - 1) * rowStep;
        int a7 = base + Math.min(7, rows - 1) * rowStep;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int bi = bp0;
        int o = 0;
        for (int p = 0; p < kc; p++, bi += L, o += step) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, a[a0 + o]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + o]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + o]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + o]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + o]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + o]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + o]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + o]).fma(b0, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    /** Like {@link #kernel8x2} for a panel one vector wide (stride L); tile row stride L. */
    private static void kernel8x1(int kc, float[] ap, float[] bp, int panel, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int bi = panel;
        int ai = 0;
        for (int p = 0; p < kc; p++, bi += L, ai += MR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, ap[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[ai + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, ap[ai + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, ap[ai + 5]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, ap[ai + 6]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, ap[ai + 7]).fma(b0, c7);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    /**
     * Folds a tile of k-block sums into C. First block: c = alpha*acc (beta = 0) or
     * fma(alpha, acc, beta*c); later blocks: c = fma(alpha, acc, c). Vector and scalar paths give
     * the same bits (both fused, both rounded once).
     */
    private static void merge(float[] tile, int stride, int rows, int w, float[] c, int cIdx, int ldc,
                              float alpha, float beta, boolean first) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int wv = w / L * L;
        for (int r = 0; r < rows; r++, cIdx += ldc) {
            int t = r * stride;
            if (first && beta == 0f) {
                for (int j = 0; j < wv; j += L) {
                    FloatVector.fromArray(S, tile, t + j).mul(va).intoArray(c, cIdx + j);
                }
                for (int j = wv; j < w; j++) {
                    c[cIdx + j] = tile[t + j] * alpha;
                }
            } else if (first && beta != 1f) {
                for (int j = 0; j < wv; j += L) {
                    FloatVector cv = FloatVector.fromArray(S, c, cIdx + j).mul(beta);
                    FloatVector.fromArray(S, tile, t + j).fma(va, cv).intoArray(c, cIdx + j);
                }
                for (int j = wv; j < w; j++) {
                    c[cIdx + j] = Math.fma(tile[t + j], alpha, c[cIdx + j] * beta);
                }
            } else {
                for (int j = 0; j < wv; j += L) {
                    FloatVector cv = FloatVector.fromArray(S, c, cIdx + j);
                    FloatVector.fromArray(S, tile, t + j).fma(va, cv).intoArray(c, cIdx + j);
                }
                for (int j = wv; j < w; j++) {
                    c[cIdx + j] = Math.fma(tile[t + j], alpha, c[cIdx + j]);
                }
            }
        }
    }

    /**
     * Unpacked loops for tiny or skinny problems (m < 4 or m*n*k small): no buffers, no threads.
     * Each element is one fused chain in increasing k, scaled like {@link #merge} (first block).
     */
    static void direct(boolean transA, boolean transB, int m, int n, int k, float alpha,
                       float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        if (transA && transB) {
            // op(A) rows are strided: copy each into a contiguous row and use the dot-product loop.
            float[] row = new float[k];
            for (int i = 0; i < m; i++) {
                for (int p = 0, ai = aOff + i; p < k; p++, ai += lda) {
                    row[p] = a[ai];
                }
                direct(false, true, 1, n, k, alpha, row, 0, k, b, bOff, ldb, beta, c, cOff + i * ldc, ldc);
            }
            return;
        }
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        if (!transB) {
            int nv = n / L * L;
            FloatVector va = FloatVector.broadcast(S, alpha);
            for (int i = 0; i < m; i++) {
                int ai0 = aOff + i * aRow;
                int ci = cOff + i * ldc;
                for (int j = 0; j < nv; j += L) {
                    FloatVector acc = FloatVector.zero(S);
                    int bi = bOff + j;
                    int ai = ai0;
                    for (int p = 0; p < k; p++, bi += ldb, ai += aCol) {
                        acc = FloatVector.broadcast(S, a[ai]).fma(FloatVector.fromArray(S, b, bi), acc);
                    }
                    FloatVector r;
                    if (beta == 0f) {
                        r = acc.mul(va);
                    } else {
                        r = acc.fma(va, FloatVector.fromArray(S, c, ci + j).mul(beta));
                    }
                    r.intoArray(c, ci + j);
                }
                for (int j = nv; j < n; j++) {
                    float acc = 0f;
                    int bi = bOff + j;
                    int ai = ai0;
                    for (int p = 0; p < k; p++, bi += ldb, ai += aCol) {
                        acc = Math.fma(a[ai], b[bi], acc);
                    }
                    c[ci + j] = beta == 0f ? acc * alpha : Math.fma(acc, alpha, c[ci + j] * beta);
                }
            }
        } else {
            // Rows of A and B are both contiguous in k: vector dot products, four columns at a time.
            int kv = k / L * L;
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                int ci = cOff + i * ldc;
                int j = 0;
                for (; j + 4 <= n; j += 4) {
                    int b0 = bOff + j * ldb;
                    int b1 = b0 + ldb;
                    int b2 = b1 + ldb;
                    int b3 = b2 + ldb;
                    FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                    for (int p = 0; p < kv; p += L) {
                        FloatVector av = FloatVector.fromArray(S, a, ai + p);
                        s0 = av.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                        s1 = av.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                        s2 = av.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                        s3 = av.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                    }
                    float d0 = s0.reduceLanes(VectorOperators.ADD);
                    float d1 = s1.reduceLanes(VectorOperators.ADD);
                    float d2 = s2.reduceLanes(VectorOperators.ADD);
                    float d3 = s3.reduceLanes(VectorOperators.ADD);
                    for (int p = kv; p < k; p++) {
                        float av = a[ai + p];
                        d0 = Math.fma(av, b[b0 + p], d0);
                        d1 = Math.fma(av, b[b1 + p], d1);
                        d2 = Math.fma(av, b[b2 + p], d2);
                        d3 = Math.fma(av, b[b3 + p], d3);
                    }
                    c[ci + j] = beta == 0f ? d0 * alpha : Math.fma(d0, alpha, c[ci + j] * beta);
                    c[ci + j + 1] = beta == 0f ? d1 * alpha : Math.fma(d1, alpha, c[ci + j + 1] * beta);
                    c[ci + j + 2] = beta == 0f ? d2 * alpha : Math.fma(d2, alpha, c[ci + j + 2] * beta);
                    c[ci + j + 3] = beta == 0f ? d3 * alpha : Math.fma(d3, alpha, c[ci + j + 3] * beta);
                }
                for (; j < n; j++) {
                    int b0 = bOff + j * ldb;
                    FloatVector s0 = FloatVector.zero(S);
                    for (int p = 0; p < kv; p += L) {
                        s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, b0 + p), s0);
                    }
                    float d0 = s0.reduceLanes(VectorOperators.ADD);
                    for (int p = kv; p < k; p++) {
                        d0 = Math.fma(a[ai + p], b[b0 + p], d0);
                    }
                    c[ci + j] = beta == 0f ? d0 * alpha : Math.fma(d0, alpha, c[ci + j] * beta);
                }
            }
        }
    }
}
