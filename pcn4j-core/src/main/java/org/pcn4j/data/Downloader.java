package org.pcn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.pcn4j.PcnException;
import org.pcn4j.ProgressListener;

/**
 * Downloads a {@link DatasetSource} into a folder. Each file goes to a temporary file in the
 * target folder, is checked (complete transfer, SHA-256 of the uncompressed content) and only
 * then renamed to its final name, so the folder never holds a partial or corrupt file. Files
 * already present with the right content are kept.
 */
public final class Downloader {
    private final Duration timeout;

    public Downloader() {
        this(Duration.ofSeconds(30));
    }

    /** @param timeout for connecting, and the longest wait for data during a transfer */
    public Downloader(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout " + timeout);
        }
        this.timeout = timeout;
    }

    /** What {@link #download} did with each file. */
    public enum Outcome { DOWNLOADED, ALREADY_PRESENT }

    /** Receives one line per file: its name and what happened. */
    public interface Log {
        void file(String name, Outcome outcome, long bytes);
    }

    /**
     * Downloads every file of {@code source} that {@code dir} lacks (creating {@code dir}).
     *
     * @param progress told about each transfer (label: the file name; total: its length if known)
     * @return dir
     */
    public Path download(DatasetSource source, Path dir, ProgressListener progress, Log log) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new PcnException("cannot download into " + dir + ": it is a file, not a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PcnException("cannot create the folder " + dir + ": " + oneLine(e), e);
        }
        for (DatasetSource.RemoteFile f : source.files()) {
            Path target = dir.resolve(f.name());
            removeStaleParts(dir, f.name());
            if (Files.isRegularFile(target) && (f.ofFileBytes() ? fileMatches(target, f.sha256())
                    : contentMatches(target, f.sha256()))) {
                if (log != null) {
                    log.file(f.name(), Outcome.ALREADY_PRESENT, size(target));
                }
                continue;
            }
            URI uri;
            try {
                uri = new URI(source.baseUrl() + f.name());
            } catch (java.net.URISyntaxException e) {
                throw new PcnException("invalid download URL " + source.baseUrl() + f.name() + ": " + oneLine(e), e);
            }
            long bytes = fetch(uri, target, f.sha256(), f.ofFileBytes(), progress);
            if (log != null) {
                log.file(f.name(), Outcome.DOWNLOADED, bytes);
            }
        }
        return dir;
    }

    /**
     * A download killed outright (kill -9, a power cut) leaves its hidden {@code .NAME.*.part} file.
     * The next download of NAME into the folder removes those not written to for
     * {@link #STALE_PART_MILLIS}: a live transfer writes far more often (it fails after the timeout).
     */
    void removeStaleParts(Path dir, String name) {
        long cutoff = System.currentTimeMillis() - Math.max(STALE_PART_MILLIS, 2 * timeout.toMillis());
        String prefix = "." + name + ".";
        try (java.nio.file.DirectoryStream<Path> ds = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".part"))) {
            for (Path p : ds) {
                try {
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(p).toMillis() < cutoff) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException ignored) {
                    // another process may be removing it too; a leftover is harmless
                }
            }
        } catch (IOException ignored) {
            // the folder is unreadable: the download itself will say so
        }
    }

    /** A {@code .part} file untouched this long belongs to a download that died. */
    static final long STALE_PART_MILLIS = 10 * 60 * 1000L;

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Downloads {@code uri} to {@code target} through a temporary file; returns the bytes received. */
    long fetch(URI uri, Path target, String sha256, ProgressListener progress) {
        return fetch(uri, target, sha256, false, progress);
    }

    /** As above; {@code ofFileBytes}: the SHA-256 is of the file as received, not of its content. */
    long fetch(URI uri, Path target, String sha256, boolean ofFileBytes, ProgressListener progress) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = null;
        boolean done = false;
        try {
            // createFile, unlike createTempFile, gives the usual permissions (umask), kept by the rename
            tmp = Files.createFile(dir.resolve("." + target.getFileName() + "."
                    + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".part"));
            long got = transfer(uri, tmp, target.getFileName().toString(),
                    progress == null ? ProgressListener.none() : progress);
            String actual = ofFileBytes ? fileSha256(tmp, uri.toString()) : contentSha256(tmp, uri.toString());
            if (!actual.equals(sha256)) {
                throw new PcnException(uri + ": checksum mismatch: the " + (ofFileBytes ? "file's" : "content's")
                        + " SHA-256 is " + actual + ", expected "
                        + sha256 + " (a corrupt transfer or a different file; nothing was saved)");
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            return got;
        } catch (IOException e) {
            throw new PcnException("cannot save " + target + ": " + oneLine(e), e);
        } finally {
            if (!done && tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private long transfer(URI uri, Path tmp, String label, ProgressListener progress) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("file")) {
            return copyLocal(uri, tmp, label, progress);
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new PcnException(uri + ": unsupported URL scheme '" + scheme + "' (use http, https or file)");
        }
        HttpURLConnection c = connect(uri);
        long got = 0;
        long total = c.getContentLengthLong();
        try (InputStream in = c.getInputStream()) {
            progress.start(label, total);
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int r; (r = in.read(buf)) > 0;) {
                    out.write(buf, 0, r);
                    got += r;
                    progress.update(got);
                }
            } finally {
                progress.finish();
            }
        } catch (SocketTimeoutException e) {
            throw new PcnException(uri + ": transfer stalled for " + timeout.toSeconds() + " s after " + got
                    + " bytes; nothing was saved", e);
        } catch (IOException e) {
            throw new PcnException(uri + ": transfer cut off after " + got + (total >= 0 ? " of " + total : "")
                    + " bytes (" + oneLine(e) + "); nothing was saved", e);
        } finally {
            c.disconnect();
        }
        if (total >= 0 && got != total) {
            throw new PcnException(uri + ": transfer cut off after " + got + " of " + total
                    + " bytes; nothing was saved");
        }
        return got;
    }

    /** A {@code file:} mirror (a local folder or a mounted share): copied like a transfer. */
    private static long copyLocal(URI uri, Path tmp, String label, ProgressListener progress) {
        Path src;
        try {
            src = Path.of(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new PcnException(uri + ": not a usable file URL (" + oneLine(e) + "); write it as file:///abs/path/",
                    e);
        }
        long total = org.pcn4j.util.InputChecks.regularFile(src, "mirror file");
        long got = 0;
        progress.start(label, total);
        try (InputStream in = Files.newInputStream(src); OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0;) {
                out.write(buf, 0, r);
                got += r;
                progress.update(got);
            }
        } catch (IOException e) {
            throw new PcnException(uri + ": copy failed after " + got + " bytes (" + oneLine(e) + "); nothing was saved", e);
        } finally {
            progress.finish();
        }
        return got;
    }

    /** Opens a GET with a 200 response, following up to 5 redirects (also between http and https). */
    private HttpURLConnection connect(URI uri) {
        URI u = uri;
        for (int hops = 0; hops <= 5; hops++) {
            HttpURLConnection c;
            int status;
            try {
                java.net.URLConnection uc = u.toURL().openConnection();
                if (!(uc instanceof HttpURLConnection)) { // a redirect to another scheme
                    throw new PcnException(u + ": not an http(s) URL");
                }
                c = (HttpURLConnection) uc;
                c.setConnectTimeout((int) timeout.toMillis());
                c.setReadTimeout((int) timeout.toMillis());
                c.setInstanceFollowRedirects(false);
                c.setRequestProperty("User-Agent", "pcn4j");
                c.setRequestProperty("Accept-Encoding", "identity");
                status = c.getResponseCode();
            } catch (ConnectException | UnknownHostException | SocketTimeoutException e) {
                String why = e instanceof UnknownHostException ? "unknown host" : oneLine(e);
                throw new PcnException("cannot reach " + u.getHost() + " (" + why
                        + "); check the network, or fetch the files elsewhere and use --data-dir", e);
            } catch (IOException | IllegalArgumentException e) {
                throw new PcnException(u + ": download failed: " + oneLine(e), e);
            }
            if (status == 200) {
                return c;
            }
            String location = c.getHeaderField("Location");
            c.disconnect();
            if (status / 100 == 3 && location != null) {
                u = u.resolve(location);
                continue;
            }
            throw new PcnException(u + ": HTTP " + status);
        }
        throw new PcnException(uri + ": too many redirects");
    }

    /** True if {@code file}'s uncompressed content has this SHA-256; false if not or unreadable. */
    public static boolean contentMatches(Path file, String sha256) {
        try {
            return contentSha256(file, file.toString()).equals(sha256);
        } catch (PcnException e) {
            return false;
        }
    }

    /** True if the file's bytes, as stored, have this SHA-256; false if not or unreadable. */
    public static boolean fileMatches(Path file, String sha256) {
        try {
            return fileSha256(file, file.toString()).equals(sha256);
        } catch (PcnException e) {
            return false;
        }
    }

    /** SHA-256 (hex) of the file's bytes as stored (no gunzipping). */
    public static String fileSha256(Path file, String name) {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0;) {
                md.update(buf, 0, r);
            }
        } catch (IOException e) {
            throw new PcnException(name + ": cannot read (" + oneLine(e) + ")", e);
        }
        return hex(md.digest());
    }

    /** SHA-256 (hex) of the file's content, after gunzipping it if it is gzip'd. */
    public static String contentSha256(Path file, String name) {
        MessageDigest md = sha256();
        try (InputStream in = Idx.open(file)) {
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0;) {
                md.update(buf, 0, r);
            }
        } catch (IOException e) {
            PcnException p = Idx.ioError(file, e);
            throw new PcnException(p.getMessage().replace(file.toString(), name), e);
        }
        return hex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').trim();
    }
}
