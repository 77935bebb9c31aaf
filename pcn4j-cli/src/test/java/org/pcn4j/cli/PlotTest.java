package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.cli.Plot.Series;

class PlotTest {
    @TempDir
    Path dir;

    private static BufferedImage readPng(Path f) throws IOException {
        byte[] bytes = Files.readAllBytes(f);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        BufferedImage img = ImageIO.read(f.toFile());
        assertNotNull(img, "readable PNG");
        return img;
    }

    private static int countColor(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xffffff) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    private BufferedImage plot(String name, List<Series> series, boolean logY) throws IOException {
        Path f = dir.resolve(name);
        Plot.lines(f, "title", "epoch", "value", series, logY);
        BufferedImage img = readPng(f);
        assertEquals(Plot.WIDTH, img.getWidth());
        assertEquals(Plot.HEIGHT, img.getHeight());
        return img;
    }

    @Test
    void twoSeriesOverTwentyFiveEpochs() throws IOException {
        int n = 25;
        double[] train = new double[n];
        double[] test = new double[n];
        for (int i = 0; i < n; i++) {
            train[i] = 0.6 + 0.38 * (1 - Math.exp(-i / 4.0));
            test[i] = 0.58 + 0.36 * (1 - Math.exp(-i / 5.0));
        }
        BufferedImage img = plot("acc.png", List.of(Series.of("train", train), Series.of("test", test)), false);
        assertTrue(countColor(img, 0x1f77b4) > 200, "first series drawn in blue");
        assertTrue(countColor(img, 0xff7f0e) > 200, "second series drawn in orange");
    }

    @Test
    void logScaleOverManyDecades() throws IOException {
        int n = 30;
        double[] e = new double[n];
        for (int i = 0; i < n; i++) {
            e[i] = 1e4 * Math.exp(-i / 2.0);
        }
        e[3] = 0; // not drawable on a log axis: skipped
        e[4] = -1;
        BufferedImage img = plot("energy.png", List.of(Series.of("energy", e)), true);
        assertTrue(countColor(img, 0x1f77b4) > 100);
    }

    @Test
    void degenerateInputsDoNotCrash() throws IOException {
        plot("one.png", List.of(new Series("one", new double[] {3}, new double[] {0.5})), false);
        plot("one-log.png", List.of(new Series("one", new double[] {3}, new double[] {0.5})), true);
        plot("constant.png", List.of(Series.of("c", new double[] {2, 2, 2, 2})), false);
        plot("zero.png", List.of(Series.of("z", new double[] {0, 0, 0})), false);
        plot("constant-log.png", List.of(Series.of("c", new double[] {1e-7, 1e-7})), true);
        plot("empty.png", List.of(), false);
        plot("empty-series.png", List.of(Series.of("none", new double[0])), true);
        plot("all-nan.png", List.of(Series.of("nan", new double[] {Double.NaN, Double.POSITIVE_INFINITY})), false);
        plot("all-negative-log.png", List.of(Series.of("neg", new double[] {-1, -2})), true);
        plot("tiny-range.png", List.of(Series.of("t", new double[] {1, 1 + 1e-12, 1 - 1e-12})), false);
        plot("huge.png", List.of(Series.of("h", new double[] {1e300, -1e300, 5e299})), false);
        plot("subdecade-log.png", List.of(Series.of("s", new double[] {0.31, 0.35, 0.42})), true);
        plot("unnamed.png", List.of(Series.of(null, new double[] {1, 2}), Series.of("", new double[] {2, 1})), false);
        Path f = dir.resolve("null-labels.png");
        Plot.lines(f, null, null, null, List.of(Series.of("x", new double[] {1, 2})));
        readPng(f);

        double[] gappy = {1, Double.NaN, 3, 4, Double.NaN, 6};
        BufferedImage img = plot("nan.png", List.of(Series.of("gaps", gappy)), false);
        assertTrue(countColor(img, 0x1f77b4) > 50);

        Series[] many = new Series[14];
        for (int k = 0; k < many.length; k++) {
            double[] y = new double[500];
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.sin(i / 30.0 + k) + k;
            }
            many[k] = Series.of("series " + k + " with a rather long name to test the legend box", y);
        }
        plot("many.png", List.of(many), false);
    }

    @Test
    void seriesValidation() {
        assertThrows(IllegalArgumentException.class, () -> new Series("a", new double[2], new double[3]));
        assertThrows(NullPointerException.class, () -> new Series("a", null, new double[3]));
        double[] x = Series.of("a", new double[3]).x();
        assertEquals(List.of(1.0, 2.0, 3.0), List.of(x[0], x[1], x[2]));
    }

    @Test
    void writeReplacesAtomicallyAndReportsErrors() throws IOException {
        Path f = dir.resolve("p.png");
        Plot.lines(f, "a", "x", "y", List.of(Series.of("s", new double[] {1, 2})));
        Plot.lines(f, "b", "x", "y", List.of(Series.of("s", new double[] {2, 1})));
        readPng(f);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
        Path bad = dir.resolve("no/such/dir/p.png");
        PcnException e = assertThrows(PcnException.class,
                () -> Plot.lines(bad, "a", "x", "y", List.of(Series.of("s", new double[] {1}))));
        assertTrue(e.getMessage().startsWith("cannot write " + bad + ": "), e.getMessage());
    }

    @Test
    void niceTicksAndLabels() {
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0), Plot.niceTicks(0, 1, 6, false));
        assertEquals(List.of(5.0, 10.0, 15.0, 20.0, 25.0), Plot.niceTicks(0.5, 25.5, 8, true));
        assertEquals(List.of(1.0, 2.0, 3.0), Plot.niceTicks(0.9, 3.1, 8, true), "integral axes never step below 1");
        assertEquals("0.6", Plot.label(0.6000000000000001, 0.2));
        assertEquals("0", Plot.label(1e-17, 0.1));
        assertEquals("15", Plot.label(15, 5));
        assertEquals("2.5e5", Plot.label(250000, 50000));
        assertEquals("1.5e-5", Plot.label(1.5e-5, 5e-6));
        assertEquals("-0.25", Plot.label(-0.25, 0.05));
        assertEquals(List.of(-2.0, -1.0, 0.0, 1.0, 2.0, 3.0), Plot.logTicks(-2.1, 3.2));
        assertEquals("0.001", Plot.logLabel(-3));
        assertEquals("1e-5", Plot.logLabel(-5));
        assertEquals("1000", Plot.logLabel(3));
        assertEquals("1e6", Plot.logLabel(6));
        assertEquals("2e-7", Plot.logLabel(Math.log10(2e-7)));
        assertEquals("50", Plot.logLabel(Math.log10(50)));
        assertTrue(Plot.logTicks(Math.log10(0.3), Math.log10(0.45)).size() >= 2, "sub-decade ranges still get ticks");
    }

    @Test
    void imageGridTilesAndClamps() throws IOException {
        float[][] images = new float[5][];
        for (int k = 0; k < 5; k++) {
            images[k] = new float[] {0, 0.5f, 1, 2, -1, Float.NaN}; // 2 rows x 3 cols
        }
        Path f = dir.resolve("grid.png");
        Plot.imageGrid(f, images, 2, 3, 3, 4);
        BufferedImage img = readPng(f);
        // 3 columns and 2 rows of 3x2 images at scale 4, with 2-pixel gaps
        assertEquals(3 * 3 * 4 + 4 * 2, img.getWidth());
        assertEquals(2 * 2 * 4 + 3 * 2, img.getHeight());
        int gray = img.getRaster().getSample(0, 0, 0);
        assertEquals(128, gray, "gap color");
        // first image, top-left pixel block starts at (2, 2)
        int[] expected = {0, 128, 255, 255, 0, 0};
        for (int i = 0; i < 6; i++) {
            int x = 2 + (i % 3) * 4 + 1;
            int y = 2 + (i / 3) * 4 + 1;
            assertEquals(expected[i], img.getRaster().getSample(x, y, 0), "pixel " + i);
        }
        // the unused sixth tile stays gap-colored
        assertEquals(128, img.getRaster().getSample(2 + 2 * (3 * 4 + 2) + 3, 2 + (2 * 4 + 2) + 3, 0));
    }

    @Test
    void imageGridEdgeCases() throws IOException {
        Path f = dir.resolve("g.png");
        Plot.imageGrid(f, new float[][] {{0.3f}}, 1, 1, 10, 1);
        BufferedImage img = readPng(f);
        assertEquals(5, img.getWidth(), "gridCols larger than the image count shrinks to it");
        assertEquals(5, img.getHeight());
        assertThrows(IllegalArgumentException.class, () -> Plot.imageGrid(f, new float[0][], 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Plot.imageGrid(f, new float[][] {{1, 2}}, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> Plot.imageGrid(f, new float[][] {{1}}, 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Plot.imageGrid(f, new float[][] {new float[784]}, 28, 28, 1, 1000));
    }
}
