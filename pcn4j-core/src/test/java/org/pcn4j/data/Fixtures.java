package org.pcn4j.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Tiny IDX datasets for tests. */
final class Fixtures {
    private Fixtures() {}

    static byte[] idxImages(int n, int rows, int cols, int seed) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * rows * cols);
        b.putInt(Idx.IMAGES_MAGIC).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < n * rows * cols; i++) {
            b.put((byte) ((i * 31 + seed) & 0xFF));
        }
        return b.array();
    }

    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(Idx.LABELS_MAGIC).putInt(labels.length);
        for (int y : labels) {
            b.put((byte) y);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bo.toByteArray();
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] labels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (i * 7 + 3) % 10;
        }
        return y;
    }

    /** Writes a 4x3-pixel MNIST-like dataset (nTrain + nTest images) to dir; gz or raw. */
    static Path mnistLike(Path dir, int nTrain, int nTest, boolean gz) {
        byte[][] files = {idxImages(nTrain, 4, 3, 1), idxLabels(labels(nTrain)), idxImages(nTest, 4, 3, 2),
                idxLabels(labels(nTest))};
        for (int k = 0; k < 4; k++) {
            String name = Datasets.IDX_FILES.get(k);
            write(dir.resolve(gz ? name + ".gz" : name), gz ? gzip(files[k]) : files[k]);
        }
        return dir;
    }
}
