package org.pcn4j.kernel;

import java.util.function.IntConsumer;

/**
 * The kernel threads ({@link Parallel}) for code outside this package that splits its own work,
 * such as the convolutions in {@code org.pcn4j.conv}, which split a batch over samples. A GEMM
 * called from inside a task runs inline on that task's thread, so nesting never oversubscribes.
 */
public final class ParallelFor {
    private ParallelFor() {}

    /**
     * Runs body(0) .. body(tasks-1), each exactly once, on the caller and up to threads-1 kernel
     * threads, and returns when all are done. Results must not depend on which thread ran a task.
     */
    public static void run(int tasks, int threads, IntConsumer body) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        Parallel.run(tasks, threads, body);
    }
}
