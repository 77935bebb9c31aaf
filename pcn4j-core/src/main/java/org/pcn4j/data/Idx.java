package org.pcn4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.pcn4j.PcnException;
import org.pcn4j.ProgressListener;
import org.pcn4j.util.InputChecks;

/**
 * Reads IDX files (the MNIST family's format), gzip'd or raw: gzip is recognized by its magic
 * bytes 1f 8b, not by the file name. A file is a big-endian header, magic {@code 00 00 TT D}
 * (type TT, 08 = unsigned byte; D dimensions), D 32-bit sizes, then the data. Every problem is
 * a {@link PcnException} whose one-line message names the file.
 */
public final class Idx {
    /** Magic number of an image file: unsigned bytes, 3 dimensions (count x rows x cols). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a label file: unsigned bytes, 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {}

    /** Images read from an IDX file: {@code count} images of rows x cols bytes, row-major. */
    public static final class Images {
        private final int count;
        private final int rows;
        private final int cols;
        private final byte[] pixels;

        Images(int count, int rows, int cols, byte[] pixels) {
            this.count = count;
            this.rows = rows;
            this.cols = cols;
            this.pixels = pixels;
        }

        public int count() {
            return count;
        }

        public int rows() {
            return rows;
        }

        public int cols() {
            return cols;
        }

        /** The pixels, count * rows * cols bytes (not a copy). */
        public byte[] pixels() {
            return pixels;
        }
    }

    /** Reads an image file (magic 0x00000803). */
    public static Images readImages(Path file) {
        return readImages(file, ProgressListener.none());
    }

    /**
     * Reads an image file (magic 0x00000803), telling {@code progress} about the bytes decoded. The
     * header's sizes are checked against the file's length (raw files) before anything is allocated;
     * gzip'd data is read into a buffer that grows with what the stream really holds.
     */
    public static Images readImages(Path file, ProgressListener progress) {
        long fileSize = InputChecks.regularFile(file, "");
        try (InputStream in = open(file)) {
            int[] dims = header(file, in, IMAGES_MAGIC, "image");
            long n = InputChecks.product(dims[0], dims[1], dims[2]); // -1 past a long: three ints can overflow it
            if (n < 0 || n > InputChecks.MAX_ARRAY) {
                throw new PcnException(file + ": the header claims " + dims[0] + " images of " + dims[1] + "x"
                        + dims[2] + " (" + (n < 0 ? "over 2^63" : Long.toString(n)) + " bytes), more than one Java array holds");
            }
            String what = "pixels (" + dims[0] + " images of " + dims[1] + "x" + dims[2] + ")";
            byte[] pixels = body(file, in, (int) n, what, available(in, fileSize, 16), progress);
            return new Images(dims[0], dims[1], dims[2], pixels);
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    /** Reads a label file (magic 0x00000801): one unsigned byte per label. */
    public static int[] readLabels(Path file) {
        long fileSize = InputChecks.regularFile(file, "");
        try (InputStream in = open(file)) {
            int[] dims = header(file, in, LABELS_MAGIC, "label");
            byte[] b = body(file, in, dims[0], "labels", available(in, fileSize, 8), ProgressListener.none());
            int[] labels = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                labels[i] = b[i] & 0xFF;
            }
            return labels;
        } catch (IOException e) {
            throw ioError(file, e);
        }
    }

    /** Bytes after the header of a raw file; -1 for gzip'd data, whose length is unknown until read. */
    private static long available(InputStream in, long fileSize, int headerBytes) {
        return in instanceof GZIPInputStream ? -1 : fileSize - headerBytes;
    }

    /**
     * Writes an image file (magic 0x00000803, unsigned bytes, count x rows x cols), atomically.
     * {@code pixels} holds count * rows * cols bytes, row-major.
     */
    public static void writeImages(Path file, int count, int rows, int cols, byte[] pixels) {
        if (count < 0 || rows <= 0 || cols <= 0 || pixels.length != (long) count * rows * cols) {
            throw new IllegalArgumentException("need " + count + " x " + rows + " x " + cols + " pixels, got " + pixels.length);
        }
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(16);
        h.putInt(IMAGES_MAGIC).putInt(count).putInt(rows).putInt(cols);
        write(file, h.array(), pixels);
    }

    /** Writes a label file (magic 0x00000801): one unsigned byte (0..255) per label, atomically. */
    public static void writeLabels(Path file, int[] labels) {
        byte[] b = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException("label " + labels[i] + " does not fit a byte");
            }
            b[i] = (byte) labels[i];
        }
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(8);
        h.putInt(LABELS_MAGIC).putInt(labels.length);
        write(file, h.array(), b);
    }

    private static void write(Path file, byte[] header, byte[] body) {
        try {
            org.pcn4j.util.AtomicFiles.write(file, out -> {
                out.write(header);
                out.write(body);
            });
        } catch (IOException e) {
            throw new PcnException("cannot write " + file + ": " + oneLine(String.valueOf(e.getMessage())), e);
        }
    }

    /** Opens a file for reading, decompressing it if it starts with the gzip magic bytes. */
    static InputStream open(Path file) throws IOException {
        InputChecks.regularFile(file, "");
        return maybeGunzip(Files.newInputStream(file));
    }

    /** Wraps {@code raw} in a gunzipping stream if it starts with 1f 8b. Closes raw on failure. */
    static InputStream maybeGunzip(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new GZIPInputStream(in, 1 << 16);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static int[] header(Path file, InputStream in, int expectedMagic, String kind) throws IOException {
        byte[] h = in.readNBytes(4);
        if (h.length < 4) {
            throw new PcnException(file + ": truncated: " + h.length + " bytes, shorter than an IDX header");
        }
        int magic = int32(h, 0);
        if (magic != expectedMagic) {
            String what = (magic >>> 16) == 0 && ((magic >>> 8) & 0xFF) == 0x08
                    ? "an IDX file with " + (magic & 0xFF) + " dimensions"
                    : "magic number " + hex(magic);
            throw new PcnException(file + ": not an IDX " + kind + " file: " + what + ", expected magic "
                    + hex(expectedMagic));
        }
        int nd = expectedMagic & 0xFF;
        byte[] d = in.readNBytes(4 * nd);
        if (d.length < 4 * nd) {
            throw new PcnException(file + ": truncated: the IDX header ends after " + (4 + d.length) + " of "
                    + (4 + 4 * nd) + " bytes");
        }
        int[] dims = new int[nd];
        for (int i = 0; i < nd; i++) {
            dims[i] = int32(d, 4 * i);
            if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
                throw new PcnException(file + ": bad IDX header: dimension " + i + " is "
                        + Integer.toUnsignedString(dims[i]));
            }
        }
        return dims;
    }

    /**
     * The {@code n} bytes the header promises. With {@code available >= 0} (a raw file) a shortfall is
     * reported before allocating; otherwise the buffer grows as data arrives, so a tiny gzip'd file
     * claiming gigabytes costs what it holds, not what it claims.
     */
    private static byte[] body(Path file, InputStream in, int n, String what, long available,
            ProgressListener progress) throws IOException {
        if (available >= 0 && available < n) {
            throw new PcnException(file + ": truncated: the header promises " + n + " bytes of " + what
                    + ", the file holds " + available);
        }
        byte[] data = new byte[available >= 0 ? n : Math.min(n, 1 << 22)];
        int got = 0;
        progress.start("decoding " + (file.getFileName() == null ? file : file.getFileName()), n);
        try {
            while (got < n) {
                if (got == data.length) {
                    data = java.util.Arrays.copyOf(data, (int) Math.min(n, 2L * data.length));
                }
                int r = in.read(data, got, Math.min(data.length - got, 1 << 20));
                if (r < 0) {
                    break;
                }
                got += r;
                progress.update(got);
            }
        } finally {
            progress.finish();
        }
        if (got < n) {
            throw new PcnException(file + ": truncated: the header promises " + n + " bytes of " + what
                    + ", the file holds " + got);
        }
        long extra = 0;
        byte[] skip = new byte[8192];
        for (int r; (r = in.read(skip)) > 0;) {
            extra += r;
        }
        if (extra > 0) {
            throw new PcnException(file + ": " + extra + " unexpected bytes after the " + n + " bytes of " + what
                    + " the header promises");
        }
        return data;
    }

    static PcnException ioError(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new PcnException(file + ": no such file", e);
        }
        if (e instanceof AccessDeniedException) {
            return new PcnException(file + ": permission denied", e);
        }
        if (e instanceof EOFException) {
            return new PcnException(file + ": truncated gzip data (" + oneLine(e.getMessage()) + ")", e);
        }
        if (e instanceof ZipException) {
            return new PcnException(file + ": corrupt gzip data (" + oneLine(e.getMessage()) + ")", e);
        }
        return new PcnException(file + ": read error: " + oneLine(e.toString()), e);
    }

    private static String oneLine(String s) {
        return s == null ? "no detail" : s.replace('\n', ' ').trim();
    }

    private static int int32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static String hex(int v) {
        return String.format("0x%08x", v);
    }
}
