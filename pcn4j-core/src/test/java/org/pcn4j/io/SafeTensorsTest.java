package org.pcn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.io.SafeTensors.Contents;
import org.pcn4j.io.SafeTensors.Entry;

class SafeTensorsTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- byte layout

    /**
     * A 1x1x2x3 F32 tensor "attn0" holding 0..5, no metadata, computed by hand from the spec: u64 LE
     * header length 72, the 65-byte compact JSON header plus 7 spaces, then 6 little-endian floats.
     * The reference implementation's own unit test expects exactly these bytes.
     */
    private static final String ATTN0_HEX = "4800000000000000"
            + "7b226174746e30223a7b226474797065223a22463332222c227368617065223a5b312c312c322c335d2c2264617461"
            + "5f6f666673657473223a5b302c32345d7d7d" + "20202020202020"
            + "00000000" + "0000803f" + "00000040" + "00004040" + "00008040" + "0000a040";

    /** No tensors, metadata {"framework": "pt"}: header length 40 = 35 bytes of JSON plus 5 spaces. */
    private static final String EMPTY_WITH_METADATA_HEX = "2800000000000000"
            + "7b225f5f6d657461646174615f5f223a7b226672616d65776f726b223a227074227d7d" + "2020202020";

    @Test
    void byteLayoutMatchesTheSpec() throws IOException {
        Path f = dir.resolve("attn.safetensors");
        SafeTensors.write(f, null, List.of(new Entry("attn0", new int[] {1, 1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5})));
        assertEquals(ATTN0_HEX, HexFormat.of().formatHex(Files.readAllBytes(f)));

        Path g = dir.resolve("empty.safetensors");
        SafeTensors.write(g, Map.of("framework", "pt"), List.of());
        assertEquals(EMPTY_WITH_METADATA_HEX, HexFormat.of().formatHex(Files.readAllBytes(g)));

        Path h = dir.resolve("nothing.safetensors");
        SafeTensors.write(h, Map.of(), List.of());
        assertEquals("0800000000000000" + "7b7d" + "202020202020", HexFormat.of().formatHex(Files.readAllBytes(h)));
    }

    @Test
    void readsTheHandComputedFiles() throws IOException {
        Path f = dir.resolve("a.safetensors");
        Files.write(f, HexFormat.of().parseHex(ATTN0_HEX));
        Contents c = SafeTensors.read(f);
        assertEquals(Map.of(), c.metadata());
        assertEquals(List.of("attn0"), new ArrayList<>(c.tensors().keySet()));
        assertArrayEquals(new int[] {1, 1, 2, 3}, c.get("attn0").shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, c.get("attn0").data());

        Files.write(f, HexFormat.of().parseHex(EMPTY_WITH_METADATA_HEX));
        c = SafeTensors.read(f);
        assertEquals(Map.of("framework", "pt"), c.metadata());
        assertTrue(c.tensors().isEmpty());
    }

    @Test
    void headerIsPaddedToEightBytesAndDataFollowsIt() {
        for (int len = 1; len < 20; len++) {
            byte[] h = SafeTensors.header(Map.of("k", "v".repeat(len)), List.of(new Entry("t", new int[] {1}, new float[1])));
            assertEquals(0, h.length % 8);
            String text = new String(h, StandardCharsets.UTF_8);
            assertTrue(text.startsWith("{\"__metadata__\":{\"k\":\"" + "v".repeat(len) + "\"},\"t\":"));
            assertTrue(text.stripTrailing().endsWith("}"));
        }
    }

    // ---------------------------------------------------------------- round trips

    @Test
    void roundTripKeepsShapesOrderAndBits() {
        SplittableRandom r = new SplittableRandom(1);
        float[] odd = new float[3 * 5 * 7];
        for (int i = 0; i < odd.length; i++) {
            odd[i] = (float) r.nextGaussian();
        }
        odd[0] = Float.NaN;
        odd[1] = -0f;
        odd[2] = Float.NEGATIVE_INFINITY;
        odd[3] = Float.MIN_VALUE;
        List<Entry> tensors = List.of(
                new Entry("z.last-name", new int[] {3, 5, 7}, odd),
                new Entry("scalar", new int[] {}, new float[] {42.5f}),
                new Entry("empty", new int[] {0, 3}, new float[0]),
                new Entry("empty2", new int[] {3, 0, 2}, new float[0]),
                new Entry("vec", new int[] {1}, new float[] {-1f}),
                Entry.of("ünï code/é", 2, 2, new float[] {1, 2, 3, 4}));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pcn4j");
        meta.put("json", "{\"layers\": [784, 10], \"x\": \"\\n\"}");
        meta.put("empty", "");
        Path f = dir.resolve("m.safetensors");
        SafeTensors.write(f, meta, tensors);

        Contents c = SafeTensors.read(f);
        assertEquals(f, c.file());
        assertEquals(meta, c.metadata());
        assertEquals(List.of("format", "json", "empty"), new ArrayList<>(c.metadata().keySet()));
        assertEquals(List.of("z.last-name", "scalar", "empty", "empty2", "vec", "ünï code/é"),
                new ArrayList<>(c.tensors().keySet()));
        assertEquals(tensors, new ArrayList<>(c.tensors().values()));
        for (Entry t : tensors) {
            Entry back = c.get(t.name());
            assertArrayEquals(t.shape(), back.shape());
            for (int i = 0; i < t.data().length; i++) {
                assertEquals(Float.floatToRawIntBits(t.data()[i]), Float.floatToRawIntBits(back.data()[i]));
            }
        }
    }

    @Test
    void largeTensorsCrossReadChunks() {
        int n = 700_001; // 2.8 MB, more than two read chunks, not a multiple of them
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = i * 0.5f - 7;
        }
        float[] b = {1, 2, 3};
        Path f = dir.resolve("big.safetensors");
        SafeTensors.write(f, null, List.of(new Entry("b", new int[] {3}, b), new Entry("a", new int[] {n, 1}, a)));
        Contents c = SafeTensors.read(f);
        assertArrayEquals(a, c.get("a").data());
        assertArrayEquals(b, c.get("b").data());
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("w.safetensors");
        SafeTensors.write(f, Map.of("v", "1"), List.of(new Entry("x", new int[] {2}, new float[] {1, 2})));
        SafeTensors.write(f, Map.of("v", "2"), List.of(new Entry("y", new int[] {1}, new float[] {3})));
        Contents c = SafeTensors.read(f);
        assertEquals("2", c.metadata().get("v"));
        assertEquals(List.of("y"), new ArrayList<>(c.tensors().keySet()));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
    }

    @Test
    void writeErrors() throws IOException {
        Entry x = new Entry("x", new int[] {1}, new float[1]);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(dir.resolve("d.safetensors"), null, List.of(x, x)));
        PcnException e = assertThrows(PcnException.class,
                () -> SafeTensors.write(dir.resolve("no/such/dir/m.safetensors"), null, List.of(x)));
        assertTrue(e.getMessage().startsWith("cannot write " + dir.resolve("no/such/dir/m.safetensors") + ": "), e.getMessage());
        Files.createDirectory(dir.resolve("sub"));
        assertThrows(PcnException.class, () -> SafeTensors.write(dir.resolve("sub"), null, List.of(x)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("sub")), s.toList(), "failed writes leave nothing behind");
        }
    }

    @Test
    void entryValidation() {
        assertThrows(IllegalArgumentException.class, () -> new Entry("a", new int[] {2, 2}, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> new Entry("a", new int[] {-1}, new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new Entry("__metadata__", new int[] {}, new float[1]));
        assertThrows(IllegalArgumentException.class,
                () -> new Entry("a", new int[] {1 << 20, 1 << 20, 1 << 20, 1 << 20}, new float[0]));
        assertThrows(NullPointerException.class, () -> new Entry(null, new int[] {}, new float[1]));
        new Entry("a", new int[] {1 << 20, 1 << 20, 0, 1 << 20}, new float[0]);
        assertEquals("Entry[a, shape=[2, 3], 6 values]", Entry.of("a", 2, 3, new float[6]).toString());
    }

    // ---------------------------------------------------------------- other dtypes

    /** Writes a file with the given header JSON (unpadded) and data bytes. */
    private Path raw(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return rawBytes(h, data, h.length);
    }

    private Path rawBytes(byte[] header, byte[] data, long declaredLength) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
        out.write(header);
        out.write(data);
        Path f = Files.createTempFile(dir, "raw", ".safetensors");
        Files.write(f, out.toByteArray());
        return f;
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    private float[] readOne(String dtype, int count, byte[] data) throws IOException {
        Path f = raw("{" + tensor("t", dtype, "[" + count + "]", 0, data.length) + "}", data);
        Entry e = SafeTensors.read(f).get("t");
        assertArrayEquals(new int[] {count}, e.shape());
        return e.data();
    }

    @Test
    void readsOtherDtypesAsFloat() throws IOException {
        assertArrayEquals(new float[] {1.5f, -2f, 1e-3f},
                readOne("F64", 3, le(24).putDouble(1.5).putDouble(-2).putDouble(1e-3).array()));
        // F16: 1, -2, 65504 (max), 2^-24 (smallest subnormal), -0, +inf, 0.333251953125
        float[] h = readOne("F16", 7, le(14).putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x7bff)
                .putShort((short) 0x0001).putShort((short) 0x8000).putShort((short) 0x7c00).putShort((short) 0x3555).array());
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY, 0.333251953125f}, h);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(h[4]));
        assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7e00)));
        assertEquals(0x1p-14f, SafeTensors.halfToFloat((short) 0x0400), "smallest normal");
        assertEquals(0x3ffp-24f, SafeTensors.halfToFloat((short) 0x03ff), "largest subnormal");
        // BF16: 1, -2, 3.140625
        assertArrayEquals(new float[] {1f, -2f, 3.140625f},
                readOne("BF16", 3, le(6).putShort((short) 0x3f80).putShort((short) 0xc000).putShort((short) 0x4049).array()));
        assertArrayEquals(new float[] {-3f, 1e12f}, readOne("I64", 2, le(16).putLong(-3).putLong(1_000_000_000_000L).array()));
        assertArrayEquals(new float[] {1.8446744e19f, 5f}, readOne("U64", 2, le(16).putLong(-1).putLong(5).array()));
        assertArrayEquals(new float[] {-7f, 123456f}, readOne("I32", 2, le(8).putInt(-7).putInt(123456).array()));
        assertArrayEquals(new float[] {4.2949673e9f}, readOne("U32", 1, le(4).putInt(-1).array()));
        assertArrayEquals(new float[] {-2f, 300f}, readOne("I16", 2, le(4).putShort((short) -2).putShort((short) 300).array()));
        assertArrayEquals(new float[] {65535f}, readOne("U16", 1, le(2).putShort((short) -1).array()));
        assertArrayEquals(new float[] {-1f, 127f}, readOne("I8", 2, new byte[] {-1, 127}));
        assertArrayEquals(new float[] {255f, 0f, 7f}, readOne("U8", 3, new byte[] {-1, 0, 7}));
        assertArrayEquals(new float[] {1f, 0f, 1f}, readOne("BOOL", 3, new byte[] {1, 0, 1}));
    }

    @Test
    void mixedDtypesInOneFileAndHeaderOrderNotOffsetOrder() throws IOException {
        byte[] data = le(4 + 8).putFloat(2.5f).putDouble(-1.25).array();
        String header = "{" + tensor("second", "F64", "[1]", 4, 12) + "," + tensor("first", "F32", "[]", 0, 4) + "}";
        Contents c = SafeTensors.read(raw(header, data));
        assertEquals(List.of("second", "first"), new ArrayList<>(c.tensors().keySet()));
        assertArrayEquals(new float[] {-1.25f}, c.get("second").data());
        assertArrayEquals(new float[] {2.5f}, c.get("first").data());
        assertArrayEquals(new int[] {}, c.get("first").shape());
    }

    // ---------------------------------------------------------------- read errors

    private String readError(Path f) {
        String m = assertThrows(PcnException.class, () -> SafeTensors.read(f)).getMessage();
        assertFalse(m.contains("\n"), m);
        assertTrue(m.contains(f.toString()), m);
        return m;
    }

    private String headerError(String header, byte[] data) throws IOException {
        Path f = raw(header, data);
        String m = readError(f);
        assertTrue(m.startsWith("invalid safetensors file " + f + ": "), m);
        return m.substring(("invalid safetensors file " + f + ": ").length());
    }

    @Test
    void errorMissingFile() {
        Path f = dir.resolve("absent.safetensors");
        assertEquals("cannot read " + f + ": no such file or directory", readError(f));
    }

    @Test
    void errorShorterThanEightBytes() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertTrue(readError(f).endsWith("the file is 3 bytes long, shorter than the 8-byte header length"));
        Files.write(f, new byte[0]);
        assertTrue(readError(f).endsWith("the file is 0 bytes long, shorter than the 8-byte header length"));
    }

    @Test
    void errorHeaderLengthLargerThanFile() throws IOException {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        assertTrue(readError(rawBytes(h, new byte[0], 3)).endsWith(
                "the header length 3 is larger than the rest of the file (2 bytes)"));
        assertTrue(readError(rawBytes(h, new byte[0], -1)).endsWith(
                "the header length 18446744073709551615 is larger than the rest of the file (2 bytes)"));
    }

    @Test
    void errorHeaderNotJson() throws IOException {
        assertEquals("the header is not valid JSON: invalid JSON at line 1 column 6: expected ':' after a key but found '}'",
                headerError("{\"a\" }", new byte[0]));
        assertTrue(headerError("[]", new byte[0]).contains("expected an object"));
        assertTrue(headerError("", new byte[0]).contains("not valid JSON"));
        assertEquals("the header is not valid UTF-8",
                readErrorSuffix(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}));
    }

    private String readErrorSuffix(byte[] header) throws IOException {
        Path f = rawBytes(header, new byte[0], header.length);
        return readError(f).substring(("invalid safetensors file " + f + ": ").length());
    }

    @Test
    void errorBadTensorInfo() throws IOException {
        assertEquals("tensor 'x' must be an object with dtype, shape and data_offsets", headerError("{\"x\": 3}", new byte[0]));
        assertEquals("tensor 'x': dtype is missing", headerError("{\"x\": {\"shape\":[], \"data_offsets\":[0,4]}}", new byte[4]));
        assertEquals("tensor 'x': shape is missing", headerError("{\"x\": {\"dtype\":\"F32\", \"data_offsets\":[0,4]}}", new byte[4]));
        assertEquals("tensor 'x': data_offsets is missing", headerError("{\"x\": {\"dtype\":\"F32\", \"shape\":[]}}", new byte[4]));
        assertEquals("tensor 'x': shape must hold non-negative integers, not -1",
                headerError("{" + tensor("x", "F32", "[-1]", 0, 0) + "}", new byte[0]));
        assertEquals("tensor 'x': shape must hold non-negative integers, not 2.0",
                headerError("{" + tensor("x", "F32", "[2.0]", 0, 8) + "}", new byte[8]));
        assertEquals("tensor 'x': data_offsets must have 2 entries, not 3",
                headerError("{\"x\": {\"dtype\":\"F32\", \"shape\":[], \"data_offsets\":[0,4,8]}}", new byte[4]));
        assertTrue(headerError("{" + tensor("x", "F32", "[65536,65536,65536]", 0, 0) + "}", new byte[0])
                .contains("too many elements"));
    }

    @Test
    void errorUnknownDtype() throws IOException {
        assertTrue(headerError("{" + tensor("x", "F8_E4M3", "[1]", 0, 1) + "}", new byte[1])
                .startsWith("tensor 'x': unsupported dtype 'F8_E4M3' (supported: BOOL, U8, "));
        assertTrue(headerError("{" + tensor("x", "float32", "[1]", 0, 4) + "}", new byte[4])
                .startsWith("tensor 'x': unsupported dtype 'float32'"));
    }

    @Test
    void errorMetadata() throws IOException {
        assertEquals("__metadata__ value of \"epochs\" is not a string",
                headerError("{\"__metadata__\": {\"ok\": \"1\", \"epochs\": 3}}", new byte[0]));
        assertEquals("__metadata__ must be an object of strings", headerError("{\"__metadata__\": [\"a\"]}", new byte[0]));
    }

    @Test
    void errorOffsetsDoNotMatchShape() throws IOException {
        assertEquals("tensor 'x': data_offsets [0, 12] span 12 bytes but shape [2, 2] of F32 needs 16",
                headerError("{" + tensor("x", "F32", "[2,2]", 0, 12) + "}", new byte[12]));
        assertEquals("tensor 'x': data_offsets [8, 4] end before they begin",
                headerError("{" + tensor("x", "F32", "[1]", 8, 4) + "}", new byte[8]));
    }

    @Test
    void errorOverlapsGapsAndOutOfBounds() throws IOException {
        String a = tensor("a", "F32", "[2]", 0, 8);
        assertEquals("tensor 'b' starts at data offset 4 but overlaps tensor 'a' which ends at 8",
                headerError("{" + a + "," + tensor("b", "F32", "[2]", 4, 12) + "}", new byte[12]));
        assertEquals("tensor 'b' starts at data offset 12 but tensor 'a' ends at 8 (a gap)",
                headerError("{" + a + "," + tensor("b", "F32", "[1]", 12, 16) + "}", new byte[16]));
        assertEquals("tensor 'b' starts at data offset 4 but the first tensor must start at 0",
                headerError("{" + tensor("b", "F32", "[1]", 4, 8) + "}", new byte[8]));
        assertEquals("truncated: the tensors need 8 bytes of data but the file has 5",
                headerError("{" + a + "}", new byte[5]));
        assertEquals("truncated: the tensors need 4000000008 bytes of data but the file has 8",
                headerError("{" + a + "," + tensor("b", "F32", "[1000000000]", 8, 4_000_000_008L) + "}", new byte[8]));
        assertEquals("3 unexpected bytes after the last tensor", headerError("{" + a + "}", new byte[11]));
    }

    @Test
    void errorTruncatedWrittenFile() throws IOException {
        Path f = dir.resolve("t.safetensors");
        SafeTensors.write(f, null, List.of(new Entry("w", new int[] {4, 4}, new float[16])));
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 1));
        assertTrue(readError(f).endsWith("truncated: the tensors need 64 bytes of data but the file has 63"));
    }

    @Test
    void missingTensorNamesTheFile() {
        Path f = dir.resolve("g.safetensors");
        SafeTensors.write(f, null, List.of(new Entry("w0", new int[] {1}, new float[1]), new Entry("b0", new int[] {1}, new float[1])));
        PcnException e = assertThrows(PcnException.class, () -> SafeTensors.read(f).get("w9"));
        assertEquals("no tensor 'w9' in " + f + " (it has: w0, b0)", e.getMessage());
    }
}
