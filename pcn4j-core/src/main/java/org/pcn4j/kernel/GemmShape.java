package org.pcn4j.kernel;

import java.util.Locale;

/**
 * The register-blocked SGEMM microkernel shape used on this machine: MR rows of A times NR = 2L
 * columns of B (L floats per vector), and the row count of the narrow-panel kernel (panels one
 * vector wide, e.g. a 10-class output layer).
 *
 * <p>The shape must keep its accumulators, the two B vectors and the broadcast in vector registers:
 * an MR x 2L kernel needs 2 MR + 3 of them. A spilled accumulator costs a load and a store per k
 * step and halves the kernel's speed. Measured (issue 12): on AVX2 (16 ymm) the 8 x 2L kernel
 * spills 5-9 accumulators; 6 x 2L does not, on JDK 17 or 25, once its loop is counted on the A
 * index (the earlier form with a separate step counter spilled on JDK 25, which then ran "6x2u",
 * {@link Microkernels#kernel6x2u}, the k loop unrolled by two by hand; JDK 17 spills that form, and
 * on a real Zen 3 the plain loop now matches or beats it on JDK 25 too). So 16-register machines
 * run 6x2 on every JDK. AVX-512 and AArch64 have 32 vector registers and run 8 x 2L.
 *
 * <p>The table below is a pure function of (vector width, architecture, JDK), so every JVM on the
 * same machine picks the same shape. All shapes compute every element of C with the same operation
 * sequence (one fused chain per k block, zero-initialized), so results are bit-identical whichever
 * shape runs; only speed differs. {@code -Dpcn4j.gemm.kernel=8x2|6x2|6x2u|5x2|4x2|auto} (or
 * {@code PCN4J_GEMM_KERNEL}) forces one; an unknown value, or a shape that needs more registers
 * than the CPU has, prints one warning line and falls back to the table.
 */
public final class GemmShape {
    /** The MR values there are microkernels for. */
    private static final int[] ROWS = {8, 6, 5, 4};

    /** Rows of A per micro-panel. */
    final int mr;
    /** Whether the 6-row kernel runs with its k loop unrolled by two ({@link Microkernels#kernel6x2u}). */
    final boolean pairK;
    /** Rows per call of the narrow (one-vector) kernel that reads A in place. */
    final int narrowRows;
    /** Vector registers the machine has, as the table assumed (16 or 32). */
    final int registers;

    private GemmShape(int mr, int narrowRows, int registers) {
        this(mr, false, narrowRows, registers);
    }

    private GemmShape(int mr, boolean pairK, int narrowRows, int registers) {
        this.mr = mr;
        this.pairK = pairK && mr == 6;
        this.narrowRows = narrowRows;
        this.registers = registers;
    }

    /** This shape with MR = mr (made once per mr, then reused: products allocate nothing). */
    GemmShape withRows(int mr) {
        if (mr == this.mr) {
            return this;
        }
        GemmShape s = byRows[mr];
        if (s == null) {
            s = new GemmShape(mr, pairK, narrowRows, registers);
            byRows[mr] = s;
        }
        return s;
    }

    /**
     * The MR for a product with n rows of C: this shape's, unless a smaller one (they run without
     * spilling wherever this one does) computes at least 1/9 fewer padded rows. n = 10 on 8x2L: 5
     * (10 rows instead of 16); n = 100: still 8 (104 rows).
     */
    int rowsFor(int n) {
        int best = mr;
        int bestRows = (n + mr - 1) / mr * mr;
        for (int r : ROWS) {
            int rows = (n + r - 1) / r * r;
            if (r < best && rows * 9 < bestRows * 8) {
                best = r;
                bestRows = rows;
            }
        }
        return best;
    }

    /** Shapes of other MR derived from this one ({@link #withRows}), indexed by MR. */
    private final GemmShape[] byRows = new GemmShape[9];

    /** Rows of A per micro-panel (MR). */
    public int rows() {
        return mr;
    }

    /** Vector registers an MR x 2L kernel keeps live: the accumulators, two B vectors, one broadcast. */
    static int registersNeeded(int mr) {
        return 2 * mr + 3;
    }

    /**
     * Vector registers of the ISA this JVM's preferred species stands for: 512-bit vectors mean
     * AVX-512 (32 zmm), AArch64 has 32; x86 with 256-bit vectors is taken as AVX2 (16 ymm), the
     * conservative reading (AVX-512 capped at 256 bits has 32, but then 6 x 2L still runs well).
     */
    static int registers(int vectorBits, String arch) {
        String a = arch == null ? "" : arch.toLowerCase(Locale.ROOT);
        if (vectorBits >= 512 || a.equals("aarch64") || a.equals("arm64")) {
            return 32;
        }
        return 16;
    }

    /**
     * The table: the shape for a vector width, architecture and JDK feature version. No entry depends
     * on the JDK today (since the kernels count their loop on the A index, JDK 17 and 25 compile them
     * alike); {@code jdk} stays in the key because C2's register allocation has differed between
     * releases before (JDK 25 once needed {@code 6x2u}), and an entry for such a release goes here.
     */
    static GemmShape table(int vectorBits, String arch, int jdk) {
        int regs = registers(vectorBits, arch);
        if (regs >= 32) {
            return new GemmShape(8, 8, regs);
        }
        // 16 registers: 6 x 2L (15 live). Counted on the A index, the plain k loop stays in registers
        // on JDK 17 and 25 alike (see Microkernels); 6x2u, which JDK 17 spills, is only forced.
        return new GemmShape(6, false, 4, regs);
    }

    /**
     * The shape named by {@code forced} (e.g. "6x2"; null, blank or "auto" for the table), checked
     * against the machine. Problems go to {@code warn} as one line each and the table's shape is used.
     */
    static GemmShape choose(String forced, int vectorBits, String arch, int jdk, java.util.function.Consumer<String> warn) {
        GemmShape auto = table(vectorBits, arch, jdk);
        String f = forced == null ? "" : forced.trim().toLowerCase(Locale.ROOT);
        if (f.isEmpty() || f.equals("auto")) {
            return auto;
        }
        int mr = parse(f);
        if (mr < 0) {
            warn.accept("pcn4j: warning: unknown gemm kernel '" + forced.trim() + "' in pcn4j.gemm.kernel/PCN4J_GEMM_KERNEL"
                    + " (expected auto, 8x2, 6x2, 6x2u, 5x2 or 4x2); using " + auto.name());
            return auto;
        }
        if (registersNeeded(mr) > auto.registers) {
            warn.accept("pcn4j: warning: gemm kernel " + f + " needs " + registersNeeded(mr) + " vector registers, this CPU has "
                    + auto.registers + "; using " + auto.name());
            return auto;
        }
        return new GemmShape(mr, unrolled(f), auto.narrowRows, auto.registers);
    }

    /** A shape by name without the machine check (benchmarks measuring a spilling kernel on purpose). */
    static GemmShape named(String name, int vectorBits, String arch) {
        int mr = parse(name == null ? "" : name.trim().toLowerCase(Locale.ROOT));
        if (mr < 0) {
            throw new IllegalArgumentException("unknown gemm kernel '" + name + "' (expected 8x2, 6x2, 6x2u, 5x2 or 4x2)");
        }
        int regs = registers(vectorBits, arch);
        return new GemmShape(mr, unrolled(name.trim().toLowerCase(Locale.ROOT)), regs >= 32 ? 8 : 4, regs);
    }

    /** MR for "MRx2" (also "MRx2L"; "6x2u" is the 6-row kernel with k unrolled by two), or -1. */
    private static int parse(String f) {
        if (f.equals("6x2u")) {
            return 6;
        }
        for (int r : ROWS) {
            if (f.equals(r + "x2") || f.equals(r + "x2l")) {
                return r;
            }
        }
        return -1;
    }

    private static boolean unrolled(String f) {
        return f.equals("6x2u");
    }

    /** The name {@code -Dpcn4j.gemm.kernel} takes for this shape: "8x2", "6x2u", ... */
    public String name() {
        return mr + (pairK ? "x2u" : "x2");
    }

    /** The setting from the system property, else the environment variable, else null. */
    static String setting() {
        String p = System.getProperty("pcn4j.gemm.kernel");
        if (p == null || p.isBlank()) {
            p = System.getenv("PCN4J_GEMM_KERNEL");
        }
        return p;
    }

    /**
     * Rows of C per row block ({@code VectorGemm.MC}) for a per-core L2 of {@code l2Bytes} (0 when
     * unknown): 256 from 2 MiB up, else 128. A row block's C (MC x NC floats) stays in L2 while all
     * k blocks fold into it, and each k block of packed B (KC x NC, 512 KiB) is fetched once per row
     * block; with k = 1024 the B strip a row block walks (2 MiB) no longer fits, so every row block
     * streams it again from L3. Doubling MC halves that traffic where C's 512 KiB and a B block still
     * fit (measured on an Intel Xeon with 2 MiB L2, 1024x1024x1024, 1 thread, medians of three
     * processes: AVX-512 116 -> 121 GFLOP/s, emulated AVX2 68 -> 75; 256x512x512 AVX2 72 -> 74). On
     * a 1 MiB L2 (Zen 4, where 128 was chosen) C and the B block would fill it. Row blocks only
     * partition C's rows, so the bits do not depend on MC.
     */
    static int rowBlock(long l2Bytes) {
        return l2Bytes >= 2L << 20 ? 256 : 128;
    }

    /**
     * The per-core L2 size from Linux's sysfs ({@code /sys/devices/system/cpu/cpu0/cache/index*}
     * with level 2), or 0 where that is not readable (other systems, containers hiding it).
     */
    static long l2Bytes() {
        java.nio.file.Path dir = java.nio.file.Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int i = 0; i < 8; i++) {
            java.nio.file.Path idx = dir.resolve("index" + i);
            try {
                if (!java.nio.file.Files.readString(idx.resolve("level")).trim().equals("2")) {
                    continue;
                }
                return cacheSize(java.nio.file.Files.readString(idx.resolve("size")));
            } catch (java.io.IOException | RuntimeException e) {
                // not there (or not readable): try the next index, else report unknown
            }
        }
        return 0;
    }

    /** sysfs's cache size text ("2048K", "1M", "512K", "65536"), in bytes; 0 if it does not parse. */
    static long cacheSize(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("K")) {
            unit = 1L << 10;
        } else if (t.endsWith("M")) {
            unit = 1L << 20;
        }
        if (unit > 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            return v > 0 ? v * unit : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** E.g. "8x2L, narrow 8x1L" or "6x2L (k unrolled x2), narrow 4x1L" (L = floats per vector). */
    @Override
    public String toString() {
        return mr + "x2L" + (pairK ? " (k unrolled x2)" : "") + ", narrow " + narrowRows + "x1L";
    }
}
