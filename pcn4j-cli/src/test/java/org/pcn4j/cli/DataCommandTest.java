package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `pcn4j data ...` through Main.run, with stdout and stderr captured. */
class DataCommandTest {
    @TempDir
    Path dir;

    private final PrintStream origOut = System.out;
    private final PrintStream origErr = System.err;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    @BeforeEach
    void capture() {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(origOut);
        System.setErr(origErr);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        return Main.run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertOneLineError(String... parts) {
        String e = err();
        List<String> lines = e.lines().toList();
        assertEquals(1, lines.size(), e);
        assertTrue(lines.get(0).startsWith("pcn4j: error: "), e);
        assertFalse(e.contains("Exception") || e.contains("\tat "), e);
        for (String p : parts) {
            assertTrue(e.contains(p), "'" + e + "' lacks '" + p + "'");
        }
    }

    /** Progress lines may precede the error: one error line, the last, and no stack trace. */
    private void assertErrorAfterProgress(String... parts) {
        String e = err();
        List<String> lines = e.lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("pcn4j: error: ")).count(), e);
        assertTrue(lines.get(lines.size() - 1).startsWith("pcn4j: error: "), e);
        assertFalse(e.contains("Exception") || e.contains("\tat "), e);
        for (String p : parts) {
            assertTrue(lines.get(lines.size() - 1).contains(p), "'" + e + "' lacks '" + p + "'");
        }
    }

    static byte[] images(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols).putInt(0x803).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            b.put((byte) (i % 200));
        }
        return b.array();
    }

    static byte[] labels(int... y) {
        ByteBuffer b = ByteBuffer.allocate(8 + y.length).putInt(0x801).putInt(y.length);
        for (int v : y) {
            b.put((byte) v);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(raw);
        }
        return bo.toByteArray();
    }

    /** The four files of a tiny MNIST-like dataset by name, gzip'd. */
    static Map<String, byte[]> tinyMnist() throws IOException {
        Map<String, byte[]> m = new HashMap<>();
        m.put("train-images-idx3-ubyte.gz", gzip(images(6, 2, 2)));
        m.put("train-labels-idx1-ubyte.gz", gzip(labels(5, 0, 4, 1, 9, 2)));
        m.put("t10k-images-idx3-ubyte.gz", gzip(images(3, 2, 2)));
        m.put("t10k-labels-idx1-ubyte.gz", gzip(labels(7, 2, 1)));
        return m;
    }

    private Path writeTinyMnist(Path d) throws IOException {
        Files.createDirectories(d);
        for (Map.Entry<String, byte[]> e : tinyMnist().entrySet()) {
            Files.write(d.resolve(e.getKey()), e.getValue());
        }
        return d;
    }

    @Test
    void infoDigits() {
        assertEquals(0, run("data", "info", "--dataset", "digits"), err());
        String o = out();
        assertTrue(o.contains("8x8 (64 features"), o);
        assertTrue(o.contains("0..16"), o);
        assertTrue(o.matches("(?s).*train\\s+1438\\s+0\\s+16\\s+1 2 4 5 6.*"), o);
        assertTrue(o.matches("(?s).*test\\s+359\\s.*"), o);
        assertTrue(o.contains("scale01: x * 0.0625 + 0"), o);
        assertEquals("", err());
    }

    @Test
    void infoJson() {
        assertEquals(0, run("data", "info", "--dataset", "digits", "--json", "--normalize", "none"), err());
        String o = out().trim();
        assertTrue(o.startsWith("{\"dataset\":\"digits\""), o);
        assertTrue(o.contains("\"normalization\":\"none\",\"input_affine\":{\"scale\":1,\"offset\":0}"), o);
        assertTrue(o.contains("\"train\":{\"size\":1438,\"min\":0,\"max\":16,"), o);
        assertTrue(o.contains("\"test\":{\"size\":359,"), o);
        assertEquals(1, o.lines().count());
    }

    @Test
    void infoIdxFolder() throws IOException {
        Path d = writeTinyMnist(dir.resolve("mnist"));
        assertEquals(0, run("data", "info", "--dataset", "mnist", "--data-dir", d.toString()), err());
        String o = out();
        assertTrue(o.contains("2x2 (4 features, stored as uint8)"), o);
        assertTrue(o.matches("(?s).*train\\s+6\\s+0\\s+23\\s+5 0 4 1 9 2\n.*"), o);
        assertTrue(o.matches("(?s).*test\\s+3\\s+0\\s+11\\s+7 2 1\n.*"), o);
        // the parent folder works too: it has a subfolder named after the dataset
        assertEquals(0, run("data", "info", "--dataset", "mnist", "--data-dir", dir.toString()), err());
    }

    @Test
    void truncatedFileIsOneLineExitOne() throws IOException {
        Path d = writeTinyMnist(dir.resolve("m"));
        byte[] raw = images(6, 2, 2);
        Files.delete(d.resolve("train-images-idx3-ubyte.gz"));
        Files.write(d.resolve("train-images-idx3-ubyte"), Arrays.copyOf(raw, raw.length - 5));
        assertEquals(1, run("data", "info", "--dataset", "mnist", "--data-dir", d.toString()));
        assertOneLineError("train-images-idx3-ubyte", "truncated");
        assertEquals("", out());
    }

    @Test
    void verbosePrintsTheStackTrace() throws IOException {
        Path d = writeTinyMnist(dir.resolve("m"));
        Files.write(d.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2});
        assertEquals(1, run("data", "info", "--dataset", "mnist", "--data-dir", d.toString(), "--verbose"));
        assertTrue(err().contains("\tat "), err());
        assertEquals(1, run("data", "info", "--dataset", "mnist", "--data-dir", d.toString()));
        assertOneLineError("t10k-labels-idx1-ubyte.gz", "gzip");
    }

    @Test
    void badCsvCell() throws IOException {
        Path f = Files.writeString(dir.resolve("x.csv"), "a,b,label\n1,2,0\n3,oops,1\n");
        assertEquals(1, run("data", "info", "--dataset", "csv:" + f));
        assertOneLineError(f + ":3", "column 2", "oops");
        Path g = Files.writeString(dir.resolve("y.csv"), "1,2,0\n3,4,1\n");
        assertEquals(0, run("data", "info", "--dataset", "csv:" + g), err());
        assertTrue(out().contains("(no test split)"), out());
        assertTrue(out().contains("1..4 (observed in the training split)"), out());
    }

    @Test
    void unknownDatasetAndMissingOption() {
        assertEquals(1, run("data", "info", "--dataset", "imagenet"));
        assertOneLineError("unknown dataset 'imagenet'", "mnist, fashion-mnist, digits, csv:PATH");
        assertEquals(1, run("data", "info", "--dataset", "mnist", "--data-dir", dir.resolve("none").toString()));
        assertOneLineError("does not exist");
        assertEquals(1, run("data", "info", "--dataset", "digits", "--normalize", "zscore"));
        assertOneLineError("unknown normalization 'zscore'");
        assertEquals(2, run("data", "info"));
        assertTrue(err().startsWith("pcn4j: error: Missing required option"), err());
        assertEquals(0, run("data"));
        assertTrue(out().contains("info") && out().contains("download"), out());
    }

    @Test
    void downloadFromALocalMirror() throws IOException {
        Map<String, byte[]> files = tinyMnist();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String name = ex.getRequestURI().getPath().substring(1);
            byte[] body = files.get(name);
            try (OutputStream o = ex.getResponseBody()) {
                if (body == null) {
                    ex.sendResponseHeaders(404, -1);
                } else {
                    ex.sendResponseHeaders(200, body.length);
                    o.write(body);
                }
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Path target = dir.resolve("dl");
            // the tiny files are not MNIST: the checksums do not match, nothing is kept
            assertEquals(1, run("data", "download", "--dataset", "mnist", "--dir", target.toString(), "--mirror", url));
            assertErrorAfterProgress("checksum mismatch", url + "train-images-idx3-ubyte.gz");
            try (var s = Files.list(target)) {
                assertEquals(0, s.count());
            }
            assertEquals(1, run("data", "download", "--dataset", "mnist", "--dir", target.toString(), "--mirror",
                    url + "nowhere/"));
            assertOneLineError("HTTP 404");
            assertEquals(1, run("data", "download", "--dataset", "digits"));
            assertOneLineError("built into pcn4j");
        } finally {
            server.stop(0);
        }
    }
}
