package org.pcn4j.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.pcn4j.ProgressListener;

/**
 * Renders a {@link ProgressListener} task on stderr: on a terminal, one line redrawn in place
 * (carriage return) at most 10 times a second; otherwise (a log file, a pipe) a plain line at most
 * every few seconds and one when the task ends. Shows the label, current/total, percentage, rate
 * and time left. Counts bytes (shown as KiB/MiB/GiB) or items (shown with a unit name, such as
 * "batches"). Reusable: each {@link #start} begins a new task.
 */
public final class ProgressBar implements ProgressListener {
    private static final int BAR = 24;

    /**
     * The command's --quiet: no bar of any kind for the rest of this command (dataset decoding and
     * evaluation bars included, which the command does not build itself). {@link Main#run} resets it.
     */
    private static volatile boolean quiet;
    /** Tests stand in for a terminal (null: ask the JVM). */
    static volatile Boolean terminalForTests;

    /** Silences (or, with false, allows) every bar this process draws from now on. */
    public static void quiet(boolean q) {
        quiet = q;
    }

    static boolean isQuiet() {
        return quiet;
    }

    private final PrintWriter out;
    private final boolean terminal;
    private final String unit;
    private final LongSupplier nanoClock;
    private final long intervalNanos;

    private String label = "";
    private long total = -1;
    private long current;
    private long startNanos;
    private long lastDrawNanos;
    private int lastWidth;
    private boolean active;

    /**
     * @param unit null to count bytes, else the name of an item ("batches", "samples")
     * @param terminal redraw in place (true) or print plain lines (false)
     */
    public ProgressBar(PrintWriter out, boolean terminal, String unit) {
        this(out, terminal, unit, System::nanoTime, terminal ? 100_000_000L : 5_000_000_000L);
    }

    ProgressBar(PrintWriter out, boolean terminal, String unit, LongSupplier nanoClock, long intervalNanos) {
        this.out = out;
        this.terminal = terminal;
        this.unit = unit;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
    }

    /** A bar counting bytes on {@code err}, redrawn in place if stderr is a terminal. */
    public static ProgressListener bytes(PrintWriter err) {
        return quiet ? ProgressListener.none() : new ProgressBar(err, isTerminal(), null);
    }

    /** A bar counting items named {@code unit} on {@code err}. */
    public static ProgressBar items(PrintWriter err, String unit) {
        return new ProgressBar(err, isTerminal(), unit);
    }

    /**
     * A bar counting {@code unit} on stderr when it is a terminal, else a listener that ignores
     * everything: for work that was silent before (recall, evaluation, decoding), whose logs and
     * tests should not gain lines. Under --quiet, nothing.
     */
    public static ProgressListener onTerminal(String unit) {
        if (quiet || !isTerminal()) {
            return ProgressListener.none();
        }
        ProgressBar bar = new ProgressBar(new PrintWriter(System.err, true), true, unit);
        return new ProgressListener() {
            @Override
            public void start(String label, long total) {
                bar.start(label, total);
            }

            @Override
            public void update(long current) {
                bar.update(current);
            }

            @Override
            public void finish() {
                bar.clear(); // transient: the command's own output lines stay together
            }
        };
    }

    /**
     * True if the JVM runs attached to a terminal. Since JDK 22, System.console() is non-null
     * even when redirected, so Console.isTerminal() (looked up by reflection: this code targets
     * Java 17) decides where it exists.
     */
    public static boolean isTerminal() {
        Boolean forced = terminalForTests;
        if (forced != null) {
            return forced;
        }
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(c);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true;
        }
    }

    @Override
    public void start(String label, long total) {
        this.label = label == null ? "" : label;
        this.total = total;
        this.current = 0;
        this.startNanos = nanoClock.getAsLong();
        this.lastDrawNanos = startNanos;
        this.lastWidth = 0;
        this.active = true;
        if (terminal) {
            draw(startNanos);
        }
    }

    @Override
    public void update(long current) {
        this.current = current;
        long now = nanoClock.getAsLong();
        if (active && now - lastDrawNanos >= intervalNanos) {
            draw(now);
        }
    }

    /** Changes the text before the bar (e.g. a running loss); shown at the next redraw. */
    public void setLabel(String label) {
        this.label = label == null ? "" : label;
    }

    /**
     * Ends without a closing line: a terminal's bar is erased, so that the caller's own summary
     * line takes its place.
     */
    public void clear() {
        if (!active) {
            return;
        }
        active = false;
        if (terminal && lastWidth > 0) {
            out.print('\r' + " ".repeat(lastWidth) + '\r');
            out.flush();
        }
        lastWidth = 0;
    }

    @Override
    public void finish() {
        if (!active) {
            return;
        }
        active = false;
        long now = nanoClock.getAsLong();
        if (terminal) {
            draw(now);
            out.print('\n');
        } else {
            double secs = (now - startNanos) / 1e9;
            out.println(label + ": " + amount(current) + (total >= 0 && current != total ? " of " + amount(total) : "")
                    + " in " + String.format(Locale.ROOT, "%.1f s", secs) + rateText(secs));
        }
        out.flush();
    }

    private void draw(long now) {
        lastDrawNanos = now;
        String line = terminal ? barLine(now) : plainLine(now);
        if (terminal) {
            int pad = Math.max(0, lastWidth - line.length());
            out.print('\r' + line + " ".repeat(pad));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The in-place line: label [=====>    ]  45%  12.3/26.4 MiB  3.2 MiB/s  ETA 0:04 */
    String barLine(long now) {
        double secs = (now - startNanos) / 1e9;
        StringBuilder sb = new StringBuilder(label);
        if (total > 0) {
            double f = Math.min(1.0, (double) current / total);
            int filled = (int) (f * BAR);
            sb.append(" [").append("=".repeat(filled));
            if (filled < BAR) {
                sb.append('>').append(" ".repeat(BAR - filled - 1));
            }
            sb.append("] ").append(String.format(Locale.ROOT, "%3d%%", (int) (f * 100)));
            sb.append("  ").append(amountOf(current, total));
        } else {
            sb.append("  ").append(amount(current));
        }
        sb.append(rateText(secs).replace(", ", "  "));
        String eta = eta(secs);
        if (!eta.isEmpty()) {
            sb.append("  ETA ").append(eta);
        }
        return sb.toString();
    }

    /** The log line: label: 45% (12.3/26.4 MiB), 3.2 MiB/s, ETA 0:04 */
    String plainLine(long now) {
        double secs = (now - startNanos) / 1e9;
        StringBuilder sb = new StringBuilder(label).append(": ");
        if (total > 0) {
            sb.append((int) Math.min(100, current * 100 / total)).append("% (").append(amountOf(current, total))
                    .append(')');
        } else {
            sb.append(amount(current));
        }
        sb.append(rateText(secs));
        String eta = eta(secs);
        if (!eta.isEmpty()) {
            sb.append(", ETA ").append(eta);
        }
        return sb.toString();
    }

    private String rateText(double secs) {
        if (secs <= 0 || current <= 0) {
            return "";
        }
        double rate = current / secs;
        if (unit == null) {
            return ", " + bytes(rate) + "/s";
        }
        return ", " + String.format(Locale.ROOT, rate >= 100 ? "%.0f" : "%.1f", rate) + " " + unit + "/s";
    }

    private String eta(double secs) {
        if (total <= 0 || current <= 0 || current >= total || secs <= 0) {
            return "";
        }
        return duration((long) Math.ceil((total - current) * secs / current));
    }

    private String amount(long n) {
        return unit == null ? bytes(n) : n + " " + unit;
    }

    private String amountOf(long n, long of) {
        if (unit != null) {
            return n + "/" + of + " " + unit;
        }
        int u = unitIndex(of);
        double div = 1L << (10 * u);
        return String.format(Locale.ROOT, "%.1f/%.1f %s", n / div, of / div, UNITS[u]);
    }

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB"};

    private static int unitIndex(double n) {
        int u = 0;
        while (u < UNITS.length - 1 && n >= 1L << (10 * (u + 1))) {
            u++;
        }
        return u;
    }

    /** 512 B, 1.5 KiB, 26.4 MiB, ... */
    static String bytes(double n) {
        int u = unitIndex(n);
        return u == 0 ? String.format(Locale.ROOT, "%.0f B", n)
                : String.format(Locale.ROOT, "%.1f %s", n / (1L << (10 * u)), UNITS[u]);
    }

    /** h:mm:ss or m:ss. */
    static String duration(long s) {
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
