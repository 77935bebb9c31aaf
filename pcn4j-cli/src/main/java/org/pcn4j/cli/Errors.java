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
            msg = "out of memory (raise -Xmx through JAVA_OPTS, or use a smaller batch or model)";
        } else if (t instanceof java.io.IOException) {
            msg = "I/O error: " + t.getMessage();
        } else {
            msg = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        if (msg == null) {
            msg = t.getClass().getSimpleName();
        }
        return msg.replace('\n', ' ').trim();
    }
}
