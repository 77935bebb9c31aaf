package org.pcn4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.pcn4j.PcnException;

/**
 * CIFAR-10 in its canonical binary form (A. Krizhevsky, 2009): {@code data_batch_1.bin} ..
 * {@code data_batch_5.bin} (50,000 training images) and {@code test_batch.bin} (10,000), each
 * record one label byte and 3,072 pixel bytes, the red, green and blue 32x32 planes in turn: a
 * [3, 32, 32] CHW sample as stored, so records are copied without reordering.
 *
 * <p>Read from a folder holding the six .bin files (directly, or in {@code cifar-10-batches-bin/}
 * as the archive unpacks), or straight from {@code cifar-10-binary.tar.gz} in that folder without
 * unpacking it (the download leaves just that file).
 */
final class Cifar10 {
    static final String ARCHIVE = "cifar-10-binary.tar.gz";
    static final String SUBDIR = "cifar-10-batches-bin";
    static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin");
    static final String TEST_FILE = "test_batch.bin";
    static final int RECORD = 1 + 3 * 32 * 32;
    /** Class names by label, as batches.meta.txt lists them. */
    static final List<String> CLASSES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private Cifar10() {}

    /** Whether {@code dir} holds CIFAR-10 in one of the accepted forms. */
    static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve(ARCHIVE)) || Files.isRegularFile(dir.resolve(TEST_FILE))
                || Files.isRegularFile(dir.resolve(SUBDIR).resolve(TEST_FILE));
    }

    static DatasetSplits load(Path dir, Normalization normalization) {
        Batch train = new Batch("cifar10/train");
        Batch test = new Batch("cifar10/test");
        Path folder = Files.isRegularFile(dir.resolve(SUBDIR).resolve(TEST_FILE)) ? dir.resolve(SUBDIR) : dir;
        String source;
        if (Files.isRegularFile(folder.resolve(TEST_FILE))) {
            List<String> missing = new ArrayList<>();
            for (String f : TRAIN_FILES) {
                if (!Files.isRegularFile(folder.resolve(f))) {
                    missing.add(f);
                }
            }
            if (!missing.isEmpty()) {
                throw new PcnException("cifar10: " + folder + " lacks " + String.join(", ", missing));
            }
            for (String f : TRAIN_FILES) {
                train.readFile(folder.resolve(f));
            }
            test.readFile(folder.resolve(TEST_FILE));
            source = folder.toString();
        } else {
            Path archive = dir.resolve(ARCHIVE);
            if (!Files.isRegularFile(archive)) {
                throw new PcnException("cifar10: " + dir + " has neither " + ARCHIVE + " nor the .bin files ("
                        + TEST_FILE + ", data_batch_1..5.bin)");
            }
            readArchive(archive, train, test);
            source = archive.toString();
        }
        Dataset tr = train.dataset();
        Dataset te = test.dataset();
        return new DatasetSplits("cifar10", source, tr, te, CLASSES,
                normalization == null ? Normalization.SCALE01 : normalization);
    }

    private static void readArchive(Path archive, Batch train, Batch test) {
        try (InputStream raw = Files.newInputStream(archive);
                InputStream in = new GZIPInputStream(new java.io.BufferedInputStream(raw, 1 << 16), 1 << 16)) {
            Tar tar = new Tar(in, archive.toString());
            boolean[] seen = new boolean[TRAIN_FILES.size() + 1];
            // The archive lists data_batch_1..5 in order, but do not depend on it: keep each file's
            // bytes by index and concatenate in file order.
            byte[][] trainBytes = new byte[TRAIN_FILES.size()][];
            for (Tar.Entry e; (e = tar.next()) != null;) {
                String base = e.name().substring(e.name().lastIndexOf('/') + 1);
                int k = TRAIN_FILES.indexOf(base);
                boolean isTest = base.equals(TEST_FILE);
                if (k < 0 && !isTest) {
                    continue;
                }
                if (e.size() % RECORD != 0 || e.size() == 0 || e.size() > Integer.MAX_VALUE) {
                    throw new PcnException(archive + ": " + e.name() + " has " + e.size() + " bytes, not a multiple of "
                            + RECORD + " (1 label byte + 3072 pixels per image)");
                }
                byte[] b = new byte[(int) e.size()];
                tar.read(b, 0, b.length);
                if (isTest) {
                    test.add(b, archive + ":" + e.name());
                    seen[TRAIN_FILES.size()] = true;
                } else {
                    trainBytes[k] = b;
                    seen[k] = true;
                }
            }
            List<String> missing = new ArrayList<>();
            for (int k = 0; k < seen.length; k++) {
                if (!seen[k]) {
                    missing.add(k < TRAIN_FILES.size() ? TRAIN_FILES.get(k) : TEST_FILE);
                }
            }
            if (!missing.isEmpty()) {
                throw new PcnException("cifar10: " + archive + " lacks " + String.join(", ", missing));
            }
            for (int k = 0; k < trainBytes.length; k++) {
                train.add(trainBytes[k], archive + ":" + TRAIN_FILES.get(k));
            }
        } catch (IOException e) {
            throw Idx.ioError(archive, e);
        }
    }

    /** One split's records, gathered from one or more files. */
    private static final class Batch {
        private final String name;
        private final List<byte[]> parts = new ArrayList<>();
        private final List<String> sources = new ArrayList<>();

        Batch(String name) {
            this.name = name;
        }

        void readFile(Path f) {
            byte[] b;
            try {
                b = Files.readAllBytes(f);
            } catch (IOException e) {
                throw Idx.ioError(f, e);
            }
            if (b.length == 0 || b.length % RECORD != 0) {
                throw new PcnException(f + ": " + b.length + " bytes is not a whole number of CIFAR-10 records ("
                        + RECORD + " bytes: 1 label byte + 3072 pixels)");
            }
            add(b, f.toString());
        }

        void add(byte[] b, String source) {
            parts.add(b);
            sources.add(source);
        }

        Dataset dataset() {
            long total = 0;
            for (byte[] p : parts) {
                total += p.length / RECORD;
            }
            int n = Math.toIntExact(total);
            byte[] pixels = new byte[Math.multiplyExact(n, RECORD - 1)];
            int[] labels = new int[n];
            int i = 0;
            for (int k = 0; k < parts.size(); k++) {
                byte[] p = parts.get(k);
                for (int r = 0; r < p.length / RECORD; r++, i++) {
                    int label = p[r * RECORD] & 0xFF;
                    if (label > 9) {
                        throw new PcnException(sources.get(k) + ": record " + r + " has label " + label
                                + ", outside 0..9");
                    }
                    labels[i] = label;
                    System.arraycopy(p, r * RECORD + 1, pixels, i * (RECORD - 1), RECORD - 1);
                }
                parts.set(k, null); // let the file's bytes go as soon as they are copied
            }
            return Dataset.ofBytes(name, new int[] {3, 32, 32}, pixels, labels, 10, 255);
        }
    }
}
