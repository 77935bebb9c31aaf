package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;

/**
 * CIFAR-10's binary format from tiny fixtures: 3-record batch files, read as loose .bin files,
 * from cifar-10-batches-bin/, and straight from a .tar.gz written by the small tar writer below;
 * the download of an archive checked byte for byte; and the one-line errors.
 */
class Cifar10Test {
    @TempDir
    Path dir;

    /**
     * A batch file of {@code n} records: label (first + i) % 10, pixel j of record i =
     * ((i * 7 + j + seed) & 255) >> channel, so the three channels have different statistics.
     */
    static byte[] batch(int n, int first, int seed) {
        byte[] b = new byte[n * Cifar10.RECORD];
        for (int i = 0; i < n; i++) {
            b[i * Cifar10.RECORD] = (byte) ((first + i) % 10);
            for (int j = 0; j < 3072; j++) {
                b[i * Cifar10.RECORD + 1 + j] = (byte) (((i * 7 + j + seed) & 0xFF) >> (j / 1024));
            }
        }
        return b;
    }

    /** The six files: data_batch_k has 3 records (seed k), test_batch 2 (seed 9). */
    static Map<String, byte[]> files() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int k = 1; k <= 5; k++) {
            m.put("data_batch_" + k + ".bin", batch(3, k, k));
        }
        m.put("test_batch.bin", batch(2, 7, 9));
        m.put("batches.meta.txt", "airplane\nautomobile\n".getBytes(StandardCharsets.US_ASCII));
        return m;
    }

    /** A POSIX ustar archive of the given files under {@code folder/}, then gzip'd. */
    static byte[] tarGz(String folder, Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        header(out, folder + "/", 0, '5');
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            header(out, folder + "/" + e.getKey(), e.getValue().length, '0');
            out.write(e.getValue(), 0, e.getValue().length);
            out.write(new byte[(512 - e.getValue().length % 512) % 512], 0, (512 - e.getValue().length % 512) % 512);
        }
        out.write(new byte[1024], 0, 1024);
        return Fixtures.gzip(out.toByteArray());
    }

    private static void header(ByteArrayOutputStream out, String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0001750");
        put(h, 116, "0001750");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 1_600_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o", sum));
        h[155] = ' ';
        out.write(h, 0, 512);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    static void assertFixture(DatasetSplits s) {
        assertEquals("cifar10", s.name());
        assertEquals(15, s.train().size());
        assertEquals(2, s.test().size());
        assertArrayEquals(new int[] {3, 32, 32}, s.shape());
        assertArrayEquals(new int[] {3, 32, 32}, s.imageShape());
        assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
                s.classNames());
        // Files in order 1..5, records in order: label (k + i) % 10.
        int[] want = {1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6, 5, 6, 7};
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], s.train().label(i), "label " + i);
        }
        assertEquals(7, s.test().label(0));
        assertEquals(8, s.test().label(1));
        // Record 1 of data_batch_2: pixel j = (7 + j + 2) & 0xFF; CHW as stored (red plane first).
        float[] x = new float[3072];
        s.train().features(4, x, 0);
        assertEquals(9f, x[0]);
        assertEquals(((7 + 1024 + 2) & 0xFF) >> 1, (int) x[1024]);
        assertEquals(((7 + 3071 + 2) & 0xFF) >> 2, (int) x[3071]);
        assertEquals(255f, s.train().rawMax());
    }

    @Test
    void readsLooseFilesTheBatchesFolderAndTheArchive() throws IOException {
        Path loose = dir.resolve("loose");
        files().forEach((n, b) -> Fixtures.write(loose.resolve(n), b));
        assertFixture(Datasets.load("cifar10", loose));
        Path nested = dir.resolve("nested");
        files().forEach((n, b) -> Fixtures.write(nested.resolve("cifar10").resolve(Cifar10.SUBDIR).resolve(n), b));
        assertFixture(Datasets.load("cifar10", nested)); // DIR/cifar10/cifar-10-batches-bin/
        Path arch = dir.resolve("arch");
        Fixtures.write(arch.resolve(Cifar10.ARCHIVE), tarGz(Cifar10.SUBDIR, files()));
        DatasetSplits s = Datasets.load("cifar10", arch);
        assertFixture(s);
        assertTrue(s.source().endsWith(Cifar10.ARCHIVE), s.source());
    }

    @Test
    void perChannelStandardizationUsesTrainingStatistics() {
        Path loose = dir.resolve("loose");
        files().forEach((n, b) -> Fixtures.write(loose.resolve(n), b));
        DatasetSplits s = Datasets.load("cifar10", loose, Normalization.parse("standardize-channels"));
        InputAffine a = s.inputAffine();
        float[] x = new float[3072];
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < s.train().size(); i++) {
                s.train().features(i, x, 0);
                for (int j = c * 1024; j < (c + 1) * 1024; j++) {
                    double v = a.apply(j, x[j]);
                    sum += v;
                    sq += v * v;
                }
            }
            double n = s.train().size() * 1024.0;
            assertEquals(0, sum / n, 1e-5, "channel " + c + " mean");
            assertEquals(1, sq / n, 1e-4, "channel " + c + " variance");
            // One scale per channel.
            assertEquals(a.scale(c * 1024), a.scale(c * 1024 + 1023));
        }
        assertTrue(a.scale(0) < a.scale(1024) && a.scale(1024) < a.scale(2048), "smaller spread, larger scale");
    }

    @Test
    void badInputsAreOneLineErrors() throws IOException {
        Path d = dir.resolve("bad");
        Map<String, byte[]> f = files();
        f.remove("data_batch_3.bin");
        f.forEach((n, b) -> Fixtures.write(d.resolve(n), b));
        PcnException e = assertThrows(PcnException.class, () -> Datasets.load("cifar10", d));
        assertEquals("cifar10: " + d + " lacks data_batch_3.bin", e.getMessage());
        Fixtures.write(d.resolve("data_batch_3.bin"), new byte[Cifar10.RECORD + 5]);
        e = assertThrows(PcnException.class, () -> Datasets.load("cifar10", d));
        assertTrue(e.getMessage().contains("data_batch_3.bin: 3078 bytes is not a whole number"), e.getMessage());
        byte[] badLabel = batch(1, 0, 0);
        badLabel[0] = 10;
        Fixtures.write(d.resolve("data_batch_3.bin"), badLabel);
        e = assertThrows(PcnException.class, () -> Datasets.load("cifar10", d));
        assertTrue(e.getMessage().endsWith("record 0 has label 10, outside 0..9"), e.getMessage());
        Path a = dir.resolve("arch");
        Map<String, byte[]> g = files();
        g.remove("test_batch.bin");
        Fixtures.write(a.resolve(Cifar10.ARCHIVE), tarGz("x", g));
        e = assertThrows(PcnException.class, () -> Datasets.load("cifar10", a));
        assertEquals("cifar10: " + a.resolve(Cifar10.ARCHIVE) + " lacks test_batch.bin", e.getMessage());
        Fixtures.write(a.resolve(Cifar10.ARCHIVE), Fixtures.gzip("not a tar file at all ".repeat(40)
                .getBytes(StandardCharsets.US_ASCII)));
        e = assertThrows(PcnException.class, () -> Datasets.load("cifar10", a));
        assertTrue(e.getMessage().contains("not a tar archive"), e.getMessage());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        e = assertThrows(PcnException.class, () -> Datasets.load("cifar10", empty));
        assertTrue(e.getMessage().contains("has neither cifar-10-binary.tar.gz nor the .bin files"), e.getMessage());
        for (PcnException x : List.of(e)) {
            assertFalse(x.getMessage().contains("\n"));
        }
    }

    @Test
    void downloadChecksTheArchiveByteForByte() throws IOException {
        byte[] archive = tarGz(Cifar10.SUBDIR, files());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestURI().getPath().startsWith("/bad/") ? Fixtures.gzip(new byte[10]) : archive;
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            DatasetSource src = new DatasetSource("cifar10", base + "good/",
                    List.of(DatasetSource.RemoteFile.archive(Cifar10.ARCHIVE, DownloaderTest.sha256(archive))));
            Path target = dir.resolve("cache");
            Downloader dl = new Downloader(Duration.ofSeconds(5));
            dl.download(src, target, null, null);
            assertFixture(Datasets.load("cifar10", target));
            Downloader.Outcome[] again = new Downloader.Outcome[1];
            dl.download(src, target, null, (n, o, b) -> again[0] = o);
            assertEquals(Downloader.Outcome.ALREADY_PRESENT, again[0]);
            PcnException e = assertThrows(PcnException.class,
                    () -> dl.download(src.withBaseUrl(base + "bad/"), dir.resolve("other"), null, null));
            assertTrue(e.getMessage().contains("checksum mismatch: the file's SHA-256"), e.getMessage());
        } finally {
            server.stop(0);
        }
        assertEquals("https://www.cs.toronto.edu/~kriz/", DatasetSource.forName("cifar10").baseUrl());
        assertTrue(DatasetSource.CIFAR10.files().get(0).ofFileBytes());
    }
}
