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

    private static Kernels choose() {
        // Replaced by the Vector API backend once it lands; scalar is always correct.
        return new ScalarKernels();
    }
}
