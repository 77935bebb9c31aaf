package org.pcn4j.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * SGEMM on the Vector API: B is packed into panels of {@link #NR} columns (two vectors), A into
 * micro-panels of MR rows (MR from the {@link GemmShape}), and an MR x NR register-blocked FMA
 * microkernel ({@link Microkernels}) does the work.
 *
 * <p>Determinism: every element of C is computed by the same sequence of operations whatever the
 * thread count, the kernel shape or its position in a tile: k is cut into blocks that depend on k
 * only, each block is one fused multiply-add chain in increasing k, and blocks are folded into C in
 * increasing k with {@code c = fma(alpha, acc, c)}. Padding lanes and rows are zeros and are never
 * stored. Threads split C into disjoint column (or row) ranges.
 *
 * <p>Loop order (per thread): k blocks, then column blocks of at most {@link #NC} (B block packed
 * once, kept in L2), then MR-row micro-panels of A (packed, kept in L1), then NR-column panels of
 * the packed B streamed through the microkernel. On 8-lane (AVX2) machines packing uses no
 * gathers (Zen 3's are slow): rows are copied along their contiguous direction, in blocks that stay
 * in L1; 16-lane machines gather ({@link #GATHER}). Nothing is allocated per call on the
 * single-threaded path; buffers are per thread.
 *
 * <p>This file is over 400 lines because the drivers, the packing routines and the direct loops
 * share the block layout; splitting them would spread one invariant over several files.
 */
final class VectorGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int L = S.length();
    /** Columns per packed B panel (two vectors). */
    static final int NR = 2 * L;
    /** Largest MR of any shape (buffer sizes). */
    static final int MR_MAX = 8;
    /** Largest k block. */
    static final int KC = 256;
    /** Largest column block of packed B (KC x NC floats = 512 KiB). */
    static final int NC = 512;
    /** The per-core L2 size (0 where unknown), read from sysfs once. */
    private static final long L2_BYTES = GemmShape.l2Bytes();
    /**
     * Rows per row block (rounded down to a multiple of MR): MC x NC floats of C stay in L2. 128, or
     * 256 on CPUs with 2 MiB of L2 per core or more ({@link GemmShape#rowBlock}).
     */
    static final int MC = GemmShape.rowBlock(L2_BYTES);
    /**
     * Most floats of b that the rows a transposed-B block reads may span for {@link #packBT}'s
     * straight-line copies: as many as L2 holds (128 Ki floats where L2 is unknown or 512 KiB).
     */
    static final long PACK_T_RESIDENT = Math.max(L2_BYTES, 512 << 10) / 4;
    /**
     * Bytes of a packed B block (kc x columns) that {@link #block} keeps in L2 while a few rows of A
     * sweep it: half of L2 (256 KiB where L2 is unknown or 512 KiB). See {@link #subBlock}.
     */
    static final long SUB_B_BYTES = Math.max(L2_BYTES, 512 << 10) / 2;
    /** Largest packed column strip of B (k x NC floats) a thread keeps: 4 Mi floats, 16 MiB. */
    static final long STRIP_MAX = 4L << 20;
    /** Multi-threaded products share one packed B when each split would duplicate this many floats of packing ... */
    static final long SHARE_MIN = 1 << 16;
    /** ... and B has at most this many floats (the per-thread copy is kept for reuse: 4 MiB). */
    static final long SHARE_MAX = 1 << 20;
    /**
     * Per calling thread: the packed B copies multi-threaded products share, one per (transB, k, n)
     * for the last four of them (a training step alternates a few product shapes;
     * one slot would be reallocated on every call).
     */
    private static final ThreadLocal<SharedCopies> SHARED = ThreadLocal.withInitial(SharedCopies::new);

    private static final class SharedCopies {
        final Packed[] slots = new Packed[4];
        int next;
    }

    /** This thread's shared copy for op(B)'s shape, or a new one in place of the oldest. */
    private static Packed shared(boolean transB, int k, int n) {
        SharedCopies sc = SHARED.get();
        for (Packed p : sc.slots) {
            if (p != null && p.transB == transB && p.k == k && p.n == n) {
                return p;
            }
        }
        Packed p = new Packed(transB, k, n);
        sc.slots[sc.next] = p;
        sc.next = (sc.next + 1) % sc.slots.length;
        return p;
    }

    /** Below this many multiply-adds (m*n*k) the direct, unpacked loops run. */
    static final long DIRECT_MNK = 16 * 1024;
    /** From this many multiply-adds up, work is split over threads. */
    static final long PARALLEL_MNK = 1L << 21;

    /**
     * Floats past the end of every packed-B array (block buffer, strip, pre-packed copy), never
     * read by the arithmetic. C2 hoists the range checks of {@link Microkernels#kernel6x2u}'s
     * two-step loop out of it with a bound one step too far (loop predication); on the last
     * panel of an exactly sized array that hoisted check failed, C2 recompiled the kernel with
     * the checks inside the loop, and on JDK 25 / 16 registers it then spilled (73 instead of 110
     * GFLOP/s in L1). One extra k step of slack keeps the hoisted check true.
     */
    static final int B_SLACK = 2 * NR;

    /**
     * Per thread: packed B block, packed A micro-panel (+ slack the narrow kernels may read), tile,
     * and the packed B column strip (grown to the largest k seen, then reused).
     */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(
            () -> new float[][] {new float[KC * NC + B_SLACK], new float[KC * MR_MAX + 2 * MR_MAX], new float[MR_MAX * NR],
                new float[0]});

    /** Per thread: the micro-panels of {@link #packAStrip} (grown to the most seen, then reused). */
    private static final ThreadLocal<float[][]> A_STRIP = ThreadLocal.withInitial(() -> new float[0][]);


    /**
     * Pack with gathers where they are fast: on AVX-512 (Zen 4 here) a 16-float gather beats 16
     * scalar copies (measured: NT products 10-15 % and A-packing-bound ones 3-5 % faster than with
     * the copies); on AVX2, Zen 3's gathers are slower than copies (issue 12), so 8-lane machines
     * use the gather-free copies.
     */
    static final boolean GATHER = L >= 16;

    /** Per thread: gather index vectors for B transposed and for A as stored. */
    private static final ThreadLocal<int[][]> GATHER_INDEX = ThreadLocal.withInitial(() -> new int[2][L]);

    /** Per thread: the four dot-product accumulators of {@link #direct}, stored to be summed in lane order. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[4 * L]);

    private VectorGemm() {}

    /** The k-block length used for a given k: a pure function of k (part of the determinism). */
    static int kBlock(int k) {
        if (k <= KC) {
            return k;
        }
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /** Tasks for a product: at least PARALLEL_MNK / 2 multiply-adds each (a hand-off costs microseconds). */
    private static int tasks(long mnk, int threads) {
        return mnk >= PARALLEL_MNK ? (int) Math.min(threads, mnk / (PARALLEL_MNK / 2)) : 1;
    }

    static void sgemm(GemmShape sh, boolean transA, boolean transB, int m, int n, int k, float alpha,
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
        if (transposeNarrow(sh, transA, m, n)) {
            // C^T = op(B)^T op(A)^T: op(B)^T (n x k) is the broadcast side, op(A)^T (k x m) the packed panels.
            product(sh, !transB, !transA, n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta,
                    c, cOff, ldc, threads, true);
            return;
        }
        product(sh, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, threads, false);
    }

    /** Whether sgemm runs a product of m rows by the direct loops (or only scales C): a function of the shape. */
    private static boolean directPath(int m, int n, int k, float alpha) {
        return k <= 0 || alpha == 0f || (long) m * n * k < DIRECT_MNK || m < 4;
    }

    /**
     * Rows [r0, r1) of the m-row product ({@link Kernels#sgemmRows}), on the calling thread. The
     * direct loops and the blocked product give different bits, so the path is the whole
     * product's: direct rows run direct (each row's loops are independent of the others); rows of
     * a blocked product run blocked even where so few rows alone would run direct. Every blocked
     * form (any kernel shape, transposed or not, in-place A or packed) gives each element the same
     * bits. With {@code pre}, it must be packed already when calls run concurrently
     * ({@link Kernels#prepare}); one not yet packed is packed here.
     */
    static void sgemmRows(GemmShape sh, boolean transA, boolean transB, int m, int r0, int r1, int n, int k, float alpha,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb, Packed pre,
                          float beta, float[] c, int cOff, int ldc) {
        int rows = r1 - r0;
        if (rows <= 0 || n <= 0) {
            return;
        }
        int ao = transA ? aOff + r0 : aOff + r0 * lda;
        int co = cOff + r0 * ldc;
        if (directPath(m, n, k, alpha)) {
            // rows < m: the rows alone take the direct path too (or only scale C)
            sgemm(sh, transA, transB, rows, n, k, alpha, a, ao, lda, b, bOff, ldb, beta, c, co, ldc, 1);
        } else if (!directPath(rows, n, k, alpha)) {
            if (pre != null) {
                sgemm(sh, transA, rows, alpha, a, ao, lda, pre, beta, c, co, ldc, 1);
            } else {
                sgemm(sh, transA, transB, rows, n, k, alpha, a, ao, lda, b, bOff, ldb, beta, c, co, ldc, 1);
            }
        } else if (pre != null && !transposeNarrow(sh, transA, m, n)) {
            ensurePacked(pre, 1, 1);
            blocked(sh.withRows(sh.rowsFor(rows)), transA, transB, 0, rows, 0, n, k, alpha, a, ao, lda, b, bOff, ldb, pre,
                    beta, c, co, ldc, false);
        } else {
            product(sh, transA, transB, rows, n, k, alpha, a, ao, lda, b, bOff, ldb, beta, c, co, ldc, 1, false);
        }
    }

    /** {@link #sgemmRows(GemmShape, boolean, boolean, int, int, int, int, int, float, float[], int, int, float[], int, int, Packed, float, float[], int, int)} with a prepared B. */
    static void sgemmRows(GemmShape sh, boolean transA, int m, int r0, int r1, float alpha, float[] a, int aOff, int lda,
                          Packed p, float beta, float[] c, int cOff, int ldc) {
        sgemmRows(sh, transA, p.transB, m, r0, r1, p.n, p.k, alpha, a, aOff, lda, p.b, p.bOff, p.ldb, p, beta, c, cOff, ldc);
    }

    /**
     * Whether a narrow product (n below NR, e.g. 10 classes) runs transposed, as C^T = op(B)^T op(A)^T.
     * Untransposed, its one panel uses n of L (or 2L) lanes, and the narrow kernel reads A in place
     * with a scalar broadcast and a range check per row and k step (33-35 GFLOP/s on 64x256x10, half
     * OpenBLAS's). Transposed, the vectors run along m (every lane used once m >= NR) and the
     * n columns become micro-panel rows of a size that divides n (10 = 2 x 5), so the regular
     * MR x 2L microkernels run. Each element is still one fused chain in increasing k per k block
     * (fma(b, a, acc) = fma(a, b, acc)), merged into C by the same operations: the same bits.
     * A function of m, n and the layout only, so every thread count takes the same path.
     */
    static boolean transposeNarrow(GemmShape sh, boolean transA, int m, int n) {
        if (n >= NR || m < NR || (!transA && n <= L)) {
            // A as stored (rows along k) with n <= L: the transposed product would need op(A)^T
            // packed, one gather (AVX-512) or scalar copy per element, costing more than the
            // narrow kernel that reads A in place (measured 64x256x10: 25 against 35 GFLOP/s plain,
            // 25 against 47 with B pre-packed).
            return false;
        }
        int r = sh.rowsFor(n);
        int swapped = (n + r - 1) / r * r; // rows the transposed product computes, of which n are used
        int padded = n <= L ? L : NR;     // lanes the untransposed product computes
        return swapped < padded;
    }

    /** The blocked product, single-threaded or split; with tc, c receives C transposed (see {@link #cIndex}). */
    static void product(GemmShape sh, boolean transA, boolean transB, int m, int n, int k, float alpha,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc, int threads, boolean tc) {
        sh = sh.withRows(sh.rowsFor(m));
        long mnk = (long) m * n * k;
        int tasks = tasks(mnk, threads);
        if (tasks <= 1) {
            blocked(sh, transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc, tc);
            return;
        }
        int mr = sh.mr;
        int panels = (n + NR - 1) / NR;
        int rowPanels = (m + mr - 1) / mr;
        if (!tc && rowPanels >= tasks && Math.min((long) m * k, (long) k * n) >= SHARE_MIN && (long) k * n <= SHARE_MAX) {
            // Both splits below make every task pack one operand whole (the same work on every
            // core). Instead pack B once, its blocks split over the tasks, into this thread's
            // reusable copy, and split C's rows over it: each task then packs only its rows of A.
            // Costs one more hand-off (microseconds), so only where the duplicated packing was larger.
            Packed p = pack(transB, k, n, b, bOff, ldb, shared(transB, k, n));
            try {
                ensurePacked(p, tasks, threads);
                split(sh, false, tasks, threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, p,
                        beta, c, cOff, ldc, false);
            } finally {
                p.b = null; // do not keep the caller's array reachable
            }
            return;
        }
        // Splitting columns makes every task pack all of A; splitting rows, all of B. Relative
        // packing cost per element: B straight 1 (vector copy), the other three 2 (scalar copies
        // along contiguous rows).
        long dupA = (long) m * k * 2;
        long dupB = (long) k * n * (transB ? 2 : 1);
        boolean splitColumns = panels >= tasks && (rowPanels < tasks || dupA <= dupB);
        split(sh, splitColumns, tasks, threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null,
                beta, c, cOff, ldc, tc);
    }

    /** Runs the product as disjoint column or row ranges of C, one per task. */
    private static void split(GemmShape sh, boolean columns, int tasks, int threads, boolean transA, boolean transB,
                              int m, int n, int k, float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              Packed pre, float beta, float[] c, int cOff, int ldc, boolean tc) {
        int mr = sh.mr;
        if (columns) {
            int panels = (n + NR - 1) / NR;
            int t = Math.min(tasks, panels);
            Parallel.run(t, threads, i -> {
                int j0 = Math.min(n, (int) ((long) panels * i / t) * NR);
                int j1 = Math.min(n, (int) ((long) panels * (i + 1) / t) * NR);
                if (j1 > j0) {
                    blocked(sh, transA, transB, 0, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, pre, beta, c, cOff, ldc, tc);
                }
            });
        } else {
            int rowPanels = (m + mr - 1) / mr;
            int t = Math.min(tasks, rowPanels);
            Parallel.run(t, threads, i -> {
                int i0 = Math.min(m, (int) ((long) rowPanels * i / t) * mr);
                int i1 = Math.min(m, (int) ((long) rowPanels * (i + 1) / t) * mr);
                if (i1 > i0) {
                    blocked(sh, transA, transB, i0, i1, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, pre, beta, c, cOff, ldc, tc);
                }
            });
        }
    }

    /**
     * op(B) packed once in the block layout {@link #blocked} uses (k blocks of {@link #kBlock},
     * column blocks of {@link #NC}, panels of NR), so products with it skip packing B. Weight
     * matrices during inference are packed once per weight update instead of once per product.
     * The layout does not depend on the kernel shape.
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
            this.data = new float[size + B_SLACK];
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
     * uses it (on all of that product's threads), so a matrix that is packed but never multiplied
     * costs nothing.
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

    /**
     * Packs p now if a product of m rows would pack it ({@link Kernels#prepare}), split as that
     * product would split its packing.
     */
    static void prepare(Packed p, int m, int threads) {
        long mnk = (long) m * p.n * p.k;
        if (m < 4 || p.n <= 0 || p.k <= 0 || mnk < DIRECT_MNK) {
            return; // such a product reads B as it lies
        }
        ensurePacked(p, tasks(mnk, threads), threads);
    }

    /**
     * Packs every block of p, split over {@code tasks} tasks (units are independent). A transposed
     * B is packed by column panels, each through all k blocks (see {@link #packColumns}); a B as
     * stored by blocks.
     */
    private static void ensurePacked(Packed p, int tasks, int threads) {
        if (p.packed) {
            return;
        }
        int units = p.transB ? (p.n + NR - 1) / NR : p.offsets.length;
        int t = Math.min(tasks, units);
        if (t <= 1) {
            for (int i = 0; i < units; i++) {
                packUnit(p, i);
            }
        } else {
            Parallel.run(t, threads, task -> {
                for (int i = task; i < units; i += t) {
                    packUnit(p, i);
                }
            });
        }
        p.packed = true;
    }

    private static void packUnit(Packed p, int unit) {
        if (p.transB) {
            packColumns(p, unit);
        } else {
            packBlock(p, unit);
        }
    }

    /**
     * Column panel {@code panel} (columns panel NR on) of a transposed B through every k block: the
     * NR rows of b it reads are streamed along their length once, where block by block each row
     * was read kc floats at a time, 1 KiB pieces 4 KiB apart that the hardware prefetchers did not
     * follow (W^T of 1000 x 1000 on a Zen 3, JDK 17: 2.0 -> 1.1 ns per float with W in cache, 3.4
     * -> 1.8 from memory). The same values at the same places as {@link #packBlock}.
     */
    private static void packColumns(Packed p, int panel) {
        int kb = kBlock(p.k);
        int j = panel * NR;
        int ji = j / NC;
        int w = Math.min(NR, p.n - j);
        int inBlock = j - ji * NC; // panels before this one in its block are all NR wide
        for (int pc = 0, pi = 0; pc < p.k; pc += kb, pi++) {
            int kc = Math.min(kb, p.k - pc);
            packBT(p.b, p.bOff, p.ldb, pc, kc, j, w, p.data, p.offset(pi, ji) + inBlock * kc);
        }
    }

    private static void packBlock(Packed p, int block) {
        int kb = kBlock(p.k);
        int pi = block / p.nBlocks;
        int ji = block % p.nBlocks;
        int pc = pi * kb;
        int jc = ji * NC;
        int kc = Math.min(kb, p.k - pc);
        int nc = Math.min(NC, p.n - jc);
        packBN(p.b, p.bOff, p.ldb, pc, kc, jc, nc, p.data, p.offset(pi, ji));
    }

    /** {@link #sgemm} with a prepared B: the same products and bits, B packed once for all of them. */
    static void sgemm(GemmShape sh, boolean transA, int m, float alpha, float[] a, int aOff, int lda, Packed p,
                      float beta, float[] c, int cOff, int ldc, int threads) {
        int n = p.n;
        int k = p.k;
        if (m <= 0 || n <= 0) {
            return;
        }
        long mnk = (long) m * n * k;
        if (k <= 0 || alpha == 0f || mnk < DIRECT_MNK || m < 4) {
            sgemm(sh, transA, p.transB, m, n, k, alpha, a, aOff, lda, p.b, p.bOff, p.ldb, beta, c, cOff, ldc, threads);
            return;
        }
        if (transposeNarrow(sh, transA, m, n)) {
            // Computed transposed from B as it lies (op(B) is the small side, packed per call).
            sgemm(sh, transA, p.transB, m, n, k, alpha, a, aOff, lda, p.b, p.bOff, p.ldb, beta, c, cOff, ldc, threads);
            return;
        }
        sh = sh.withRows(sh.rowsFor(m));
        int tasks = tasks(mnk, threads);
        ensurePacked(p, tasks, threads);
        if (tasks <= 1) {
            blocked(sh, transA, p.transB, 0, m, 0, n, k, alpha, a, aOff, lda, p.b, p.bOff, p.ldb, p, beta, c, cOff, ldc, false);
            return;
        }
        // B is shared and packed already: split rows (each task packs only its own rows of A)
        // unless there are too few row panels.
        int rowPanels = (m + sh.mr - 1) / sh.mr;
        boolean columns = rowPanels < tasks && (n + NR - 1) / NR >= tasks;
        split(sh, columns, tasks, threads, transA, p.transB, m, n, k, alpha, a, aOff, lda, p.b, p.bOff, p.ldb, p,
                beta, c, cOff, ldc, false);
    }

    /**
     * C[i0:i1, j0:j1] on the calling thread. With {@code pre} non-null, B's blocks come from it
     * instead of being packed; j0 must then be a multiple of NR (every split's is).
     *
     * <p>Loop order: column blocks (NC), row blocks of {@link #MC} rows, k blocks, micro-panels.
     * Keeping the k loop inside a row block keeps that block's C (MC x NC floats, 256 or 512 KiB) in L2
     * while every k block is folded into it; with all rows inside the k loop (the order before),
     * a large C went to L3 and back once per k block (1024^3 lost 10-15 %). It needs B's whole
     * column strip packed at once (pre-packed, or this thread's strip buffer); when that would
     * exceed {@link #STRIP_MAX} floats, all rows form one row block (the old order).
     */
    private static void blocked(GemmShape sh, boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, Packed pre,
                                float beta, float[] c, int cOff, int ldc, boolean tc) {
        float[][] buf = BUFFERS.get();
        int mr = sh.mr;
        int kb = kBlock(k);
        int mc = Math.max(mr, MC / mr * mr);
        boolean strip = pre == null && i1 - i0 > mc && (long) k * NC <= STRIP_MAX;
        if (pre == null && !strip) {
            mc = i1 - i0;
        }
        float[][] as = packAStrip(sh, transA, i0, i1, j0, j1, k, kb, a, aOff, lda);
        for (int jc = j0; jc < j1; ) {
            // Column blocks end on multiples of NC (the pre-packed layout's), wherever j0 is.
            int jEnd = Math.min(j1, (jc / NC + 1) * NC);
            int nc = jEnd - jc;
            int pw = paddedWidth(nc);
            float[] sb = null;
            if (strip) {
                // k block p of the strip at p*kb*pw: kc x pw floats each.
                if (buf[3].length < k * pw + B_SLACK) {
                    buf[3] = new float[k * pw + B_SLACK];
                }
                sb = buf[3];
                if (transB) {
                    // Panel by panel through every k block, as packColumns (rows of b streamed once).
                    for (int jr = 0; jr < nc; jr += NR) {
                        int w = Math.min(NR, nc - jr);
                        for (int pc = 0; pc < k; pc += kb) {
                            int kc = Math.min(kb, k - pc);
                            packBT(b, bOff, ldb, pc, kc, jc + jr, w, sb, pc * pw + jr * kc);
                        }
                    }
                } else {
                    for (int pc = 0; pc < k; pc += kb) {
                        packBN(b, bOff, ldb, pc, Math.min(kb, k - pc), jc, nc, sb, pc * pw);
                    }
                }
            }
            for (int ic = i0; ic < i1; ic += mc) {
                int icEnd = Math.min(i1, ic + mc);
                for (int pc = 0; pc < k; pc += kb) {
                    int kc = Math.min(kb, k - pc);
                    float[] bArr;
                    int bBase;
                    if (pre != null) {
                        bArr = pre.data;
                        bBase = pre.offset(pc / kb, jc / NC) + (jc % NC) * kc;
                    } else if (strip) {
                        bArr = sb;
                        bBase = pc * pw;
                    } else {
                        bArr = buf[0];
                        bBase = 0;
                        if (transB) {
                            packBT(b, bOff, ldb, pc, kc, jc, nc, bArr, 0);
                        } else {
                            packBN(b, bOff, ldb, pc, kc, jc, nc, bArr, 0);
                        }
                    }
                    block(sh, transA, ic, icEnd, jc, nc, pc, kc, alpha, a, aOff, lda, bArr, bBase, beta, c, cOff, ldc,
                            tc, buf[1], buf[2], as, i0, kb, (k + kb - 1) / kb);
                }
            }
            jc = jEnd;
        }
    }

    /**
     * A[i0:i1, :] packed once for every column block when there are several (each would pack it
     * again: n = 1024 packed A twice, 4-5 % of a 512x1024x1024 product on a Zen 3), else null.
     * Entry q kBlocks + pi is micro-panel q (rows i0 + q MR on) for k block pi: the values
     * {@link #block} would pack, so the same bits; only where two or more column blocks pack A.
     * One array per micro-panel, not offsets into one:
     * given an offset to start from, JDK 25's C2 spilled an accumulator of the 6 x 2L kernel (Zen 3,
     * L1-resident: 69 -> 39 GFLOP/s). Not beyond {@link #STRIP_MAX} floats.
     */
    private static float[][] packAStrip(GemmShape sh, boolean transA, int i0, int i1, int j0, int j1, int k, int kb,
                                        float[] a, int aOff, int lda) {
        int mr = sh.mr;
        int panels = (i1 - i0 + mr - 1) / mr;
        int kBlocks = (k + kb - 1) / kb;
        int packing = 0; // column blocks that pack A (not narrow, not in place), as blocked walks them
        for (int jc = j0; jc < j1; jc = Math.min(j1, (jc / NC + 1) * NC)) {
            int nc = Math.min(j1, (jc / NC + 1) * NC) - jc;
            if (nc > L && !inPlace(mr, nc)) {
                packing++;
            }
        }
        if (packing < 2 || (long) panels * mr * k > STRIP_MAX) {
            return null;
        }
        float[][] as = A_STRIP.get();
        int need = panels * kBlocks;
        if (as.length < need) {
            float[][] grown = java.util.Arrays.copyOf(as, need);
            for (int i = as.length; i < need; i++) {
                grown[i] = new float[KC * MR_MAX + 2 * MR_MAX]; // + what the narrow kernels read past MR
            }
            A_STRIP.set(grown);
            as = grown;
        }
        for (int q = 0; q < panels; q++) {
            int ir = i0 + q * mr;
            int rows = Math.min(mr, i1 - ir);
            for (int pi = 0; pi < kBlocks; pi++) {
                int pc = pi * kb;
                int kc = Math.min(kb, k - pc);
                packA(transA, a, aOff, lda, pc, kc, ir, rows, mr, as[q * kBlocks + pi]);
            }
        }
        return as;
    }

    /** One k block [pc, pc+kc) of C[ir0:ir1, jc:jc+nc] against the packed B block at bArr[bBase]. */
    private static void block(GemmShape sh, boolean transA, int ir0, int ir1, int jc, int nc, int pc, int kc, float alpha,
                              float[] a, int aOff, int lda, float[] bArr, int bBase, float beta, float[] c, int cOff, int ldc,
                              boolean tc, float[] ap, float[] tile, float[][] as, int asRow, int kb, int kBlocks) {
        int mr = sh.mr;
        boolean first = pc == 0;
        if (nc <= L) {
            // One narrow panel (n <= L, e.g. a classifier layer): packing A would cost as
            // much as the products, so the kernel reads A where it lies.
            int nrows = sh.narrowRows;
            int step = transA ? lda : 1;
            int rowStep = transA ? 1 : lda;
            for (int ir = ir0; ir < ir1; ir += nrows) {
                int rows = Math.min(nrows, ir1 - ir);
                int base = transA ? aOff + pc * lda + ir : aOff + ir * lda + pc;
                if (nrows == 8) {
                    Microkernels.kernelInPlace8x1(kc, a, base, rowStep, step, rows, bArr, bBase, tile);
                } else {
                    Microkernels.kernelInPlace4x1(kc, a, base, rowStep, step, rows, bArr, bBase, tile);
                }
                merge(tile, L, rows, nc, c, cIndex(tc, cOff, ldc, ir, jc), ldc, alpha, beta, first, tc);
            }
            return;
        }
        if (inPlace(mr, nc)) {
            inPlaceRows(transA, ir0, ir1, jc, nc, pc, kc, alpha, a, aOff, lda, bArr, bBase, beta, c, cOff, ldc, tc, tile);
            return;
        }
        // Sub-blocks of the B block that fit in L2 where only a few rows sweep it; A must be packed
        // already (as), or each sub-block would pack it again.
        int sub = as != null && ir1 - ir0 <= MC / 2 ? subBlock(kc, nc) : nc;
        for (int js = 0; js < nc; js += sub) {
            int je = Math.min(nc, js + sub);
            for (int ir = ir0; ir < ir1; ir += mr) {
                int rows = Math.min(mr, ir1 - ir);
                float[] apArr = ap;
                if (as != null) {
                    apArr = as[(ir - asRow) / mr * kBlocks + pc / kb]; // packed already, by blocked
                } else {
                    packA(transA, a, aOff, lda, pc, kc, ir, rows, mr, ap);
                }
                panels(sh, rows, js, je, nc, kc, apArr, bArr, bBase, alpha, beta, first, c, cOff, ldc, ir, jc, tc, tile);
            }
        }
    }

    /**
     * Columns of a sub-block for {@link #block}: the widest multiple of NR whose kc x sub packed floats
     * fit in {@link #SUB_B_BYTES}, or nc where the whole block does. A block of B (kc x NC, up to
     * 512 KiB) does not fit in a 512 KiB L2 beside C and A, so a few rows of A (m = 64, a training
     * batch) sweeping it read it from L3 once per micro-panel. In sub-blocks of 256 columns, paired
     * runs on a Zen 3 (JDK 17, one thread, 64 x 1000 x 1000 with B pre-packed, nn and nt) were 4-7 %
     * faster; with 128 rows or more of A, +-2 % (noise), 1000 x 64 x 1000 (kc = 64) 3 % slower. On
     * 1-2 MiB L2s (Zen 4, Intel) sub = NC: nothing changes there.
     */
    static int subBlock(int kc, int nc) {
        int sub = (int) Math.min(nc, SUB_B_BYTES / (4L * kc)) / NR * NR;
        return sub >= nc || sub < NR ? nc : sub;
    }

    /** Panels [js, je) of a block of nc columns against the packed micro-panel of A for rows ir on. */
    private static void panels(GemmShape sh, int rows, int js, int je, int nc, int kc, float[] apArr, float[] bArr,
                               int bBase, float alpha, float beta, boolean first, float[] c, int cOff, int ldc, int ir, int jc,
                               boolean tc, float[] tile) {
        int mr = sh.mr;
        for (int jr = js; jr < je; jr += NR) {
            int w = Math.min(NR, nc - jr);
            int panel = bBase + jr * kc; // panels before this one are all NR wide
            int cIdx = cIndex(tc, cOff, ldc, ir, jc + jr);
            if (w <= L) {
                narrowPanel(mr, kc, apArr, bArr, panel, tile);
                merge(tile, L, rows, w, c, cIdx, ldc, alpha, beta, first, tc);
            } else {
                switch (mr) {
                    case 8:
                        Microkernels.kernel8x2(kc, apArr, bArr, panel, tile);
                        break;
                    case 6:
                        if (sh.pairK && (kc & 1) == 0) {
                            Microkernels.kernel6x2u(kc, apArr, bArr, panel, tile);
                        } else {
                            Microkernels.kernel6x2(kc, apArr, bArr, panel, tile);
                        }
                        break;
                    case 5:
                        Microkernels.kernel5x2(kc, apArr, bArr, panel, tile);
                        break;
                    default:
                        Microkernels.kernel4x2(kc, apArr, bArr, panel, tile);
                        break;
                }
                merge(tile, NR, rows, w, c, cIdx, ldc, alpha, beta, first, tc);
            }
        }
    }

    /** A micro-panel of A packed for k block [pc, pc+kc): {@link #packAT} or {@link #packAN}. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int pc, int kc, int ir, int rows, int mr,
                              float[] ap) {
        if (transA) {
            packAT(a, aOff, lda, pc, kc, ir, rows, mr, ap);
        } else {
            packAN(a, aOff, lda, pc, kc, ir, rows, mr, ap);
        }
    }

    /** Whether a column block nc wide (nc > L) reads A in place ({@link #inPlaceRows}) instead of packing it. */
    private static boolean inPlace(int mr, int nc) {
        return mr == 8 && IN_PLACE_A && nc <= IN_PLACE_MAX_N;
    }

    /** Whether 8-row micro-panels read A in place instead of packing it (experiment switch). */
    static final boolean IN_PLACE_A = !"false".equals(System.getProperty("pcn4j.gemm.inPlaceA"));

    /** Widest column block whose products read A in place. */
    static final int IN_PLACE_MAX_N = 256;

    /** {@link #block}'s micro-panel loop for MR = 8 with A read where it lies (no packing). */
    private static void inPlaceRows(boolean transA, int ir0, int ir1, int jc, int nc, int pc, int kc, float alpha,
                                    float[] a, int aOff, int lda, float[] bArr, int bBase, float beta, float[] c, int cOff,
                                    int ldc, boolean tc, float[] tile) {
        boolean first = pc == 0;
        int step = transA ? lda : 1;
        int rowStep = transA ? 1 : lda;
        for (int ir = ir0; ir < ir1; ir += 8) {
            int rows = Math.min(8, ir1 - ir);
            int base = transA ? aOff + pc * lda + ir : aOff + ir * lda + pc;
            for (int jr = 0; jr < nc; jr += NR) {
                int w = Math.min(NR, nc - jr);
                int panel = bBase + jr * kc;
                int cIdx = cIndex(tc, cOff, ldc, ir, jc + jr);
                if (w <= L) {
                    Microkernels.kernelInPlace8x1(kc, a, base, rowStep, step, rows, bArr, panel, tile);
                    merge(tile, L, rows, w, c, cIdx, ldc, alpha, beta, first, tc);
                } else {
                    Microkernels.kernelInPlace8x2(kc, a, base, rowStep, step, rows, bArr, panel, tile);
                    merge(tile, NR, rows, w, c, cIdx, ldc, alpha, beta, first, tc);
                }
            }
        }
    }

    /** The last, one-vector panel of a block against a packed micro-panel of mr rows: 8 rows or 4 at a time. */
    private static void narrowPanel(int mr, int kc, float[] ap, float[] bp, int panel, float[] tile) {
        if (mr == 8) {
            Microkernels.kernel8x1(kc, ap, 0, 8, bp, panel, tile, 0);
        } else {
            for (int r = 0; r < mr; r += 4) {
                Microkernels.kernel4x1(kc, ap, r, mr, bp, panel, tile, r * L);
            }
        }
    }

    /**
     * B not transposed (k x n, row stride ldb): panels of NR columns, p-major; last panel L wide if it fits.
     * The full panels are filled TB rows of B at a time, each row read across all panels: walking one
     * panel down all kc rows instead read one 64-byte line per row at the row stride, and with a
     * stride of 4 KiB (n = 1024) every row falls in the same L1 and L2 sets, so the neighbouring
     * lines the next panel needs were evicted before it ran (packBN was 5-6 % of a 512x1024x1024
     * product on a Zen 3, OpenBLAS's copy of B 1-2 %).
     */
    static void packBN(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp, int dst) {
        int full = nc / NR * NR;
        for (int p0 = 0; p0 < kc; p0 += TB) {
            int p1 = Math.min(kc, p0 + TB);
            for (int jr = 0; jr < full; jr += NR) {
                int src = bOff + (pc + p0) * ldb + jc + jr;
                for (int p = p0, d = dst + jr * kc + p0 * NR; p < p1; p++, src += ldb, d += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(bp, d);
                    FloatVector.fromArray(S, b, src + L).intoArray(bp, d + L);
                }
            }
        }
        dst += full * kc;
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

    /** k steps per packing block: 16 rows of b and 16 rows of the panels stay in L1 (packBT, packBN). */
    private static final int TB = 16;

    /**
     * B transposed (stored n x k, row stride ldb): op(B)[p][j] = b[j*ldb + p]. No gathers: each
     * column of the panel is a contiguous row of b, copied in TB-long pieces so that the panel rows
     * written and the b rows read both stay in L1.
     */
    static void packBT(float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp, int dst) {
        int jr0 = 0;
        if (GATHER) {
            // Full panels: one gather per vector of columns (a column of op(B) is a strided row of b).
            int[] idx = GATHER_INDEX.get()[0];
            for (int i = 0; i < L; i++) {
                idx[i] = i * ldb;
            }
            int full = nc / NR * NR;
            for (; jr0 < full; jr0 += NR) {
                int src0 = bOff + (jc + jr0) * ldb + pc;
                int src1 = src0 + L * ldb;
                for (int p = 0; p < kc; p++, dst += NR) {
                    FloatVector.fromArray(S, b, src0 + p, idx, 0).intoArray(bp, dst);
                    FloatVector.fromArray(S, b, src1 + p, idx, 0).intoArray(bp, dst + L);
                }
            }
        }
        boolean resident = (long) nc * ldb <= PACK_T_RESIDENT;
        for (int jr = jr0; jr < nc; jr += NR) {
            int w = Math.min(NR, nc - jr);
            int width = jr + NR <= nc ? NR : (w <= L ? L : NR);
            int rowBase = bOff + (jc + jr) * ldb + pc;
            int p0 = 0;
            if (resident && w == NR) {
                p0 = packBT16(b, ldb, rowBase, kc, bp, dst);
            }
            for (; p0 < kc; p0 += TB) {
                int p1 = Math.min(kc, p0 + TB);
                for (int j = 0; j < w; j++) {
                    int src = rowBase + j * ldb;
                    int d = dst + j;
                    for (int p = p0; p < p1; p++) {
                        bp[d + p * width] = b[src + p];
                    }
                }
                for (int j = w; j < width; j++) {
                    for (int p = p0; p < p1; p++) {
                        bp[dst + p * width + j] = 0f;
                    }
                }
            }
            dst += kc * width;
        }
    }

    /**
     * {@link #packBT}'s full panel in straight-line pieces of TB = 16 k steps (one statement per
     * step, rows j of the panel in the loop); returns the k steps done. Where the rows of b it reads
     * are in L2 (W of a 784-128-128-10 net) this is twice as fast as the loop form (Zen 3: 0.4-0.6
     * against 0.8-1.1 ns per float, JDK 17 and 25); where they come from L3 (1000 x 784) it was
     * 1.5-2x slower, so {@link #PACK_T_RESIDENT} picks.
     */
    private static int packBT16(float[] b, int ldb, int rowBase, int kc, float[] bp, int dst) {
        int p0 = 0;
        for (; p0 + TB <= kc; p0 += TB) {
            for (int j = 0, src = rowBase + p0, d = dst + p0 * NR; j < NR; j++, src += ldb, d++) {
                bp[d] = b[src];
                bp[d + NR] = b[src + 1];
                bp[d + 2 * NR] = b[src + 2];
                bp[d + 3 * NR] = b[src + 3];
                bp[d + 4 * NR] = b[src + 4];
                bp[d + 5 * NR] = b[src + 5];
                bp[d + 6 * NR] = b[src + 6];
                bp[d + 7 * NR] = b[src + 7];
                bp[d + 8 * NR] = b[src + 8];
                bp[d + 9 * NR] = b[src + 9];
                bp[d + 10 * NR] = b[src + 10];
                bp[d + 11 * NR] = b[src + 11];
                bp[d + 12 * NR] = b[src + 12];
                bp[d + 13 * NR] = b[src + 13];
                bp[d + 14 * NR] = b[src + 14];
                bp[d + 15 * NR] = b[src + 15];
            }
        }
        return p0;
    }

    /**
     * A as stored (m x k): micro-panel ap[p*mr + r] = A[ir + r][pc + p], zero rows past m. No
     * gathers: each row of A is read contiguously and written with stride mr (the micro-panel,
     * at most 8 KiB, stays in L1).
     */
    static void packAN(float[] a, int aOff, int lda, int pc, int kc, int ir, int rows, int mr, float[] ap) {
        int q0 = 0;
        if (GATHER && rows == mr && L % mr == 0) {
            // One gather fills L / mr consecutive k steps of the micro-panel.
            int step = L / mr;
            int[] idx = GATHER_INDEX.get()[1];
            for (int l = 0; l < L; l++) {
                idx[l] = (l % mr) * lda + l / mr;
            }
            int src = aOff + ir * lda + pc;
            for (; q0 + step <= kc; q0 += step) {
                FloatVector.fromArray(S, a, src + q0, idx, 0).intoArray(ap, q0 * mr);
            }
            if (q0 == kc) {
                return;
            }
        }
        for (int r = 0; r < rows; r++) {
            int src = aOff + (ir + r) * lda + pc;
            int d = r + q0 * mr;
            int q = q0;
            for (; q + 4 <= kc; q += 4, d += 4 * mr) {
                ap[d] = a[src + q];
                ap[d + mr] = a[src + q + 1];
                ap[d + 2 * mr] = a[src + q + 2];
                ap[d + 3 * mr] = a[src + q + 3];
            }
            for (; q < kc; q++, d += mr) {
                ap[d] = a[src + q];
            }
        }
        for (int r = rows; r < mr; r++) {
            for (int q = 0, d = r; q < kc; q++, d += mr) {
                ap[d] = 0f;
            }
        }
    }

    /** A transposed (stored k x m): ap[p*mr + r] = a[(pc + p)*lda + ir + r]; mr contiguous floats per k step. */
    static void packAT(float[] a, int aOff, int lda, int pc, int kc, int ir, int rows, int mr, float[] ap) {
        int src = aOff + pc * lda + ir;
        if (rows == 8 && mr == 8) {
            // The common case unrolled (C2 does not unroll the variable-length loop below as well).
            for (int p = 0, d = 0; p < kc; p++, src += lda, d += 8) {
                ap[d] = a[src];
                ap[d + 1] = a[src + 1];
                ap[d + 2] = a[src + 2];
                ap[d + 3] = a[src + 3];
                ap[d + 4] = a[src + 4];
                ap[d + 5] = a[src + 5];
                ap[d + 6] = a[src + 6];
                ap[d + 7] = a[src + 7];
            }
        } else if (rows == mr) {
            for (int p = 0, d = 0; p < kc; p++, src += lda, d += mr) {
                for (int r = 0; r < mr; r++) {
                    ap[d + r] = a[src + r];
                }
            }
        } else {
            for (int p = 0; p < kc; p++, src += lda) {
                int d = p * mr;
                for (int r = 0; r < rows; r++) {
                    ap[d + r] = a[src + r];
                }
                for (int r = rows; r < mr; r++) {
                    ap[d + r] = 0f;
                }
            }
        }
    }

    /**
     * {@link #merge} of a full two-vector panel into untransposed C, as straight-line code per row:
     * c = alpha acc on the first k block (beta = 0), else c = fma(acc, alpha, c); the same operations
     * as the general loop, so the same bits. The general loop's per-row branches and inner loop
     * cost 4-7 % of a large product on an Intel Xeon (profile, 1024^3).
     */
    private static void mergePanel(float[] tile, int rows, float[] c, int cIdx, int ldc, float alpha, boolean first) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        if (first) {
            for (int r = 0, t = 0; r < rows; r++, t += NR, cIdx += ldc) {
                FloatVector.fromArray(S, tile, t).mul(va).intoArray(c, cIdx);
                FloatVector.fromArray(S, tile, t + L).mul(va).intoArray(c, cIdx + L);
            }
        } else {
            for (int r = 0, t = 0; r < rows; r++, t += NR, cIdx += ldc) {
                FloatVector c0 = FloatVector.fromArray(S, c, cIdx);
                FloatVector c1 = FloatVector.fromArray(S, c, cIdx + L);
                FloatVector.fromArray(S, tile, t).fma(va, c0).intoArray(c, cIdx);
                FloatVector.fromArray(S, tile, t + L).fma(va, c1).intoArray(c, cIdx + L);
            }
        }
    }

    /**
     * Folds a tile of k-block sums into C. First block: c = alpha*acc (beta = 0) or
     * fma(alpha, acc, beta*c); later blocks: c = fma(alpha, acc, c). Vector and scalar paths give
     * the same bits (both fused, both rounded once).
     */
    private static void merge(float[] tile, int stride, int rows, int w, float[] c, int cIdx, int ldc,
                              float alpha, float beta, boolean first, boolean tc) {
        if (w == NR && stride == NR && !tc && !(first && beta != 0f)) {
            mergePanel(tile, rows, c, cIdx, ldc, alpha, first);
            return;
        }
        if (tc) {
            mergeTransposed(tile, stride, rows, w, c, cIdx, ldc, alpha, beta, first);
            return;
        }
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
     * {@link #merge} for a product computed transposed ({@link #sgemm}'s narrow case): tile row r,
     * column j goes to C[j][r] (c[cIdx + j*ldc + r]). The same scalar operations as merge's tails,
     * so the same bits as the untransposed product.
     */
    private static void mergeTransposed(float[] tile, int stride, int rows, int w, float[] c, int cIdx, int ldc,
                                        float alpha, float beta, boolean first) {
        for (int j = 0; j < w; j++, cIdx += ldc) {
            for (int r = 0, t = j; r < rows; r++, t += stride) {
                int ci = cIdx + r;
                if (first && beta == 0f) {
                    c[ci] = tile[t] * alpha;
                } else if (first && beta != 1f) {
                    c[ci] = Math.fma(tile[t], alpha, c[ci] * beta);
                } else {
                    c[ci] = Math.fma(tile[t], alpha, c[ci]);
                }
            }
        }
    }

    /** Index in c of C[i][j], or of C[j][i] when the product is computed transposed (tc). */
    private static int cIndex(boolean tc, int cOff, int ldc, int i, int j) {
        return tc ? cOff + j * ldc + i : cOff + i * ldc + j;
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
            // Each dot product's lanes are summed in lane order by scalar adds, not reduceLanes(ADD):
            // the API leaves that order open, and JDK 25's C2 sums in another order than the
            // interpreter and C1 (and JDK 17) do, so results depended on whether this loop was
            // C2-compiled yet (the JDK 25 drift of BehaviourLockTest, DEVELOPERS.md).
            int kv = k / L * L;
            float[] lanes = LANES.get();
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                int ci = cOff + i * ldc;
                int j = 0;
                for (; j + 4 <= n; j += 4) {
                    int b0 = bOff + j * ldb;
                    int b1 = b0 + ldb;
                    int b2 = b1 + ldb;
                    int b3 = b2 + ldb;
                    float d0 = 0f, d1 = 0f, d2 = 0f, d3 = 0f; // what summing zero lanes gives
                    if (kv > 0) {
                        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                        for (int p = 0; p < kv; p += L) {
                            FloatVector av = FloatVector.fromArray(S, a, ai + p);
                            s0 = av.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                            s1 = av.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                            s2 = av.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                            s3 = av.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                        }
                        s0.intoArray(lanes, 0);
                        s1.intoArray(lanes, L);
                        s2.intoArray(lanes, 2 * L);
                        s3.intoArray(lanes, 3 * L);
                        d0 = VectorMath.sumInOrder(lanes, 0);
                        d1 = VectorMath.sumInOrder(lanes, L);
                        d2 = VectorMath.sumInOrder(lanes, 2 * L);
                        d3 = VectorMath.sumInOrder(lanes, 3 * L);
                    }
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
                    float d0 = 0f;
                    if (kv > 0) {
                        FloatVector s0 = FloatVector.zero(S);
                        for (int p = 0; p < kv; p += L) {
                            s0 = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, b0 + p), s0);
                        }
                        s0.intoArray(lanes, 0);
                        d0 = VectorMath.sumInOrder(lanes, 0);
                    }
                    for (int p = kv; p < k; p++) {
                        d0 = Math.fma(a[ai + p], b[b0 + p], d0);
                    }
                    c[ci + j] = beta == 0f ? d0 * alpha : Math.fma(d0, alpha, c[ci + j] * beta);
                }
            }
        }
    }
}
