package org.pcn4j.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.pcn4j.PcnException;

/**
 * Checks shared by the readers, made before anything is opened or allocated: that a path is a
 * regular file (opening a FIFO blocks for ever, a directory gives an unhelpful error), that a size
 * claimed by a file fits what it is checked against, and short quotes of user values for messages
 * (a YAML alias tree expands to megabytes; a message must stay one readable line).
 */
public final class InputChecks {
    /** The longest quote of an offending value in an error message, in characters. */
    public static final int MAX_QUOTE = 200;

    /** Elements one Java array can hold (the JDK's own limit, a little below Integer.MAX_VALUE). */
    public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private InputChecks() {}

    /**
     * Returns the size in bytes of {@code file} if it is a regular file (symbolic links followed);
     * otherwise throws a one-line {@link PcnException} starting with {@code what} and the file, saying
     * what it is instead (missing, a directory, a FIFO or device), without opening it.
     */
    public static long regularFile(Path file, String what) {
        String w = (what == null || what.isEmpty() ? "" : what + " ") + file;
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new PcnException(w + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new PcnException(w + ": permission denied", e);
        } catch (IOException e) {
            throw new PcnException(w + ": cannot read: " + oneLine(String.valueOf(e.getMessage())), e);
        }
        if (a.isDirectory()) {
            throw new PcnException(w + ": is a directory, not a file");
        }
        if (!a.isRegularFile()) {
            throw new PcnException(w + ": is not a regular file (a FIFO, socket or device); give a file");
        }
        return a.size();
    }

    /**
     * {@code s} on one line, cut to at most {@link #MAX_QUOTE} characters (with "... (N chars)" when
     * cut), for quoting a user's value in a message.
     */
    public static String quote(Object value) {
        String s = oneLine(String.valueOf(value));
        if (s.length() <= MAX_QUOTE) {
            return s;
        }
        return s.substring(0, MAX_QUOTE - 3) + "... (" + s.length() + " chars)";
    }

    /** The product of non-negative {@code dims}, or -1 when it does not fit in a long. */
    public static long product(long... dims) {
        long p = 1;
        for (long d : dims) {
            if (d < 0) {
                return -1;
            }
            if (d == 0) {
                return 0;
            }
        }
        for (long d : dims) {
            if (p > Long.MAX_VALUE / d) {
                return -1;
            }
            p *= d;
        }
        return p;
    }

    /**
     * Refuses, before allocating, work whose arrays would need more than the JVM may ever have:
     * {@code bytes} against {@link Runtime#maxMemory()}. {@code what} names the thing ("graph.yaml:
     * the weights"). A negative {@code bytes} means the count overflowed a long.
     */
    public static void fitsHeap(String what, long bytes) {
        long max = Runtime.getRuntime().maxMemory();
        if (bytes < 0 || (max != Long.MAX_VALUE && bytes > max)) {
            throw new PcnException(what + " would need " + (bytes < 0 ? "more than 8 EiB" : gib(bytes))
                    + " of memory, more than the JVM's limit of " + gib(max)
                    + " (raise it with -Xmx, for ./pcn4j in PCN4J_JAVA_OPTS, if the machine has the memory)");
        }
    }

    /**
     * Runs {@code body}; an {@link OutOfMemoryError} in it is thrown again with the message
     * "while loading WHAT", which the CLI turns into one line naming what was being loaded. (The
     * failed allocation never happened, so there is memory to build the new error; an error already
     * named by an inner load keeps its name.)
     */
    public static <T> T loading(String what, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (OutOfMemoryError e) {
            if (e.getMessage() != null && e.getMessage().startsWith(OOM_PREFIX)) {
                throw e;
            }
            OutOfMemoryError named = new OutOfMemoryError(OOM_PREFIX + what);
            named.initCause(e);
            throw named;
        }
    }

    /** How {@link #loading} starts the messages it gives. */
    public static final String OOM_PREFIX = "while loading ";

    /** {@code bytes} as a short human figure ("1.9 GiB", "512 MiB"). */
    public static String gib(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return bytes + " bytes";
    }

    private static String oneLine(String s) {
        return s.replace('\r', ' ').replace('\n', ' ').trim();
    }
}
