package org.pcn4j;

/**
 * Receives progress of a long task (a download, an epoch). Core code only reports; user interfaces
 * render (the CLI draws a progress bar). Calls come from the thread doing the work, in the order
 * {@code start}, any number of {@code update}, {@code finish}. Implementations throttle themselves.
 */
public interface ProgressListener {
    /** A task named {@code label} begins; {@code total} units of work, or a negative number if unknown. */
    void start(String label, long total);

    /** {@code current} units of the task are done (absolute, not a delta). */
    void update(long current);

    /** The task ended (successfully or not). */
    void finish();

    /** A listener that ignores everything. */
    static ProgressListener none() {
        return NoProgress.INSTANCE;
    }
}

final class NoProgress implements ProgressListener {
    static final NoProgress INSTANCE = new NoProgress();

    @Override
    public void start(String label, long total) {}

    @Override
    public void update(long current) {}

    @Override
    public void finish() {}
}
