package org.pcn4j.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.util.AtomicFiles;
import org.pcn4j.util.InputChecks;
import org.pcn4j.util.Json;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON header, then the raw
 * little-endian, row-major tensor data. The header maps each tensor name to
 * {@code {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}} (offsets relative to the start
 * of the data) and may hold {@code "__metadata__"}, a string-to-string map.
 *
 * <p>Files are written like the reference implementation does: compact JSON, {@code __metadata__}
 * first (left out when empty), tensors contiguous in the given order, header padded with spaces to a
 * multiple of 8 bytes. Only F32 is written. Reading accepts F32, F64, F16, BF16, I64, I32, I16, I8,
 * U64, U32, U16, U8 and BOOL, all converted to {@code float}; other dtypes (FP8 and newer ones) are an
 * error. Reading is as strict as the reference: tensors must tile the data section exactly, with no
 * gaps, overlaps or trailing bytes. Every problem throws a one-line {@link PcnException} naming the
 * file.
 *
 * <p>Over 400 lines: the reader, its strict header checks and the writer of one format are kept
 * together so what {@code write} produces and what {@code read} accepts are checked side by side.
 */
public final class SafeTensors {
    /** The reference implementation refuses headers above this size; so do we. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {}

    /**
     * One tensor: a name, a shape (empty for a scalar; dimensions may be 0) and its row-major values.
     * The arrays are not copied. Equality compares the contents of the arrays.
     */
    public record Entry(String name, int[] shape, float[] data) {
        public Entry {
            if (name == null || shape == null || data == null) {
                throw new NullPointerException("name, shape and data must not be null");
            }
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named " + METADATA_KEY);
            }
            long[] dims = new long[shape.length];
            for (int k = 0; k < shape.length; k++) {
                if (shape[k] < 0) {
                    throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape "
                            + Arrays.toString(shape));
                }
                dims[k] = shape[k];
            }
            long n = elementCount(dims);
            if (n != data.length) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                        + " needs " + n + " values but data has " + data.length);
            }
        }

        /** A 2-D tensor of {@code rows x cols}. */
        public static Entry of(String name, int rows, int cols, float[] data) {
            return new Entry(name, new int[] {rows, cols}, data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry && ((Entry) o).name.equals(name) && Arrays.equals(((Entry) o).shape, shape)
                    && Arrays.equals(((Entry) o).data, data);
        }

        @Override
        public int hashCode() {
            return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Entry[" + name + ", shape=" + Arrays.toString(shape) + ", " + data.length + " values]";
        }
    }

    /** What {@link #read} found: the file, its metadata and its tensors in header order. */
    public record Contents(Path file, Map<String, String> metadata, LinkedHashMap<String, Entry> tensors) {
        /** The tensor called {@code name}; a {@link PcnException} naming the file if there is none. */
        public Entry get(String name) {
            Entry e = tensors.get(name);
            if (e == null) {
                String have = String.join(", ", tensors.keySet());
                if (have.length() > 200) {
                    have = have.substring(0, 197) + "...";
                }
                throw new PcnException("no tensor '" + InputChecks.quote(name) + "' in " + file
                        + (tensors.isEmpty() ? " (it holds no tensors)" : " (it has: " + have + ")"));
            }
            return e;
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code tensors} (F32, in the given order) and {@code metadata} (may be null or empty) to
     * {@code file}, atomically replacing it.
     */
    public static void write(Path file, Map<String, String> metadata, List<Entry> tensors) {
        byte[] header = header(metadata, tensors);
        try {
            AtomicFiles.write(file, out -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                len.putLong(header.length);
                out.write(len.array());
                out.write(header);
                byte[] chunk = new byte[1 << 16];
                for (Entry t : tensors) {
                    writeFloats(out, t.data(), chunk);
                }
            });
        } catch (IOException e) {
            throw new PcnException("cannot write " + file + ": " + describe(e), e);
        }
    }

    /** The padded header bytes for {@code tensors}; package-private for tests. */
    static byte[] header(Map<String, String> metadata, List<Entry> tensors) {
        LinkedHashMap<String, Object> h = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null");
                }
            }
            h.put(METADATA_KEY, metadata);
        }
        long offset = 0;
        for (Entry t : tensors) {
            LinkedHashMap<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", t.shape());
            long end = offset + 4L * t.data().length;
            info.put("data_offsets", new long[] {offset, end});
            if (h.put(t.name(), info) != null) {
                throw new IllegalArgumentException("duplicate tensor name '" + t.name() + "'");
            }
            offset = end;
        }
        byte[] json = Json.write(h).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeFloats(OutputStream out, float[] data, byte[] chunk) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int per = chunk.length / 4;
        for (int off = 0; off < data.length; off += per) {
            int n = Math.min(per, data.length - off);
            bb.clear();
            bb.asFloatBuffer().put(data, off, n);
            out.write(chunk, 0, n * 4);
        }
    }

    // ---------------------------------------------------------------- reading

    /** Reads every tensor of {@code file}, converting them to float. */
    public static Contents read(Path file) {
        if (java.nio.file.Files.exists(file)) { // a missing file keeps its usual message below
            InputChecks.regularFile(file, "cannot read");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch);
        } catch (PcnException e) {
            throw e;
        } catch (EOFException e) {
            throw bad(file, "the file ended early (was it changed while being read?)");
        } catch (IOException e) {
            throw new PcnException("cannot read " + file + ": " + describe(e), e);
        }
    }

    private static final class Info {
        final String name;
        final Dtype dtype;
        final int[] shape;
        final long begin;
        final long end;
        final int count;

        Info(String name, Dtype dtype, int[] shape, long begin, long end, int count) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
            this.count = count;
        }
    }

    private static Contents read(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw bad(file, "the file is " + size + " bytes long, shorter than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > size - 8) {
            throw bad(file, "the header length " + Long.toUnsignedString(n) + " is larger than the rest of the file ("
                    + (size - 8) + " bytes)");
        }
        if (n > MAX_HEADER_BYTES) {
            throw bad(file, "the header length " + n + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) n);
        readFully(ch, headerBuf, 8);
        String text;
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBuf.flip());
            text = chars.toString();
        } catch (CharacterCodingException e) {
            throw bad(file, "the header is not valid UTF-8");
        }
        Map<String, Object> header;
        try {
            header = Json.parseObject(text);
        } catch (PcnException e) {
            throw bad(file, "the header is not valid JSON: " + e.getMessage());
        }

        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        List<Info> infos = new ArrayList<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(file, e.getValue(), metadata);
            } else {
                infos.add(info(file, e.getKey(), e.getValue()));
            }
        }

        // The tensors must tile the data section exactly.
        List<Info> byOffset = new ArrayList<>(infos);
        byOffset.sort(Comparator.<Info>comparingLong(i -> i.begin).thenComparingLong(i -> i.end));
        long expected = 0;
        Info previous = null;
        for (Info i : byOffset) {
            if (i.begin != expected) {
                throw bad(file, "tensor '" + InputChecks.quote(i.name) + "' starts at data offset " + i.begin + " but "
                        + (previous == null ? "the first tensor must start at 0"
                                : i.begin < expected ? "overlaps tensor '" + InputChecks.quote(previous.name) + "' which ends at " + expected
                                        : "tensor '" + InputChecks.quote(previous.name) + "' ends at " + expected + " (a gap)"));
            }
            expected = i.end;
            previous = i;
        }
        long available = size - 8 - n;
        if (expected > available) {
            throw bad(file, "truncated: the tensors need " + expected + " bytes of data but the file has " + available);
        }
        if (expected < available) {
            throw bad(file, (available - expected) + " unexpected bytes after the last tensor");
        }

        long floats = 0;
        for (Info i : infos) {
            floats += i.count;
        }
        InputChecks.fitsHeap("safetensors file " + file + ": its " + infos.size() + " tensors", 4 * floats);
        long base = 8 + n;
        // No bigger than the data: a direct buffer is zeroed and freed late, which small files should not pay for.
        ByteBuffer chunk = ByteBuffer.allocateDirect((int) Math.min(CHUNK_BYTES, Math.max(8, expected)))
                .order(ByteOrder.LITTLE_ENDIAN);
        LinkedHashMap<String, Entry> tensors = new LinkedHashMap<>();
        for (Info i : infos) {
            float[] data = new float[i.count];
            int per = chunk.capacity() / i.dtype.size;
            long pos = base + i.begin;
            for (int off = 0; off < i.count; off += per) {
                int k = Math.min(per, i.count - off);
                chunk.clear().limit(k * i.dtype.size);
                readFully(ch, chunk, pos);
                chunk.flip();
                decode(i.dtype, chunk, data, off, k);
                pos += (long) k * i.dtype.size;
            }
            tensors.put(i.name, new Entry(i.name, i.shape, data));
        }
        return new Contents(file, metadata, tensors);
    }

    private static void readMetadata(Path file, Object value, Map<String, String> metadata) {
        if (!(value instanceof Map)) {
            throw bad(file, METADATA_KEY + " must be an object of strings");
        }
        for (Map.Entry<?, ?> m : ((Map<?, ?>) value).entrySet()) {
            if (!(m.getValue() instanceof String)) {
                throw bad(file, METADATA_KEY + " value of \"" + InputChecks.quote(m.getKey()) + "\" is not a string");
            }
            metadata.put((String) m.getKey(), (String) m.getValue());
        }
    }

    private static Info info(Path file, String name, Object value) {
        String what = "tensor '" + InputChecks.quote(name) + "'";
        if (!(value instanceof Map)) {
            throw bad(file, what + " must be an object with dtype, shape and data_offsets");
        }
        Map<?, ?> m = (Map<?, ?>) value;
        Object dt = m.get("dtype");
        if (!(dt instanceof String)) {
            throw bad(file, what + ": dtype is " + (dt == null ? "missing" : "not a string"));
        }
        Dtype dtype = Dtype.of((String) dt);
        if (dtype == null) {
            throw bad(file, what + ": unsupported dtype '" + InputChecks.quote(dt) + "' (supported: " + Dtype.names() + ")");
        }
        List<Long> shapeList = longs(file, what + ": shape", m.get("shape"), -1);
        int[] shape = new int[shapeList.size()];
        long[] dims = new long[shape.length];
        for (int k = 0; k < shape.length; k++) {
            dims[k] = shapeList.get(k);
            shape[k] = (int) Math.min(dims[k], Integer.MAX_VALUE);
        }
        long count = elementCount(dims);
        if (count > Integer.MAX_VALUE - 8) {
            throw bad(file, what + ": shape " + Arrays.toString(dims) + " has too many elements for one Java array");
        }
        List<Long> offsets = longs(file, what + ": data_offsets", m.get("data_offsets"), 2);
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (end < begin) {
            throw bad(file, what + ": data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        long bytes = count * dtype.size;
        if (end - begin != bytes) {
            throw bad(file, what + ": data_offsets [" + begin + ", " + end + "] span " + (end - begin)
                    + " bytes but shape " + Arrays.toString(dims) + " of " + dtype.name() + " needs " + bytes);
        }
        return new Info(name, dtype, shape, begin, end, (int) count);
    }

    private static List<Long> longs(Path file, String what, Object value, int length) {
        if (!(value instanceof List)) {
            throw bad(file, what + " is " + (value == null ? "missing" : "not an array"));
        }
        List<?> list = (List<?>) value;
        if (length >= 0 && list.size() != length) {
            throw bad(file, what + " must have " + length + " entries, not " + list.size());
        }
        List<Long> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof Long) || (Long) o < 0) {
                throw bad(file, what + " must hold non-negative integers, not " + InputChecks.quote(Json.write(o)));
            }
            out.add((Long) o);
        }
        return out;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new EOFException();
            }
            pos += r;
        }
    }

    /** The product of non-negative {@code dims}, or {@code Long.MAX_VALUE} when above {@code Integer.MAX_VALUE}. */
    private static long elementCount(long[] dims) {
        for (long d : dims) {
            if (d == 0) {
                return 0;
            }
        }
        long n = 1;
        for (long d : dims) {
            if (d > Integer.MAX_VALUE || n > Integer.MAX_VALUE / d) {
                return Long.MAX_VALUE;
            }
            n *= d;
        }
        return n;
    }

    // ---------------------------------------------------------------- dtypes

    private enum Dtype {
        BOOL(1), U8(1), I8(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

        final int size;

        Dtype(int size) {
            this.size = size;
        }

        static Dtype of(String s) {
            for (Dtype d : values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
            return null;
        }

        static String names() {
            StringBuilder sb = new StringBuilder();
            for (Dtype d : values()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(d.name());
            }
            return sb.toString();
        }
    }

    /** Converts {@code k} values from {@code buf} (little-endian, positioned at 0) into {@code dst[off..]}. */
    private static void decode(Dtype dtype, ByteBuffer buf, float[] dst, int off, int k) {
        switch (dtype) {
            case F32:
                buf.asFloatBuffer().get(dst, off, k);
                break;
            case F64:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = (float) buf.getDouble(8 * j);
                }
                break;
            case F16:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = halfToFloat(buf.getShort(2 * j));
                }
                break;
            case BF16:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = Float.intBitsToFloat((buf.getShort(2 * j) & 0xffff) << 16);
                }
                break;
            case I64:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = (float) buf.getLong(8 * j);
                }
                break;
            case U64:
                for (int j = 0; j < k; j++) {
                    long v = buf.getLong(8 * j);
                    dst[off + j] = v >= 0 ? (float) v : (float) ((v >>> 1) | (v & 1)) * 2f;
                }
                break;
            case I32:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = (float) buf.getInt(4 * j);
                }
                break;
            case U32:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = (float) Integer.toUnsignedLong(buf.getInt(4 * j));
                }
                break;
            case I16:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = buf.getShort(2 * j);
                }
                break;
            case U16:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = buf.getShort(2 * j) & 0xffff;
                }
                break;
            case I8:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = buf.get(j);
                }
                break;
            case U8:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = buf.get(j) & 0xff;
                }
                break;
            case BOOL:
                for (int j = 0; j < k; j++) {
                    dst[off + j] = buf.get(j) != 0 ? 1f : 0f;
                }
                break;
            default:
                throw new AssertionError(dtype);
        }
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat exists only from Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float f = mant * 0x1p-24f; // zero or subnormal, exact
            return sign != 0 ? -f : f;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static PcnException bad(Path file, String problem) {
        return new PcnException("invalid safetensors file " + file + ": " + problem);
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return (m == null ? e.getClass().getSimpleName() : m).replace('\n', ' ');
    }
}
