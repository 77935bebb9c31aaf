package org.pcn4j.util;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file so that readers see either the old or the new contents, never a partial write: the
 * new contents go to a hidden temporary file in the same directory, which is flushed to disk and
 * then moved over the target ({@code ATOMIC_MOVE}, or a plain replacing move where the file system
 * cannot do it atomically). The parent directory must exist.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the contents of a file to a stream; the stream is buffered and closed by the caller. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code file} through {@code body}, atomically replacing any existing file. */
    public static void write(Path file, Body body) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new IOException(file + " is a directory");
        }
        Path dir = target.getParent();
        Path tmp = createTemp(dir, target.getFileName().toString());
        boolean done = false;
        try {
            try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                    BufferedOutputStream out = new BufferedOutputStream(fos, 1 << 16)) {
                body.writeTo(out);
                out.flush();
                fos.getFD().sync();
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original error matters more
                }
            }
        }
    }

    /** Like {@link #write(Path, Body)} for bytes already in memory. */
    public static void write(Path file, byte[] contents) throws IOException {
        write(file, out -> out.write(contents));
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        // Not Files.createTempFile: that makes the file owner-only (0600), which the move would keep.
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** Makes the rename durable where the platform allows opening a directory; best effort. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException ignored) {
            // not supported on every OS or file system
        }
    }
}
