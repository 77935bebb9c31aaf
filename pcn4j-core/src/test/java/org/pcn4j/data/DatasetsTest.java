package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pcn4j.PcnException;

class DatasetsTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearHome() {
        System.clearProperty("pcn4j.home");
    }

    private static void oneLine(PcnException e, String... parts) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void loadsIdxFolder(boolean gz) {
        Fixtures.mnistLike(dir, 20, 7, gz);
        DatasetSplits s = Datasets.load("mnist", dir);
        assertEquals("mnist", s.name());
        assertEquals(20, s.train().size());
        assertEquals(7, s.test().size());
        assertArrayEquals(new int[] {4, 3}, s.shape());
        assertEquals(12, s.features());
        assertEquals(10, s.classes());
        assertTrue(s.train().isUint8());
        assertEquals(255f, s.train().rawMax());
        assertArrayEquals(Fixtures.labels(20), labels(s.train()));
        assertArrayEquals(Fixtures.labels(7), labels(s.test()));
        assertEquals(Normalization.SCALE01, s.normalization());
        assertTrue(s.inputAffine().isUniform());
        assertArrayEquals(new float[] {1f / 255, 0f}, s.inputAffine().scalar());
        float[] x = new float[12];
        s.test().features(0, x, 0);
        byte[] img = Fixtures.idxImages(7, 4, 3, 2);
        for (int j = 0; j < 12; j++) {
            assertEquals(img[16 + j] & 0xFF, x[j]);
        }
    }

    static int[] labels(Dataset d) {
        int[] y = new int[d.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = d.label(i);
        }
        return y;
    }

    @Test
    void mixedGzAndRawAndSubfolder() {
        Fixtures.mnistLike(dir.resolve("fashion-mnist"), 10, 5, true);
        Path raw = Fixtures.write(dir.resolve("fashion-mnist/t10k-labels-idx1-ubyte"),
                Fixtures.idxLabels(Fixtures.labels(5)));
        assertTrue(Files.exists(raw));
        DatasetSplits s = Datasets.load("fashion-mnist", dir);
        assertEquals(10, s.train().size());
        assertEquals("Ankle boot", s.classNames().get(9));
    }

    @Test
    void countMismatch() {
        Fixtures.mnistLike(dir, 10, 5, true);
        Path labels = Fixtures.write(dir.resolve("train-labels-idx1-ubyte.gz"),
                Fixtures.gzip(Fixtures.idxLabels(Fixtures.labels(9))));
        PcnException e = assertThrows(PcnException.class, () -> Datasets.load("mnist", dir));
        oneLine(e, "10 images", "9 labels", labels.toString(), "train-images-idx3-ubyte.gz");
    }

    @Test
    void labelOutOfRange() {
        Fixtures.mnistLike(dir, 3, 2, false);
        Fixtures.write(dir.resolve("t10k-labels-idx1-ubyte"), Fixtures.idxLabels(1, 12));
        oneLine(assertThrows(PcnException.class, () -> Datasets.load("mnist", dir)), "label 12", "outside 0..9");
    }

    @Test
    void missingFiles() throws Exception {
        Fixtures.mnistLike(dir, 3, 2, false);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        oneLine(assertThrows(PcnException.class, () -> Datasets.load("mnist", dir)),
                "t10k-images-idx3-ubyte[.gz]", dir.toString());
        Path nowhere = dir.resolve("nowhere");
        oneLine(assertThrows(PcnException.class, () -> Datasets.load("mnist", nowhere)), nowhere.toString(),
                "does not exist");
    }

    @Test
    void cacheLookupAndNotFoundMessage() {
        System.setProperty("pcn4j.home", dir.toString());
        PcnException e = assertThrows(PcnException.class, () -> Datasets.load("mnist", null));
        oneLine(e, "pcn4j data download --dataset mnist", "--data-dir", dir.resolve("mnist").toString());
        Fixtures.mnistLike(dir.resolve("mnist"), 6, 4, true);
        assertEquals(6, Datasets.load("mnist", null).train().size());
        assertEquals(dir.resolve("mnist"), Datasets.cacheDir("mnist"));
    }

    @Test
    void unknownName() {
        PcnException e = assertThrows(PcnException.class, () -> Datasets.load("cifar100", null));
        oneLine(e, "unknown dataset 'cifar100'", "mnist", "fashion-mnist", "digits", "cifar10", "imagefolder:DIR", "csv:PATH");
        oneLine(assertThrows(PcnException.class, () -> Datasets.load("csv:", null)), "csv:");
    }

    @Test
    void digits() {
        DatasetSplits s = Datasets.load("digits", null);
        assertEquals(1797, s.train().size() + s.test().size());
        assertEquals(Datasets.DIGITS_TRAIN, s.train().size());
        assertEquals(359, s.test().size());
        assertEquals(64, s.features());
        assertArrayEquals(new int[] {8, 8}, s.shape());
        assertEquals(10, s.classes());
        assertEquals(16f, s.train().rawMax());
        assertArrayEquals(new float[] {1f / 16, 0f}, s.inputAffine().scalar());
        for (Dataset d : new Dataset[] {s.train(), s.test()}) {
            float[] x = new float[64];
            for (int i = 0; i < d.size(); i++) {
                assertTrue(d.label(i) >= 0 && d.label(i) < 10);
                d.features(i, x, 0);
                for (float v : x) {
                    assertTrue(v >= 0 && v <= 16 && v == Math.rint(v), "value " + v);
                }
            }
            for (int c : d.labelCounts()) {
                assertTrue(c >= 33, "every class in every split");
            }
        }
        // The split is stratified (20 % of each class in test) and fixed: the same rows every time.
        int[] testCounts = s.test().labelCounts();
        int[] all = new int[10];
        for (int c = 0; c < 10; c++) {
            all[c] = testCounts[c] + s.train().labelCounts()[c];
            assertEquals(Math.round(all[c] * 0.2), testCounts[c], "class " + c);
        }
        assertArrayEquals(labels(s.test()), labels(Datasets.load("digits", null).test()));
        // Row order is kept within each split; sklearn's first row (a 0) has pixels 5 and 13 at 2, 3.
        float[] x0 = new float[64];
        Dataset first = s.train().label(0) == 0 ? s.train() : s.test();
        first.features(0, x0, 0);
        assertEquals(5f, x0[2]);
        assertEquals(13f, x0[3]);
        assertNull(s.validation());
    }
}
