package org.pcn4j.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of tar streams (POSIX ustar and GNU, as GNU tar and Python's tarfile write
 * them): enough to read a dataset archive such as {@code cifar-10-binary.tar.gz} in one pass
 * without unpacking it to disk. Regular files only; GNU long names ('L') and pax headers ('x',
 * 'g': their path records) are honoured, other entry types skipped. Not thread-safe.
 */
final class Tar {
    private final InputStream in;
    private final String what;
    private final byte[] header = new byte[512];
    private long remaining;
    private long padding;

    /** One entry: its path inside the archive and its size in bytes. */
    record Entry(String name, long size) {}

    Tar(InputStream in, String what) {
        this.in = in;
        this.what = what;
    }

    /** Moves to the next regular file, or returns null at the end of the archive. */
    Entry next() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        String longName = null;
        while (true) {
            if (!readFully(header, true)) {
                return null; // end of stream without the two zero blocks: accepted, as GNU tar does
            }
            if (allZero(header)) {
                return null;
            }
            checkSum();
            long size = octal(124, 12);
            char type = (char) header[156];
            long pad = (512 - size % 512) % 512;
            if (type == 'L' || type == 'x' || type == 'g') {
                byte[] data = new byte[Math.toIntExact(size)];
                readFully(data, false);
                skip(pad);
                String text = new String(data, StandardCharsets.UTF_8);
                if (type == 'L') {
                    longName = text.indexOf('\0') >= 0 ? text.substring(0, text.indexOf('\0')) : text;
                } else if (type == 'x') {
                    String p = paxPath(text);
                    longName = p != null ? p : longName;
                }
                continue;
            }
            String name = longName != null ? longName : headerName();
            longName = null;
            if (type == '0' || type == '\0' || type == '7') {
                remaining = size;
                padding = pad;
                return new Entry(name, size);
            }
            skip(size + pad);
        }
    }

    /** Reads the current entry's content into {@code b[off .. off + len)}; len must not pass its end. */
    void read(byte[] b, int off, int len) throws IOException {
        if (len > remaining) {
            throw new IOException(what + ": read past the end of a tar entry");
        }
        int done = 0;
        while (done < len) {
            int r = in.read(b, off + done, len - done);
            if (r < 0) {
                throw new EOFException(what + ": tar archive ends inside an entry");
            }
            done += r;
        }
        remaining -= len;
    }

    private String headerName() {
        String name = field(0, 100);
        String magic = field(257, 6);
        if (magic.startsWith("ustar")) {
            String prefix = field(345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
        }
        return name;
    }

    private static String paxPath(String records) {
        // Records are "LEN key=value\n".
        for (String line : records.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0 && line.startsWith("path=", sp + 1)) {
                return line.substring(sp + 6);
            }
        }
        return null;
    }

    private String field(int off, int len) {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return new String(header, off, end - off, StandardCharsets.UTF_8);
    }

    private long octal(int off, int len) throws IOException {
        if ((header[off] & 0x80) != 0) {
            // GNU base-256 for sizes of 8 GiB and more.
            long v = 0;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (header[i] & 0xFF);
            }
            return v;
        }
        long v = 0;
        boolean any = false;
        for (int i = off; i < off + len; i++) {
            int c = header[i];
            if (c == 0 || c == ' ') {
                if (any) {
                    break;
                }
                continue;
            }
            if (c < '0' || c > '7') {
                throw new IOException(what + ": not a tar archive (bad number in a header)");
            }
            v = v * 8 + (c - '0');
            any = true;
        }
        return v;
    }

    private void checkSum() throws IOException {
        long want = octal(148, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
        }
        if (sum != want) {
            throw new IOException(what + ": not a tar archive (header checksum mismatch)");
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean readFully(byte[] b, boolean eofOk) throws IOException {
        int done = 0;
        while (done < b.length) {
            int r = in.read(b, done, b.length - done);
            if (r < 0) {
                if (eofOk && done == 0) {
                    return false;
                }
                throw new EOFException(what + ": tar archive is truncated");
            }
            done += r;
        }
        return true;
    }

    private void skip(long n) throws IOException {
        byte[] buf = n > 0 ? new byte[(int) Math.min(n, 1 << 16)] : null;
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(n, buf.length));
            if (r < 0) {
                throw new EOFException(what + ": tar archive is truncated");
            }
            n -= r;
        }
    }
}
