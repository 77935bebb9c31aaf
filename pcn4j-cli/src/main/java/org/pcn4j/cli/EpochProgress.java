package org.pcn4j.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Training progress on stderr: on a terminal one line redrawn in place (epoch, batch, loss,
 * samples/s, ETA); otherwise a plain line at most every 10 seconds, so logs stay readable.
 */
final class EpochProgress {
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long PLAIN_NANOS = 10_000_000_000L;

    private final boolean enabled;
    private final boolean terminal;
    private final int epochs;
    private final int batches;
    private final PrintStream err = System.err;
    private int epoch;
    private long epochStart;
    private long lastDraw;
    private boolean drawn;

    EpochProgress(boolean quiet, int epochs, int batchesPerEpoch) {
        this.enabled = !quiet;
        this.terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        this.epochs = epochs;
        this.batches = batchesPerEpoch;
    }

    void startEpoch(int e) {
        epoch = e;
        epochStart = System.nanoTime();
        lastDraw = epochStart;
    }

    void batch(int done, double loss, long samples) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        long interval = terminal ? REDRAW_NANOS : PLAIN_NANOS;
        if (now - lastDraw < interval && done < batches) {
            return;
        }
        if (!terminal && done == batches) {
            return; // the epoch summary line follows
        }
        lastDraw = now;
        double secs = (now - epochStart) / 1e9;
        double rate = samples / Math.max(secs, 1e-9);
        double eta = secs / done * (batches - done);
        String line = String.format(Locale.ROOT, "epoch %d/%d %s %d/%d  loss %.4f  %.0f samples/s  ETA %s",
                epoch, epochs, bar(done, batches, 24), done, batches, loss, rate, clock(eta));
        if (terminal) {
            err.print("\r" + line + "\u001b[K");
            drawn = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    void finish() {
        if (terminal && drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }

    static String bar(long done, long total, int width) {
        int fill = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
        StringBuilder b = new StringBuilder(width + 2).append('[');
        for (int i = 0; i < width; i++) {
            b.append(i < fill ? '#' : '.');
        }
        return b.append(']').toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
