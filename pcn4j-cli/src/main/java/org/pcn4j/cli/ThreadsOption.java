package org.pcn4j.cli;

import org.pcn4j.PcnException;
import org.pcn4j.kernel.Backends;
import picocli.CommandLine.Option;

/** {@code --threads N}, shared by the commands that run kernels (a picocli mixin). */
final class ThreadsOption {
    @Option(names = "--threads", paramLabel = "N", description = "Kernel threads (default: all cores).")
    Integer threads;

    /** Sets the kernels' thread count if the option was given. */
    void apply() {
        if (threads != null) {
            if (threads < 1) {
                throw new PcnException("--threads must be at least 1, got " + threads);
            }
            Backends.setThreads(threads);
        }
    }
}
