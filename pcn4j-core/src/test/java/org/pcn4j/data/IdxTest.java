package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pcn4j.PcnException;

class IdxTest {
    @TempDir
    Path dir;

    private static void assertOneLine(PcnException e, String... parts) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), m);
        for (String p : parts) {
            assertTrue(m.contains(p), "'" + m + "' lacks '" + p + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsImagesAndLabelsRawAndGzip(boolean gz) {
        byte[] img = Fixtures.idxImages(5, 4, 3, 9);
        byte[] lab = Fixtures.idxLabels(5, 0, 4, 1, 9);
        Path fi = Fixtures.write(dir.resolve("img"), gz ? Fixtures.gzip(img) : img);
        Path fl = Fixtures.write(dir.resolve("lab"), gz ? Fixtures.gzip(lab) : lab);
        Idx.Images im = Idx.readImages(fi);
        assertEquals(5, im.count());
        assertEquals(4, im.rows());
        assertEquals(3, im.cols());
        assertArrayEquals(Arrays.copyOfRange(img, 16, img.length), im.pixels());
        assertArrayEquals(new int[] {5, 0, 4, 1, 9}, Idx.readLabels(fl));
    }

    @Test
    void unsignedPixels() {
        ByteBuffer b = ByteBuffer.allocate(16 + 2).putInt(Idx.IMAGES_MAGIC).putInt(1).putInt(1).putInt(2);
        b.put((byte) 255).put((byte) 128);
        Path f = Fixtures.write(dir.resolve("u8"), b.array());
        Dataset d = Dataset.ofBytes("t", new int[] {1, 2}, Idx.readImages(f).pixels(), new int[] {0}, 1, 255);
        float[] x = new float[2];
        d.features(0, x, 0);
        assertArrayEquals(new float[] {255f, 128f}, x);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedImages(boolean gz) {
        byte[] img = Fixtures.idxImages(5, 4, 3, 0);
        byte[] cut = Arrays.copyOf(img, img.length - 7);
        Path f = Fixtures.write(dir.resolve("img"), gz ? Fixtures.gzip(cut) : cut);
        PcnException e = assertThrows(PcnException.class, () -> Idx.readImages(f));
        assertOneLine(e, f.toString(), "truncated", "60", "53");
    }

    @Test
    void truncatedHeader() {
        Path f = Fixtures.write(dir.resolve("img"), Arrays.copyOf(Fixtures.idxImages(5, 4, 3, 0), 10));
        assertOneLine(assertThrows(PcnException.class, () -> Idx.readImages(f)), f.toString(), "truncated");
        Path g = Fixtures.write(dir.resolve("empty"), new byte[0]);
        assertOneLine(assertThrows(PcnException.class, () -> Idx.readLabels(g)), g.toString(), "truncated");
    }

    @Test
    void truncatedLabels() {
        Path f = Fixtures.write(dir.resolve("lab"), Arrays.copyOf(Fixtures.idxLabels(1, 2, 3, 4), 10));
        assertOneLine(assertThrows(PcnException.class, () -> Idx.readLabels(f)), f.toString(), "truncated");
    }

    @Test
    void wrongMagic() {
        Path labels = Fixtures.write(dir.resolve("lab"), Fixtures.idxLabels(1, 2, 3));
        PcnException e = assertThrows(PcnException.class, () -> Idx.readImages(labels));
        assertOneLine(e, labels.toString(), "not an IDX image file", "0x00000803");
        Path text = Fixtures.write(dir.resolve("text"), "hello, world\n".getBytes());
        e = assertThrows(PcnException.class, () -> Idx.readLabels(text));
        assertOneLine(e, text.toString(), "magic number 0x68656c6c", "0x00000801");
    }

    @Test
    void trailingBytes() {
        byte[] lab = Fixtures.idxLabels(1, 2, 3);
        Path f = Fixtures.write(dir.resolve("lab"), Arrays.copyOf(lab, lab.length + 3));
        assertOneLine(assertThrows(PcnException.class, () -> Idx.readLabels(f)), f.toString(), "3 unexpected bytes");
    }

    @Test
    void corruptGzip() {
        byte[] gz = Fixtures.gzip(Fixtures.idxImages(50, 8, 8, 3));
        for (int i = 12; i < gz.length - 8; i++) {
            gz[i] ^= (byte) 0x5A;
        }
        Path f = Fixtures.write(dir.resolve("img.gz"), gz);
        PcnException e = assertThrows(PcnException.class, () -> Idx.readImages(f));
        assertOneLine(e, f.toString(), "gzip");
    }

    @Test
    void cutGzipStream() {
        byte[] gz = Fixtures.gzip(Fixtures.idxImages(50, 8, 8, 3));
        Path f = Fixtures.write(dir.resolve("img.gz"), Arrays.copyOf(gz, gz.length / 2));
        PcnException e = assertThrows(PcnException.class, () -> Idx.readImages(f));
        assertOneLine(e, f.toString(), "truncated gzip data");
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope");
        assertOneLine(assertThrows(PcnException.class, () -> Idx.readImages(f)), f.toString(), "no such file");
    }

    @Test
    void writerRoundTrips(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        byte[] px = new byte[2 * 3 * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 11);
        }
        java.nio.file.Path f = dir.resolve("x.idx");
        Idx.writeImages(f, 2, 3, 4, px);
        Idx.Images im = Idx.readImages(f);
        org.junit.jupiter.api.Assertions.assertEquals(2, im.count());
        org.junit.jupiter.api.Assertions.assertEquals(3, im.rows());
        org.junit.jupiter.api.Assertions.assertEquals(4, im.cols());
        org.junit.jupiter.api.Assertions.assertArrayEquals(px, im.pixels());
        java.nio.file.Path l = dir.resolve("y.idx");
        Idx.writeLabels(l, new int[] {0, 9, 255});
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {0, 9, 255}, Idx.readLabels(l));
    }
}
