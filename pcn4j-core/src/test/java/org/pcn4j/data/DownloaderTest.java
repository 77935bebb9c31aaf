package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.ProgressListener;

/** The downloader against a local HTTP server: good, corrupt, cut-off and missing transfers. */
class DownloaderTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private String base;
    private final Map<String, byte[]> good = new HashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private DatasetSource source;
    private final Downloader dl = new Downloader(Duration.ofSeconds(5));

    @BeforeEach
    void start() throws IOException {
        byte[][] raw = {Fixtures.idxImages(20, 4, 3, 1), Fixtures.idxLabels(Fixtures.labels(20)),
                Fixtures.idxImages(5, 4, 3, 2), Fixtures.idxLabels(Fixtures.labels(5))};
        List<DatasetSource.RemoteFile> files = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            String name = Datasets.IDX_FILES.get(k) + ".gz";
            good.put(name, Fixtures.gzip(raw[k]));
            files.add(new DatasetSource.RemoteFile(name, sha256(raw[k])));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            String[] parts = ex.getRequestURI().getPath().split("/");
            String mode = parts[1];
            byte[] body = good.get(parts[parts.length - 1]);
            if (mode.equals("cut") && body != null) {
                // declare the full length, send half, then fail: the server drops the connection
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body, 0, body.length / 2);
                ex.getResponseBody().flush();
                throw new IOException("cut off on purpose");
            }
            if (mode.equals("stall") && body != null) {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body, 0, 10);
                ex.getResponseBody().flush();
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("stalled on purpose");
            }
            try (OutputStream out = ex.getResponseBody()) {
                if (body == null || mode.equals("missing")) {
                    ex.sendResponseHeaders(404, -1);
                } else if (mode.equals("good")) {
                    ex.sendResponseHeaders(200, body.length);
                    out.write(body);
                } else if (mode.equals("corrupt")) {
                    byte[] other = body.clone();
                    other[other.length - 9] ^= 1; // still gzip-framed, wrong content
                    byte[] bad = Fixtures.gzip(Fixtures.idxLabels(1, 2, 3));
                    byte[] send = parts[parts.length - 1].contains("labels") ? bad : other;
                    ex.sendResponseHeaders(200, send.length);
                    out.write(send);
                }
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        source = new DatasetSource("tiny", base + "good/", files);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static String sha256(byte[] b) {
        try {
            StringBuilder sb = new StringBuilder();
            for (byte x : MessageDigest.getInstance("SHA-256").digest(b)) {
                sb.append(String.format("%02x", x));
            }
            return sb.toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            List<String> names = new ArrayList<>();
            s.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        }
    }

    @Test
    void downloadsVerifiesAndSkipsPresentFiles() throws IOException {
        Path target = dir.resolve("cache/tiny");
        List<String> events = new ArrayList<>();
        ProgressListener p = new ProgressListener() {
            @Override
            public void start(String label, long total) {
                events.add("start " + label + " " + total);
            }

            @Override
            public void update(long current) {
                events.add("update " + current);
            }

            @Override
            public void finish() {
                events.add("finish");
            }
        };
        List<String> log = new ArrayList<>();
        dl.download(source, target, p, (name, outcome, bytes) -> log.add(name + " " + outcome));
        List<String> expected = new ArrayList<>();
        for (String f : Datasets.IDX_FILES) {
            expected.add(f + ".gz");
        }
        expected.sort(null);
        assertEquals(expected, listing(target), "no temporary files left");
        for (String f : expected) {
            assertArrayEquals(good.get(f), Files.readAllBytes(target.resolve(f)));
        }
        String first = Datasets.IDX_FILES.get(0) + ".gz";
        assertEquals("start " + first + " " + good.get(first).length, events.get(0));
        assertTrue(events.contains("update " + good.get(first).length));
        assertEquals(4, events.stream().filter(e -> e.equals("finish")).count());
        assertEquals(4, log.stream().filter(l -> l.endsWith("DOWNLOADED")).count());

        DatasetSplits s = Datasets.load("mnist", target);
        assertEquals(20, s.train().size());
        assertEquals(5, s.test().size());

        int before = requests.get();
        log.clear();
        dl.download(source, target, null, (name, outcome, bytes) -> log.add(name + " " + outcome));
        assertEquals(before, requests.get(), "present files are not fetched again");
        assertEquals(4, log.stream().filter(l -> l.endsWith("ALREADY_PRESENT")).count());
    }

    @Test
    void replacesAWrongExistingFile() throws IOException {
        Path target = dir.resolve("d");
        String first = Datasets.IDX_FILES.get(0) + ".gz";
        Fixtures.write(target.resolve(first), new byte[] {1, 2, 3});
        dl.download(source, target, null, null);
        assertArrayEquals(good.get(first), Files.readAllBytes(target.resolve(first)));
    }

    @Test
    void checksumMismatchLeavesNothing() throws IOException {
        Path target = dir.resolve("d");
        PcnException e = assertThrows(PcnException.class,
                () -> dl.download(source.withBaseUrl(base + "corrupt/"), target, null, null));
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains(base + "corrupt/train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("checksum mismatch") || e.getMessage().contains("gzip"), e.getMessage());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void checksumMismatchOfValidGzipLeavesNothing() throws IOException {
        Path target = dir.resolve("d");
        // only the label files: their "corrupt" version is a valid gzip of other content
        List<DatasetSource.RemoteFile> labels = new ArrayList<>();
        for (DatasetSource.RemoteFile f : source.files()) {
            if (f.name().contains("labels")) {
                labels.add(f);
            }
        }
        DatasetSource s = new DatasetSource("tiny", base + "corrupt/", labels);
        PcnException e = assertThrows(PcnException.class, () -> dl.download(s, target, null, null));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was saved"), e.getMessage());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void cutOffTransferLeavesNothing() throws IOException {
        Path target = dir.resolve("d");
        PcnException e = assertThrows(PcnException.class,
                () -> dl.download(source.withBaseUrl(base + "cut/"), target, null, null));
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().contains("cut off"), e.getMessage());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void stalledTransferTimesOut() throws IOException {
        Path target = dir.resolve("d");
        PcnException e = assertThrows(PcnException.class, () -> new Downloader(Duration.ofMillis(300))
                .download(source.withBaseUrl(base + "stall/"), target, null, null));
        assertTrue(e.getMessage().contains("stalled"), e.getMessage());
        assertEquals(List.of(), listing(target));
    }

    @Test
    void httpErrorAndUnreachableHost() throws IOException {
        Path target = dir.resolve("d");
        PcnException e = assertThrows(PcnException.class,
                () -> dl.download(source.withBaseUrl(base + "missing/"), target, null, null));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertEquals(List.of(), listing(target));
        int port = server.getAddress().getPort();
        server.stop(0);
        e = assertThrows(PcnException.class, () -> dl.download(
                source.withBaseUrl("http://127.0.0.1:" + port + "/good/"), target, null, null));
        assertFalse(e.getMessage().contains("\n"));
        assertEquals(List.of(), listing(target));
    }

    @Test
    void sourcesByName() {
        assertEquals("https://ossci-datasets.s3.amazonaws.com/mnist/", DatasetSource.forName("mnist").baseUrl());
        assertEquals(4, DatasetSource.forName("fashion-mnist").files().size());
        assertThrows(PcnException.class, () -> DatasetSource.forName("digits"));
        PcnException e = assertThrows(PcnException.class, () -> DatasetSource.forName("cifar"));
        assertTrue(e.getMessage().contains("mnist, fashion-mnist"));
        assertEquals(Arrays.asList("a/"), List.of(new DatasetSource("x", "a", List.of()).baseUrl()));
    }
}
