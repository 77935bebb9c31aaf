package org.pcn4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.Idx;

/** IDX image and label files: truncations, byte flips, hostile header sizes and magics, raw and gzip'd. */
class IdxFuzzTest {
    @TempDir
    Path tmp;

    static byte[] images(int n, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(Idx.IMAGES_MAGIC).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    static byte[] labels(int n) {
        ByteBuffer b = ByteBuffer.allocate(8 + n);
        b.putInt(Idx.LABELS_MAGIC).putInt(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    @Test
    void everyGeneratedImageOrLabelFileIsAcceptedOrRefusedWithOneLineNamingIt() {
        Fuzz f = new Fuzz("IDX", tmp);
        Fuzz.Parser img = Idx::readImages;
        Fuzz.Parser lab = Idx::readLabels;
        byte[] vi = images(3, 4, 3);
        byte[] vl = labels(5);
        f.check("valid images", "i.idx", vi, img);
        f.check("valid labels", "l.idx", vl, lab);
        assertEquals(2, f.accepted());
        for (boolean gz : new boolean[] {false, true}) {
            String g = gz ? " gz" : "";
            byte[] ci = gz ? Fuzz.gzip(vi) : vi;
            byte[] cl = gz ? Fuzz.gzip(vl) : vl;
            int k = 0;
            for (byte[] b : Fuzz.truncations(ci)) {
                f.check("images truncated at " + k++ + g, "i.idx", b, img);
            }
            k = 0;
            for (byte[] b : Fuzz.truncations(cl)) {
                f.check("labels truncated at " + k++ + g, "l.idx", b, lab);
            }
            for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                k = 0;
                for (byte[] b : Fuzz.flips(ci, mask)) {
                    f.check("images byte " + k++ + " ^" + mask + g, "i.idx", b, img);
                }
                k = 0;
                for (byte[] b : Fuzz.flips(cl, mask)) {
                    f.check("labels byte " + k++ + " ^" + mask + g, "l.idx", b, lab);
                }
            }
            // Hostile sizes in every header field (and magics), with the real small body.
            int[] sizes = {0, 1, 2, 3, 4, 28, 65_536, 2_700_000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, -2};
            for (int field = 0; field < 4; field++) {
                for (int v : sizes) {
                    byte[] b = vi.clone();
                    ByteBuffer.wrap(b).putInt(4 * field, v);
                    f.check("images header field " + field + " = " + Integer.toUnsignedString(v) + g, "i.idx",
                            gz ? Fuzz.gzip(b) : b, img);
                }
            }
            for (int field = 0; field < 2; field++) {
                for (int v : sizes) {
                    byte[] b = vl.clone();
                    ByteBuffer.wrap(b).putInt(4 * field, v);
                    f.check("labels header field " + field + " = " + Integer.toUnsignedString(v) + g, "l.idx",
                            gz ? Fuzz.gzip(b) : b, lab);
                }
            }
            for (int magic : new int[] {0x0801, 0x0803, 0x0804, 0x0C03, 0x0903, 0, 0x1f8b0803}) {
                byte[] b = vi.clone();
                ByteBuffer.wrap(b).putInt(0, magic);
                f.check("images magic " + Integer.toHexString(magic) + g, "i.idx", gz ? Fuzz.gzip(b) : b, img);
            }
            byte[] extra = java.util.Arrays.copyOf(vi, vi.length + 7);
            f.check("images with trailing bytes" + g, "i.idx", gz ? Fuzz.gzip(extra) : extra, img);
        }
        SplittableRandom r = new SplittableRandom(11);
        for (int k = 0; k < 200; k++) {
            byte[] b = new byte[r.nextInt(80)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) r.nextInt(256);
            }
            if (b.length >= 4 && r.nextBoolean()) {
                ByteBuffer.wrap(b).putInt(0, r.nextBoolean() ? Idx.IMAGES_MAGIC : Idx.LABELS_MAGIC);
            }
            f.check("random bytes " + k, "r.idx", b, r.nextBoolean() ? img : lab);
        }
        for (byte[] b : Fuzz.randomFlips(Fuzz.gzip(vi), 200, 12)) {
            f.check("gz random flips", "i.idx.gz", b, img);
        }
        f.check("a folder", tmp, img);
        Path fifo = Fuzz.fifo(tmp, "fifo-images");
        if (fifo != null) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> f.check("a FIFO", fifo, img));
        }
        String tally = f.report();
        assertTrue(f.cases() > 1000 && f.accepted() > 0 && f.refused() > 0, tally);
    }

    @Test
    void aTinyFileClaimingMillionsOfImagesIsRefusedBeforeAllocating() throws Exception {
        // 16 bytes claiming 2.7 M images of 28x28 (2.1 GB): refused from the file length, raw or gzip'd.
        byte[] h = ByteBuffer.allocate(16).putInt(Idx.IMAGES_MAGIC).putInt(2_700_000).putInt(28).putInt(28).array();
        Path raw = Files.write(tmp.resolve("claim.idx"), h);
        Path gz = Files.write(tmp.resolve("claim.idx.gz"), Fuzz.gzip(h));
        Runtime rt = Runtime.getRuntime();
        for (Path p : new Path[] {raw, gz}) {
            long t0 = System.nanoTime();
            String m = org.junit.jupiter.api.Assertions.assertThrows(org.pcn4j.PcnException.class,
                    () -> Idx.readImages(p)).getMessage();
            assertTrue(m.contains("truncated") && m.contains("2116800000") && m.contains("holds 0"), m);
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "took " + (System.nanoTime() - t0) / 1e6 + " ms");
        }
        assertTrue(rt.maxMemory() > 0);
    }
}
