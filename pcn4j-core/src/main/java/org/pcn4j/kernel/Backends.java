package org.pcn4j.kernel;

/**
 * Chooses the kernel backend once per JVM. The Vector API backend needs
 * {@code --add-modules jdk.incubator.vector}; without it pcn4j still works on scalar code and says
 * so in one line on stderr.
 */
public final class Backends {
    private static volatile Kernels current;
    private static volatile int threads = Math.max(1, Runtime.getRuntime().availableProcessors());

    private Backends() {}

    public static Kernels current() {
        Kernels k = current;
        if (k == null) {
            synchronized (Backends.class) {
                k = current;
                if (k == null) {
                    k = choose();
                    current = k;
                }
            }
        }
        return k;
    }

    /** Replaces the backend (tests, benchmarks, a future GPU module). */
    public static void use(Kernels kernels) {
        current = kernels;
    }

    /** Number of threads kernels may use for large work. */
    public static int threads() {
        return threads;
    }

    public static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + n);
        }
        threads = n;
    }

    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * Vector kernels when the module is present, else scalar kernels and one warning line on
     * stderr. {@code -Dpcn4j.kernels=scalar|vector} or the environment variable
     * {@code PCN4J_KERNELS} forces one; an unknown value warns in one line and is taken as auto. VectorKernels is loaded reflectively, so a JVM without
     * the incubator module never touches its classes.
     */
    static Kernels choose() {
        String forced = System.getProperty("pcn4j.kernels");
        if (forced == null || forced.isBlank()) {
            forced = System.getenv("PCN4J_KERNELS");
        }
        forced = forced == null ? "" : forced.trim().toLowerCase(java.util.Locale.ROOT);
        if (forced.equals("scalar")) {
            return new ScalarKernels();
        }
        if (!forced.isEmpty() && !forced.equals("vector") && !forced.equals("auto")) {
            // A typo in a tuning knob should not stop a training run: say so once and run the default.
            System.err.println("pcn4j: warning: unknown kernels '" + forced + "' in pcn4j.kernels/PCN4J_KERNELS"
                    + " (expected scalar, vector or auto); using auto");
        }
        if (vectorApiAvailable()) {
            try {
                return (Kernels) Class.forName("org.pcn4j.kernel.VectorKernels").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                System.err.println("pcn4j: warning: vector kernels failed to load (" + e + "); using scalar kernels");
                return new ScalarKernels();
            }
        }
        System.err.println("pcn4j: warning: jdk.incubator.vector is not enabled; using scalar kernels"
                + " (add --add-modules jdk.incubator.vector for speed)");
        return new ScalarKernels();
    }

    /**
     * How this JVM's heap is paged, for benchmark headers (GEMM speed depends on it: docs/kernels.md,
     * "Launcher flags"), e.g. "2 MiB (THP madvise, -XX:+UseTransparentHugePages)".
     */
    public static String heapPages() {
        String mode = null;
        try {
            String t = java.nio.file.Files.readString(java.nio.file.Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            int a = t.indexOf('[');
            int b = t.indexOf(']', a + 1);
            mode = a >= 0 && b > a ? t.substring(a + 1, b) : null;
        } catch (java.io.IOException | RuntimeException e) {
            // no THP on this system (or not readable): reported as such
        }
        Boolean asked = null;
        for (String arg : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.equals("-XX:+UseTransparentHugePages")) {
                asked = true;
            } else if (arg.equals("-XX:-UseTransparentHugePages")) {
                asked = false;
            }
        }
        return heapPages(mode, asked != null && asked);
    }

    /** {@link #heapPages()} from the kernel's THP mode (null if unknown) and whether the JVM asked. */
    static String heapPages(String mode, boolean asked) {
        if (mode == null) {
            return "4 KiB (no transparent huge pages)";
        }
        switch (mode) {
            case "always":
                return "2 MiB where the kernel can (THP always)";
            case "madvise":
                return asked ? "2 MiB (THP madvise, -XX:+UseTransparentHugePages)"
                        : "4 KiB (THP madvise, not requested: -XX:+UseTransparentHugePages)";
            default:
                return "4 KiB (THP " + mode + ")";
        }
    }
}
