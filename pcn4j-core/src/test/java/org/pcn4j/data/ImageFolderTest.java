package org.pcn4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;

/**
 * The ImageFolder layout from PNG and JPEG files the test writes with ImageIO: class order,
 * greyscale and RGB channels, the decode cache, and the one-line errors for mixed sizes, empty
 * classes and unknown test classes.
 */
class ImageFolderTest {
    @TempDir
    Path dir;

    /** An RGB image whose pixel (x, y) is (r, g, b) = (10 x + seed, 20 y, 7 seed): exact in PNG. */
    static BufferedImage rgb(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, ((10 * x + seed) & 0xFF) << 16 | ((20 * y) & 0xFF) << 8 | ((7 * seed) & 0xFF));
            }
        }
        return img;
    }

    static BufferedImage grey(int w, int h, int seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (x * 30 + y * 5 + seed) & 0xFF);
            }
        }
        return img;
    }

    static void write(BufferedImage img, Path file) {
        try {
            Files.createDirectories(file.getParent());
            String fmt = file.toString().endsWith(".png") ? "png" : "jpg";
            if (!ImageIO.write(img, fmt, file.toFile())) {
                throw new AssertionError("no writer for " + fmt);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void rgbFolderWithSortedClassesAndATestSplit() {
        Path root = dir.resolve("rgb");
        // Classes created out of order: labels follow the sorted names.
        write(rgb(5, 3, 1), root.resolve("train/zebra/a.png"));
        write(rgb(5, 3, 2), root.resolve("train/zebra/b.png"));
        write(rgb(5, 3, 3), root.resolve("train/ant/x.png"));
        write(rgb(5, 3, 4), root.resolve("train/moth/1.jpg")); // JPEG: lossy, checked loosely
        Fixtures.write(root.resolve("train/ant/notes.txt"), new byte[] {1, 2}); // ignored
        write(rgb(5, 3, 5), root.resolve("test/zebra/t.png"));
        Path cache = dir.resolve("cache");
        DatasetSplits s = ImageFolder.load(root, null, cache);
        assertEquals(List.of("ant", "moth", "zebra"), s.classNames());
        assertArrayEquals(new int[] {3, 3, 5}, s.shape());
        assertEquals(4, s.train().size());
        assertArrayEquals(new int[] {0, 1, 2, 2}, new int[] {s.train().label(0), s.train().label(1),
                s.train().label(2), s.train().label(3)});
        assertEquals(1, s.test().size());
        assertEquals(2, s.test().label(0)); // zebra's index among the training classes
        float[] x = new float[45];
        s.train().features(0, x, 0); // ant/x.png, seed 3
        assertEquals(10 * 4 + 3, (int) x[4]); // red plane, (x, y) = (4, 0)
        assertEquals(20 * 2, (int) x[15 + 2 * 5]); // green plane, y = 2
        assertEquals(21, (int) x[30 + 7]); // blue plane
        s.train().features(1, x, 0); // moth/1.jpg
        assertEquals(10 * 2 + 4, x[2], 12); // JPEG: within a few levels
        // A second load reads the cache: same bytes, and the cache file is where the docs say.
        try (var files = Files.walk(cache)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().equals("images.bin")).count());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        DatasetSplits again = ImageFolder.load(root, null, cache);
        float[] y = new float[45];
        for (int i = 0; i < 4; i++) {
            s.train().features(i, x, 0);
            again.train().features(i, y, 0);
            assertArrayEquals(x, y);
        }
        // A changed file invalidates the cache.
        Path b = root.resolve("train/zebra/b.png");
        write(rgb(5, 3, 9), b);
        try { // the fingerprint sees size and modification time; make the change visible to it for sure
            Files.setLastModifiedTime(b, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(b).toMillis() + 10_000));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        DatasetSplits changed = ImageFolder.load(root, null, cache);
        changed.train().features(3, y, 0);
        assertEquals(10 * 0 + 9, (int) y[0]);
    }

    @Test
    void greyscaleFolderHasOneChannelAndMixedFoldersThree() {
        Path g = dir.resolve("grey");
        write(grey(4, 6, 1), g.resolve("train/0/a.png"));
        write(grey(4, 6, 2), g.resolve("train/1/a.png"));
        DatasetSplits s = Datasets.load("imagefolder:" + g, null);
        assertArrayEquals(new int[] {1, 6, 4}, s.shape());
        assertEquals(null, s.test());
        float[] x = new float[24];
        s.train().features(1, x, 0);
        assertEquals(3 * 30 + 5 * 5 + 2, (int) x[5 * 4 + 3]);
        // A colour image among greys: everything is RGB, greys replicated.
        write(rgb(4, 6, 3), g.resolve("train/2/c.png"));
        DatasetSplits m = ImageFolder.load(g, null, null);
        assertArrayEquals(new int[] {3, 6, 4}, m.shape());
        float[] z = new float[72];
        m.train().features(1, z, 0);
        for (int c = 0; c < 3; c++) {
            assertEquals(3 * 30 + 5 * 5 + 2, (int) z[c * 24 + 5 * 4 + 3]);
        }
    }

    @Test
    void badFoldersAreOneLineErrors() {
        Path a = dir.resolve("mixed");
        write(rgb(5, 3, 1), a.resolve("train/a/1.png"));
        write(rgb(5, 4, 1), a.resolve("train/b/2.png"));
        PcnException e = assertThrows(PcnException.class, () -> ImageFolder.load(a, null, null));
        assertTrue(e.getMessage().contains(a.resolve("train/b/2.png") + " is 5x4 (width x height) but "), e.getMessage());
        Path b = dir.resolve("empty");
        write(rgb(5, 3, 1), b.resolve("train/a/1.png"));
        Fixtures.write(b.resolve("train/b/readme.txt"), new byte[1]);
        e = assertThrows(PcnException.class, () -> ImageFolder.load(b, null, null));
        assertEquals("imagefolder: class folder " + b.resolve("train/b") + " has no .png or .jpg images", e.getMessage());
        Path c = dir.resolve("extra");
        write(rgb(5, 3, 1), c.resolve("train/a/1.png"));
        write(rgb(5, 3, 1), c.resolve("test/q/1.png"));
        e = assertThrows(PcnException.class, () -> ImageFolder.load(c, null, null));
        assertTrue(e.getMessage().endsWith("is a class that " + c.resolve("train") + " does not have"), e.getMessage());
        Path d = dir.resolve("corrupt");
        write(rgb(5, 3, 1), d.resolve("train/a/1.png"));
        Fixtures.write(d.resolve("train/a/2.png"), new byte[] {1, 2, 3, 4});
        e = assertThrows(PcnException.class, () -> ImageFolder.load(d, null, null));
        assertTrue(e.getMessage().contains("2.png"), e.getMessage());
        e = assertThrows(PcnException.class, () -> Datasets.load("imagefolder:" + dir.resolve("none"), null));
        assertTrue(e.getMessage().endsWith("does not exist"), e.getMessage());
        e = assertThrows(PcnException.class, () -> Datasets.load("imagefolder:", null));
        assertFalse(e.getMessage().contains("\n"));
    }
}
