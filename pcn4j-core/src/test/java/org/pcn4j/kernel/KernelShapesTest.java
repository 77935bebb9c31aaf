package org.pcn4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The microkernel shapes: the selection table and its overrides, every shape against the
 * double-precision reference on odd sizes (tile, narrow-panel and block edges), the same bits
 * from every shape and thread count (plain and pre-packed B), the gather-free packing layouts,
 * and no allocation on a warm single-threaded product.
 */
class KernelShapesTest {
    static final String[] SHAPES = {"8x2", "6x2", "6x2u", "5x2", "4x2"};

    @Test
    void rowBlocksFollowTheL2Size() {
        assertEquals(2L << 20, GemmShape.cacheSize("2048K"));
        assertEquals(1L << 20, GemmShape.cacheSize("1M\n"));
        assertEquals(512L << 10, GemmShape.cacheSize(" 512k "));
        assertEquals(65536, GemmShape.cacheSize("65536"));
        for (String bad : new String[] {"", "K", "-1K", "2G", "x", null}) {
            assertEquals(0, GemmShape.cacheSize(bad), "'" + bad + "'");
        }
        assertEquals(128, GemmShape.rowBlock(0), "unknown L2");
        assertEquals(128, GemmShape.rowBlock(1L << 20), "Zen 4's 1 MiB");
        assertEquals(128, GemmShape.rowBlock(1280L << 10), "1.25 MiB");
        assertEquals(256, GemmShape.rowBlock(2L << 20), "2 MiB");
        assertEquals(VectorGemm.MC, GemmShape.rowBlock(GemmShape.l2Bytes()));
        assertTrue(new VectorKernels(1).gemmKernel().endsWith(", MC=" + VectorGemm.MC + ")"));
    }

    @Test
    void tablePicksTheShapeForWidthArchAndJdk() {
        assertEquals(8, GemmShape.table(512, "amd64", 17).mr);
        assertEquals(8, GemmShape.table(512, "amd64", 25).mr);
        assertEquals(8, GemmShape.table(512, "amd64", 17).narrowRows);
        assertEquals(6, GemmShape.table(256, "amd64", 17).mr, "AVX2, JDK 17: 6x2L does not spill");
        assertEquals("6x2", GemmShape.table(256, "amd64", 17).name());
        assertEquals("6x2", GemmShape.table(256, "amd64", 25).name(), "AVX2, JDK 25: counted on the A index, 6x2L does not spill");
        assertEquals("6x2", GemmShape.table(256, "amd64", 21).name());
        assertEquals("8x2", GemmShape.table(512, "amd64", 25).name());
        assertEquals(4, GemmShape.table(256, "amd64", 17).narrowRows);
        assertEquals(8, GemmShape.table(128, "aarch64", 17).mr, "NEON has 32 registers");
        assertEquals(6, GemmShape.table(128, "x86_64", 17).mr, "SSE: 16 registers");
        for (int bits : new int[] {128, 256, 512}) {
            for (int jdk : new int[] {17, 21, 25}) {
                GemmShape s = GemmShape.table(bits, "amd64", jdk);
                assertTrue(GemmShape.registersNeeded(s.mr) <= s.registers, "table shape spills: " + bits + " " + jdk);
                assertTrue(s.narrowRows + 2 <= s.registers);
            }
        }
    }

    @Test
    void overridesAndBadValuesWarnOnceAndFallBack() {
        List<String> warnings = new ArrayList<>();
        assertEquals(6, GemmShape.choose(null, 256, "amd64", 17, warnings::add).mr);
        assertEquals(6, GemmShape.choose(" auto ", 256, "amd64", 17, warnings::add).mr);
        assertEquals(4, GemmShape.choose("4x2", 256, "amd64", 17, warnings::add).mr);
        assertEquals(5, GemmShape.choose(" 5X2L ", 512, "amd64", 17, warnings::add).mr);
        assertEquals("6x2u", GemmShape.choose("6x2U", 256, "amd64", 17, warnings::add).name());
        assertEquals("6x2", GemmShape.choose("6x2", 256, "amd64", 25, warnings::add).name());
        assertEquals(List.of(), warnings);

        assertEquals(8, GemmShape.choose("16x4", 512, "amd64", 17, warnings::add).mr);
        assertEquals(1, warnings.size());
        assertEquals("pcn4j: warning: unknown gemm kernel '16x4' in pcn4j.gemm.kernel/PCN4J_GEMM_KERNEL"
                + " (expected auto, 8x2, 6x2, 6x2u, 5x2 or 4x2); using 8x2", warnings.get(0));

        warnings.clear();
        assertEquals(6, GemmShape.choose("8x2", 256, "amd64", 25, warnings::add).mr, "8x2 would spill on 16 registers");
        assertEquals(List.of("pcn4j: warning: gemm kernel 8x2 needs 19 vector registers, this CPU has 16; using 6x2"), warnings);

        assertThrows(IllegalArgumentException.class, () -> new VectorKernels(1, "7x3"));
    }

    @Test
    void unknownBackendWarnsAndFallsBack() {
        String old = System.getProperty("pcn4j.kernels");
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        try {
            System.setErr(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setProperty("pcn4j.kernels", "gpu");
            assertTrue(Backends.choose() instanceof VectorKernels);
        } finally {
            System.setErr(err);
            if (old == null) {
                System.clearProperty("pcn4j.kernels");
            } else {
                System.setProperty("pcn4j.kernels", old);
            }
        }
        assertEquals("pcn4j: warning: unknown kernels 'gpu' in pcn4j.kernels/PCN4J_KERNELS (expected scalar, vector or auto);"
                + " using auto", buf.toString(java.nio.charset.StandardCharsets.UTF_8).trim());
    }

    /** Odd sizes that cross tile rows (MR = 4, 5, 6, 8), narrow and two-vector panels, k, row and column blocks. */
    @Test
    void everyShapeMatchesTheReference() {
        int l = VectorKernels.lanes();
        int[][] sizes = {{13, 2 * l + 3, 37}, {29, l - 3, 301}, {7, 3 * l + l / 2, 19}, {31, 5, 260}, {11, 513, 9},
            {23, 2 * l, 513}, {4, l + 1, 64},
            // more rows than a row block (MC = 128), two column blocks (NC = 512), two k blocks: the strip path
            {133, 520, 300}};
        for (String shape : SHAPES) {
            for (int threads : new int[] {1, 2}) {
                Kernels kern = new VectorKernels(threads, shape);
                SplittableRandom rng = new SplittableRandom(5);
                for (int[] s : sizes) {
                    for (int t = 0; t < 4; t++) {
                        GemmTest.check(kern, (t & 2) != 0, (t & 1) != 0, s[0], s[1], s[2], 0.7f, t == 1 ? 0f : 0.4f,
                                t, t % 2, 3 * (t % 2), t % 3, rng);
                    }
                }
            }
        }
    }

    /** Sub-blocks are whole panels, at most nc wide, and hold no more of B than SUB_B_BYTES unless they are the block. */
    @Test
    void subBlocksArePanelsThatFitHalfOfL2() {
        for (int kc : new int[] {1, 16, 64, 150, 196, 250, 256}) {
            for (int nc : new int[] {VectorGemm.NR, 100, 300, VectorGemm.NC}) {
                int sub = VectorGemm.subBlock(kc, nc);
                assertTrue(sub == nc || (sub % VectorGemm.NR == 0 && sub < nc && 4L * kc * sub <= VectorGemm.SUB_B_BYTES),
                        "kc=" + kc + " nc=" + nc + " sub=" + sub);
            }
        }
        if (VectorGemm.SUB_B_BYTES == 256 << 10 && VectorGemm.NR == 16) {
            assertEquals(256, VectorGemm.subBlock(250, VectorGemm.NC)); // 64 x 1000 x 1000 on a 512 KiB L2
        }
    }

    /** Every shape, 1-3 threads, plain and pre-packed B: the same bits (shapes differ only in tiling). */
    @Test
    void shapesThreadsAndPackingGiveTheSameBits() {
        int[][] sizes = {{64, 128, 784}, {256, 300, 200}, {300, 20, 500}, {129, 1025, 33}, {64, 10, 1000}, {37, 700, 61},
            // at 2-3 threads these share one packed B (VectorGemm.SHARE_MIN): m*k and k*n >= 2^16
            {256, 300, 300}, {160, 520, 420},
            // a batch of 64 rows against two column blocks whose k blocks exceed half a 512 KiB L2: sub-blocks
            {64, 600, 300}};
        SplittableRandom rng = new SplittableRandom(77);
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 2) != 0, tb = (t & 1) != 0;
                float[] a = GemmTest.random(rng, m * k);
                float[] b = GemmTest.random(rng, k * n);
                float[] c0 = GemmTest.random(rng, m * n);
                float[] ref = null;
                for (String shape : SHAPES) {
                    for (int threads = 1; threads <= 3; threads++) {
                        VectorKernels kern = new VectorKernels(threads, shape);
                        for (int packed = 0; packed < 2; packed++) {
                            float[] c = c0.clone();
                            if (packed == 0) {
                                kern.sgemm(ta, tb, m, n, k, 0.7f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0.4f, c, 0, n);
                            } else {
                                Kernels.PackedMatrix p = kern.pack(tb, k, n, b, 0, tb ? k : n, null);
                                kern.sgemm(ta, m, 0.7f, a, 0, ta ? m : k, p, 0.4f, c, 0, n);
                            }
                            if (ref == null) {
                                ref = c;
                                continue;
                            }
                            for (int i = 0; i < c.length; i++) {
                                if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(ref[i])) {
                                    fail(shape + " threads=" + threads + " packed=" + packed + " differs at " + i
                                            + " for " + m + "x" + n + "x" + k + " t=" + t);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Narrow products (n < 2L, m >= 2L) that run transposed (C^T = op(B)^T op(A)^T, vectors along m)
     * give the bits of the untransposed product, in all four layouts, with beta 0, 1 and other, on
     * every shape and thread count; and they match the double-precision reference.
     */
    @Test
    void transposedNarrowProductsKeepTheBits() {
        int l = VectorGemm.L, nr = VectorGemm.NR;
        int[][] sizes = {{64, 10, 256}, {128, 10, 64}, {nr, 1, 1100}, {77, 3, 300}, {64, 5, 700}, {40, l + 3, 53},
            {600, 10, 70}, {64, l, 128}, {nr + 3, nr - 1, 70}};
        SplittableRandom rng = new SplittableRandom(21);
        int transposed = 0;
        for (int[] s : sizes) {
            int m = s[0], n = s[1], k = s[2];
            // Smaller products take the unblocked loops (other bits), not the path under test.
            assertTrue((long) m * n * k >= VectorGemm.DIRECT_MNK, m + "x" + n + "x" + k);
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 2) != 0, tb = (t & 1) != 0;
                float[] a = GemmTest.random(rng, m * k);
                float[] b = GemmTest.random(rng, k * n);
                float[] c0 = GemmTest.random(rng, m * n);
                for (float beta : new float[] {0f, 1f, 0.4f}) {
                    float[] want = c0.clone();
                    GemmShape base = GemmShape.named("8x2", VectorGemm.S.vectorBitSize(), "amd64");
                    VectorGemm.product(base, ta, tb, m, n, k, 0.7f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, want, 0, n,
                            1, false);
                    if (VectorGemm.transposeNarrow(base, ta, m, n)) {
                        transposed++;
                    }
                    for (String shape : SHAPES) {
                        for (int threads = 1; threads <= 2; threads++) {
                            VectorKernels kern = new VectorKernels(threads, shape);
                            for (int packed = 0; packed < 2; packed++) {
                                float[] c = c0.clone();
                                if (packed == 0) {
                                    kern.sgemm(ta, tb, m, n, k, 0.7f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c, 0, n);
                                } else {
                                    kern.sgemm(ta, m, 0.7f, a, 0, ta ? m : k, kern.pack(tb, k, n, b, 0, tb ? k : n, null),
                                            beta, c, 0, n);
                                }
                                for (int i = 0; i < c.length; i++) {
                                    if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(want[i])) {
                                        fail(shape + " threads=" + threads + " packed=" + packed + " beta=" + beta
                                                + " differs at " + i + " for " + m + "x" + n + "x" + k + " t=" + t);
                                    }
                                }
                            }
                        }
                    }
                }
                GemmTest.check(new VectorKernels(1), ta, tb, m, n, k, 0.7f, 0.4f, t, t % 2, 3 * (t % 2), t % 3, rng);
            }
        }
        assertTrue(transposed > 0, "no size took the transposed path");
    }

    @Test
    void rowsForSmallProducts() {
        GemmShape avx512 = GemmShape.table(512, "amd64", 17);
        assertEquals(5, avx512.rowsFor(10), "10 rows: two 5-row micro-panels, not 16 rows of 8");
        assertEquals(8, avx512.rowsFor(100), "104 rows of 8 is close enough to 100");
        assertEquals(8, avx512.rowsFor(64));
        assertEquals(6, avx512.rowsFor(12));
        assertEquals(4, avx512.rowsFor(3));
        GemmShape avx2 = GemmShape.table(256, "amd64", 25);
        assertEquals(5, avx2.rowsFor(10));
        assertEquals(4, avx2.rowsFor(8), "never more rows than the table's shape");
        assertEquals(6, avx2.rowsFor(6));
        assertEquals(5, avx2.withRows(5).mr);
        GemmShape forced = GemmShape.choose("6x2u", 256, "amd64", 25, w -> { });
        assertTrue(forced.withRows(6).pairK && !forced.withRows(5).pairK, "6 rows keep the forced unrolled form; it exists for 6 only");
        assertTrue(avx512.withRows(5) == avx512.withRows(5), "derived shapes are made once");
    }

    /** packBT's straight-line copies (rows of b in L2) and its loop form (rows beyond) give one layout. */
    @Test
    void transposedPackingIsTheSameOnBothPaths() {
        int nr = VectorGemm.NR;
        int nc = 2 * nr + 3;
        int pc = 5;
        int kc = 3 * 16 + 7; // full TB pieces and a remainder
        for (long span : new long[] {VectorGemm.PACK_T_RESIDENT / 4, 2 * VectorGemm.PACK_T_RESIDENT}) {
            int ld = (int) (span / nc) + 1;
            assertEquals(span <= VectorGemm.PACK_T_RESIDENT, (long) nc * ld <= VectorGemm.PACK_T_RESIDENT);
            float[] src = GemmTest.random(new SplittableRandom(ld), nc * ld);
            int widthLast = nc - 2 * nr <= VectorGemm.L ? VectorGemm.L : nr;
            float[] bt = new float[kc * (2 * nr + widthLast)];
            java.util.Arrays.fill(bt, Float.NaN);
            VectorGemm.packBT(src, 0, ld, pc, kc, 0, nc, bt, 0);
            for (int j = 0; j < 2 * nr + widthLast; j++) {
                int panel = j / nr * nr;
                int width = panel + nr <= nc ? nr : widthLast;
                for (int p = 0; p < kc; p++) {
                    float want = j < nc ? src[j * ld + pc + p] : 0f;
                    assertEquals(want, bt[panel * kc + p * width + (j - panel)], "span " + span + " p=" + p + " j=" + j);
                }
            }
        }
    }

    @Test
    void packingLayouts() {
        int l = VectorGemm.L, nr = VectorGemm.NR;
        SplittableRandom rng = new SplittableRandom(9);
        int rows = 40, cols = 3 * nr + 5, ld = cols + 3;
        float[] src = GemmTest.random(rng, rows * ld + 7);
        int off = 7, pc = 3, kc = 29, jc = 2, nc = 2 * nr + l / 2; // last panel narrower than L: padded to L
        // op(B) = src (k x n): panel jr, step p, column j at dst[jr*kc + p*width + j]
        float[] bn = new float[kc * (2 * nr + l)];
        VectorGemm.packBN(src, off, ld, pc, kc, jc, nc, bn, 0);
        // op(B) = src^T: op(B)[p][j] = src[j*ld + p]
        float[] bt = new float[kc * (2 * nr + l)];
        VectorGemm.packBT(src, off, ld, pc, kc, jc, Math.min(nc, rows - jc), bt, 0);
        int ncT = Math.min(nc, rows - jc);
        for (int j = 0; j < 2 * nr + l; j++) {
            int panel = j / nr * nr;
            int width = panel + nr <= nc ? nr : l;
            for (int p = 0; p < kc; p++) {
                int d = panel * kc + p * width + (j - panel);
                float want = j < nc ? src[off + (pc + p) * ld + jc + j] : 0f;
                assertEquals(want, bn[d], "packBN p=" + p + " j=" + j);
                int widthT = panel + nr <= ncT ? nr : (ncT - panel <= l ? l : nr);
                if (j - panel < widthT) {
                    float wantT = j < ncT ? src[off + (jc + j) * ld + pc + p] : 0f;
                    assertEquals(wantT, bt[panel * kc + p * widthT + (j - panel)], "packBT p=" + p + " j=" + j);
                }
            }
        }
        for (int mr : new int[] {8, 6, 5, 4}) {
            for (int r0 : new int[] {mr, mr - 1, 1}) {
                float[] an = new float[kc * mr];
                float[] at = new float[kc * mr];
                java.util.Arrays.fill(an, Float.NaN);
                java.util.Arrays.fill(at, Float.NaN);
                int ir = 5;
                VectorGemm.packAN(src, off, ld, pc, kc, ir, r0, mr, an);
                VectorGemm.packAT(src, off, ld, pc, kc, ir, r0, mr, at);
                for (int p = 0; p < kc; p++) {
                    for (int r = 0; r < mr; r++) {
                        assertEquals(r < r0 ? src[off + (ir + r) * ld + pc + p] : 0f, an[p * mr + r], "packAN mr=" + mr);
                        assertEquals(r < r0 ? src[off + (pc + p) * ld + ir + r] : 0f, at[p * mr + r], "packAT mr=" + mr);
                    }
                }
            }
        }
    }

    /**
     * A warm single-threaded product (plain and pre-packed, all four transposes) allocates nothing:
     * buffers are per thread and no gather index or shuffle is built per call. The JIT may still
     * be compiling after the first rounds (interpreted Vector API code boxes vectors), so the check
     * is: some round of 50 calls, after warm-up, allocates zero bytes.
     */
    @Test
    void warmProductsDoNotAllocate() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        if (!(mx instanceof com.sun.management.ThreadMXBean)) {
            return; // not measurable on this JVM
        }
        com.sun.management.ThreadMXBean tmx = (com.sun.management.ThreadMXBean) mx;
        long me = Thread.currentThread().getId();
        // 32x80x300, and a narrow 64x10x300 (computed transposed in some layouts)
        for (int[] s : new int[][] {{32, 80, 300}, {64, 10, 300}}) {
        int m = s[0], n = s[1], k = s[2];
        SplittableRandom rng = new SplittableRandom(1);
        float[] a = GemmTest.random(rng, m * k), b = GemmTest.random(rng, k * n), c = new float[m * n];
        VectorKernels kern = new VectorKernels(1);
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 2) != 0, tb = (t & 1) != 0;
            Kernels.PackedMatrix p = kern.pack(tb, k, n, b, 0, tb ? k : n, null);
            long least = Long.MAX_VALUE;
            for (int round = 0; round < 60 && least > 0; round++) {
                long before = tmx.getThreadAllocatedBytes(me);
                for (int i = 0; i < 50; i++) {
                    kern.sgemm(ta, tb, m, n, k, 1f, a, 0, ta ? m : k, b, 0, tb ? k : n, 0f, c, 0, n);
                    kern.sgemm(ta, m, 1f, a, 0, ta ? m : k, p, 0f, c, 0, n);
                }
                least = Math.min(least, tmx.getThreadAllocatedBytes(me) - before);
            }
            assertEquals(0, least, "bytes allocated by 100 warm products, ta=" + ta + " tb=" + tb + " " + m + "x" + n);
        }
        }
    }
}
