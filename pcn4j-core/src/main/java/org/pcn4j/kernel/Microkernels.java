package org.pcn4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked FMA microkernels of {@link VectorGemm}, one method per shape (see
 * {@link GemmShape} for which runs where). Each sums one k block into a tile, every element a
 * single fused chain in increasing k from zero, so all shapes give the same bits.
 *
 * <p>Keep each method small and straight-line. A version that also folded the tile into C (three
 * store variants, 1740 bytecodes) made C1's tier-3 compile fail ("out of virtual registers in
 * linear scan"); in some runs (JMH forks) it then stayed in C1 code, where Vector API calls are not
 * intrinsified: about 100x slower. Storing to a tile and merging separately costs ~1%.
 *
 * <p>The packed kernels count their loop on the A index ({@code ai < MR * kc}, step MR), not on a
 * separate step counter: with a third induction variable, C2 (JDK 17 and 25) rebuilt ai from the
 * counter every step (two shifts, two adds, three moves) and re-checked both B loads, 45
 * instructions per 12 FMAs in the 6 x 2L loop against 30 this way. On a real Zen 3 (AVX2, issue
 * 12) that took the L1-resident 6 x 2L kernel's median from 51 to 67 GFLOP/s on JDK 17, and let
 * JDK 25 keep the plain loop in registers (41 -> 88; it spilled the old form).
 *
 * <p>This file is generated-looking on purpose (one unrolled method per shape): the Vector API has
 * no register arrays, and a loop over accumulators would keep them in memory.
 *
 * <p>Over 400 lines: one straight-line method per shape and A layout (packed, in place), which
 * must stay separate methods for C2 to keep each one's accumulators in registers.
 */
final class Microkernels {
    static final VectorSpecies<Float> S = VectorGemm.S;
    static final int L = VectorGemm.L;
    static final int NR = VectorGemm.NR;

    private Microkernels() {}

    /** tile[r*NR + j] = sum_p ap[p*8 + r] * bp[panel + p*NR + j], r < 8: 16 accumulators, 19 registers live. */
    static void kernel8x2(int kc, float[] ap, float[] bp, int panel, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int bi = panel;
        for (int ai = 0, end = 8 * kc; ai < end; ai += 8, bi += NR) {
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
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
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

    /** tile[r*NR + j] = sum_p ap[p*6 + r] * bp[panel + p*NR + j], r < 6: 12 accumulators, 15 registers live. */
    static void kernel6x2(int kc, float[] ap, float[] bp, int panel, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        int bi = panel;
        for (int ai = 0, end = 6 * kc; ai < end; ai += 6, bi += NR) {
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
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /**
     * {@link #kernel6x2} with the k loop unrolled by two by hand (same operations in the same order,
     * so the same bits). JDK 25's C2 spills the plain loop's accumulators on 16 ymm registers (about
     * 48 GFLOP/s in L1 on emulated AVX2) but keeps this form in registers (107-116, the FMA peak);
     * JDK 17's C2 does the opposite (plain 98-113, this form 45). {@link GemmShape} picks per JDK.
     * Fragile, measured on JDK 25 (L1-resident, emulated AVX2): this exact form (pairs while
     * p + 2 <= kc, then a one-step loop) runs at 107-116 as long as the one-step loop never runs;
     * once it has run, C2 recompiles with it and spills (73). Written as {@code p < kc; p += 2}
     * without the second loop it spilled too (76). So callers pass even kc only (odd k blocks run
     * {@link #kernel6x2}); the second loop only keeps the method correct for any kc.
     */
    static void kernel6x2u(int kc, float[] ap, float[] bp, int panel, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        int bi = panel;
        int ai = 0;
        int p = 0;
        for (; p + 2 <= kc; p += 2, bi += 2 * NR, ai += 12) {
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
            b0 = FloatVector.fromArray(S, bp, bi + NR);
            b1 = FloatVector.fromArray(S, bp, bi + NR + L);
            av = FloatVector.broadcast(S, ap[ai + 6]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 7]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 8]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 9]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 10]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 11]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        // Never runs (odd kc goes to kernel6x2); the loop form with it is the one JDK 25 keeps in registers.
        for (; p < kc; p++, bi += NR, ai += 6) {
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
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /** tile[r*NR + j] = sum_p ap[p*5 + r] * bp[panel + p*NR + j], r < 5: 10 accumulators, 13 registers live. */
    static void kernel5x2(int kc, float[] ap, float[] bp, int panel, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z;
        int bi = panel;
        for (int ai = 0, end = 5 * kc; ai < end; ai += 5, bi += NR) {
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
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
    }

    /** tile[r*NR + j] = sum_p ap[p*4 + r] * bp[panel + p*NR + j], r < 4: 8 accumulators, 11 registers live. */
    static void kernel4x2(int kc, float[] ap, float[] bp, int panel, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        int bi = panel;
        for (int ai = 0, end = 4 * kc; ai < end; ai += 4, bi += NR) {
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
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /**
     * One-vector panel (stride L): tile[tileOff + r*L + j] = sum_p ap[aOff + p*aStride + r] * bp[panel + p*L + j],
     * r < 8. Rows past the micro-panel's MR read the next k step's values; their sums are never stored.
     */
    static void kernel8x1(int kc, float[] ap, int aOff, int aStride, float[] bp, int panel, float[] tile, int tileOff) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int bi = panel;
        int ai = aOff;
        for (int p = 0; p < kc; p++, bi += L, ai += aStride) {
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
        c0.intoArray(tile, tileOff + 0 * L);
        c1.intoArray(tile, tileOff + 1 * L);
        c2.intoArray(tile, tileOff + 2 * L);
        c3.intoArray(tile, tileOff + 3 * L);
        c4.intoArray(tile, tileOff + 4 * L);
        c5.intoArray(tile, tileOff + 5 * L);
        c6.intoArray(tile, tileOff + 6 * L);
        c7.intoArray(tile, tileOff + 7 * L);
    }

    /**
     * One-vector panel (stride L): tile[tileOff + r*L + j] = sum_p ap[aOff + p*aStride + r] * bp[panel + p*L + j],
     * r < 4. Rows past the micro-panel's MR read the next k step's values; their sums are never stored.
     */
    static void kernel4x1(int kc, float[] ap, int aOff, int aStride, float[] bp, int panel, float[] tile, int tileOff) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int bi = panel;
        int ai = aOff;
        for (int p = 0; p < kc; p++, bi += L, ai += aStride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, ap[ai]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[ai + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[ai + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[ai + 3]).fma(b0, c3);
        }
        c0.intoArray(tile, tileOff + 0 * L);
        c1.intoArray(tile, tileOff + 1 * L);
        c2.intoArray(tile, tileOff + 2 * L);
        c3.intoArray(tile, tileOff + 3 * L);
    }

    /**
     * {@link #kernel8x2} with A read where it lies (row r, step p at a[base + r*rowStep + p*step],
     * r < 8; rows past {@code rows} repeat the last row and are not stored): no packed copy of A.
     * Same operations per element as the packed kernel, so the same bits.
     */
    static void kernelInPlace8x2(int kc, float[] a, int base, int rowStep, int step, int rows, float[] bp, int panel,
                                 float[] tile) {
        int a0 = base;
        int a1 = base + Math.min(1, rows - 1) * rowStep;
        int a2 = base + Math.min(2, rows - 1) * rowStep;
        int a3 = base + Math.min(3, rows - 1) * rowStep;
        int a4 = base + Math.min(4, rows - 1) * rowStep;
        int a5 = base + Math.min(5, rows - 1) * rowStep;
        int a6 = base + Math.min(6, rows - 1) * rowStep;
        int a7 = base + Math.min(7, rows - 1) * rowStep;
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        int bi = panel;
        int o = 0;
        for (int p = 0; p < kc; p++, bi += NR, o += step) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, a[a0 + o]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[a1 + o]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[a2 + o]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[a3 + o]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[a4 + o]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[a5 + o]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[a6 + o]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[a7 + o]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
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
     * Narrow panel with A read where it lies: row r, step p at a[base + r*rowStep + p*step], r < 8; rows
     * past {@code rows} repeat the last row (not stored), so nothing outside A is read. Tile stride L.
     */
    static void kernelInPlace8x1(int kc, float[] a, int base, int rowStep, int step, int rows, float[] bp, int bp0,
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
        c0.intoArray(tile, 0 * L);
        c1.intoArray(tile, 1 * L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
        c4.intoArray(tile, 4 * L);
        c5.intoArray(tile, 5 * L);
        c6.intoArray(tile, 6 * L);
        c7.intoArray(tile, 7 * L);
    }

    /**
     * Narrow panel with A read where it lies: row r, step p at a[base + r*rowStep + p*step], r < 4; rows
     * past {@code rows} repeat the last row (not stored), so nothing outside A is read. Tile stride L.
     */
    static void kernelInPlace4x1(int kc, float[] a, int base, int rowStep, int step, int rows, float[] bp, int bp0,
                                  float[] tile) {
        int a0 = base;
        int a1 = base + Math.min(1, rows - 1) * rowStep;
        int a2 = base + Math.min(2, rows - 1) * rowStep;
        int a3 = base + Math.min(3, rows - 1) * rowStep;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int bi = bp0;
        int o = 0;
        for (int p = 0; p < kc; p++, bi += L, o += step) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            c0 = FloatVector.broadcast(S, a[a0 + o]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + o]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + o]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + o]).fma(b0, c3);
        }
        c0.intoArray(tile, 0 * L);
        c1.intoArray(tile, 1 * L);
        c2.intoArray(tile, 2 * L);
        c3.intoArray(tile, 3 * L);
    }
}
