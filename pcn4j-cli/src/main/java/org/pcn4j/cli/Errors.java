package org.pcn4j.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.pcn4j.PcnException;

/** Turns any exception into one line that names the problem. */
final class Errors {
    private Errors() {}

    static String describe(Throwable ex) {
        Throwable t = ex;
        while ((t instanceof UncheckedIOException || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        String msg;
        if (t instanceof org.pcn4j.model.DivergenceException) {
            // A query's inference (train adds its own context): the usual cure is a smaller step.
            msg = t.getMessage() + "; try a smaller --state-lr (or --recall-lr)";
        } else if (t instanceof PcnException) {
            msg = t.getMessage();
        } else if (t instanceof NoSuchFileException) {
            msg = "no such file: " + ((NoSuchFileException) t).getFile();
        } else if (t instanceof AccessDeniedException) {
            msg = "permission denied: " + ((AccessDeniedException) t).getFile();
        } else if (t instanceof NotDirectoryException) {
            msg = "not a directory: " + ((NotDirectoryException) t).getFile();
        } else if (t instanceof FileAlreadyExistsException) {
            msg = "file exists: " + ((FileAlreadyExistsException) t).getFile();
        } else if (t instanceof OutOfMemoryError) {
            msg = outOfMemory((OutOfMemoryError) t, null);
        } else if (t instanceof java.io.IOException) {
            msg = "I/O error: " + t.getMessage();
        } else {
            msg = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        if (msg == null) {
            msg = t.getClass().getSimpleName();
        }
        msg = msg.replace('\r', ' ').replace('\n', ' ').trim();
        // The last guard for one readable line: messages quote at most ~200 characters of a value,
        // so anything longer is a value that escaped quoting (a YAML alias tree, a huge line).
        return msg.length() <= MAX_MESSAGE ? msg : msg.substring(0, MAX_MESSAGE - 3) + "...";
    }

    static final int MAX_MESSAGE = 600;

    /** {@code s} on one line, at most {@link #MAX_MESSAGE} characters. */
    static String cap(String s) {
        String m = s == null ? "" : s.replace('\r', ' ').replace('\n', ' ').trim();
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE - 3) + "...";
    }

    /**
     * One line for an OutOfMemoryError: what was being loaded (the message core's
     * {@code InputChecks.loading} gives) or the command that ran, the JVM's limit, and how to raise
     * it through the launcher.
     */
    static String outOfMemory(OutOfMemoryError e, String command) {
        String m = e.getMessage();
        String what = m != null && m.startsWith(org.pcn4j.util.InputChecks.OOM_PREFIX) ? m
                : "while running " + (command == null ? "the command" : "'" + command + "'")
                        + (m == null || m.isBlank() ? "" : " (" + m.replace('\n', ' ').trim() + ")");
        long max = Runtime.getRuntime().maxMemory();
        long suggest = max == Long.MAX_VALUE ? 8 : Math.max(2, 2 * ((max + (1L << 30) - 1) >> 30));
        return "out of memory " + what + ": the JVM may use " + org.pcn4j.util.InputChecks.gib(max)
                + "; give it more with PCN4J_JAVA_OPTS=-Xmx" + suggest + "g (if the machine has it), or use a smaller"
                + " batch or model";
    }
}
