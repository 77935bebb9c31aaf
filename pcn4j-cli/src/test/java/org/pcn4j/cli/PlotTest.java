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
        String keep = System.getProperty("pcn4j.plotDir"); // -Dpcn4j.plotDir=DIR keeps the PNGs to look at
        if (keep != null) {
            Files.createDirectories(Path.of(keep));
            Plot.lines(Path.of(keep, name), "title", "epoch", "value", series, logY);
        }
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
        plot("three.png", List.of(Series.of("train", new double[] {0.5, 0.7, 0.8}),
                Series.of("test", new double[] {0.45, 0.6, 0.7})), false);
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
        BufferedImage manyImg = plot("many.png", List.of(many), false);
        for (int k = 0; k < 10; k++) {
            int rgb = Plot.PALETTE[k].getRGB() & 0xffffff;
            assertTrue(countColor(manyImg, rgb) > 100, "series " + k + " drawn in its colour");
        }
    }

    @Test
    void chartsHoldTheDrawableSeriesUnderTheirNames() {
        org.knowm.xchart.XYChart c = Plot.chart("Training energy", "epoch", "energy", List.of(
                Series.of("loss", new double[] {3, 2, 1}),
                Series.of("negative only", new double[] {-1, -2, -3}), // nothing to draw on a log axis
                Series.of("", new double[] {2, 1, 0.5})), true);
        assertEquals("Training energy", c.getTitle());
        assertEquals("epoch", c.getXAxisTitle());
        assertTrue(c.getStyler().isYAxisLogarithmic());
        assertEquals(List.of("loss", "series 3"), List.copyOf(c.getSeriesMap().keySet()));
        assertTrue(c.getSeriesMap().get("loss").isShowInLegend());
        assertTrue(!c.getSeriesMap().get("series 3").isShowInLegend(), "an unnamed series stays out of the legend");
        org.knowm.xchart.XYChart gaps = Plot.chart("t", "x", "y", List.of(Series.of("g", new double[] {1, 0, 2})), true);
        assertTrue(Double.isNaN(gaps.getSeriesMap().get("g").getYData()[1]), "a value <= 0 is a gap on a log axis");
    }

    @Test
    void theInferencePlotNamesTheOutputNode() {
        java.util.Map<String, Object> trace = new java.util.LinkedHashMap<>();
        trace.put("total", new double[] {1, 0.5});
        trace.put("h1", new double[] {0.1, 0.2});
        trace.put("label", new double[] {0.9, 0.3});
        List<Series> s = RunPlots.inferenceSeries(java.util.Map.of("inference_energy", trace), "label");
        assertEquals(List.of("total", "h1", "label (output)"), s.stream().map(Series::name).toList());
        assertEquals(List.of(0.0, 1.0), java.util.Arrays.stream(s.get(0).x()).boxed().toList(), "x is the step, from 0");
        assertTrue(RunPlots.inferenceTitle(3, "label").contains("output node label"));
    }

    @Test
    void runPlotsWriteTheThreeCharts() throws IOException {
        java.util.List<java.util.Map<String, Object>> history = new java.util.ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("epoch", e);
            m.put("train_loss", 0.5 / e);
            m.put("train_energy", 0.3 / e);
            m.put("train_accuracy", 0.6 + 0.1 * e);
            m.put("test_accuracy", 0.55 + 0.1 * e);
            java.util.Map<String, Object> trace = new java.util.LinkedHashMap<>();
            trace.put("total", new double[] {1, 0.5, 0.3});
            trace.put("h1", new double[] {0.01, 0.1, 0.1});
            trace.put("label", new double[] {0.99, 0.4, 0.2});
            m.put("inference_energy", trace);
            history.add(m);
        }
        RunPlots.write(RunDir.create(dir), history, "label");
        for (String name : new String[] {"accuracy.png", "energy.png", "inference.png"}) {
            BufferedImage img = readPng(dir.resolve(name));
            assertEquals(Plot.WIDTH, img.getWidth(), name);
            assertEquals(Plot.HEIGHT, img.getHeight(), name);
            assertTrue(countColor(img, 0x1f77b4) > 100, name + ": first series drawn");
            assertTrue(countColor(img, 0xff7f0e) > 100, name + ": second series drawn");
        }
        assertTrue(countColor(readPng(dir.resolve("inference.png")), 0x2ca02c) > 100, "one line per node");
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
    void labelledGridKeepsPixelsAndDrawsItsLabels() throws IOException {
        float[][] images = new float[6][];
        for (int k = 0; k < 6; k++) {
            images[k] = new float[64];
            java.util.Arrays.fill(images[k], k / 5f);
        }
        Path f = dir.resolve("labelled.png");
        Plot.imageGrid(f, images, 8, 8, 3, 4, List.of("cue", "original"), List.of("#0", "#1", "#2"));
        BufferedImage img = readPng(f);
        int tilesW = 3 * 8 * 4 + 4 * ImageGrid.GAP;
        int tilesH = 2 * 8 * 4 + 3 * ImageGrid.GAP;
        int left = img.getWidth() - tilesW;
        int top = img.getHeight() - tilesH;
        assertTrue(left > 20 && top > 10, "room for the labels: " + left + " x " + top);
        for (int k = 0; k < 6; k++) {
            int x = left + ImageGrid.GAP + (k % 3) * (32 + ImageGrid.GAP) + 16;
            int y = top + ImageGrid.GAP + (k / 3) * (32 + ImageGrid.GAP) + 16;
            assertEquals(Math.round(k / 5f * 255), img.getRaster().getSample(x, y, 0), "tile " + k + " unchanged");
        }
        // Each row label and each column label puts dark text in its stretch of the white margin.
        for (int r = 0; r < 2; r++) {
            int y0 = top + ImageGrid.GAP + r * (32 + ImageGrid.GAP);
            assertTrue(dark(img, 0, left, y0, y0 + 32) > 10, "row label " + r + " rendered");
        }
        for (int c = 0; c < 3; c++) {
            int x0 = left + ImageGrid.GAP + c * (32 + ImageGrid.GAP);
            assertTrue(dark(img, x0, x0 + 32, 0, top) > 5, "column label " + c + " rendered");
        }
        assertEquals(ImageGrid.MARGIN_GRAY, img.getRaster().getSample(0, img.getHeight() - 1, 0), "margin is white");
        assertThrows(IllegalArgumentException.class,
                () -> Plot.imageGrid(f, images, 8, 8, 3, 4, List.of("only one"), null), "one label per grid row");
        assertThrows(IllegalArgumentException.class,
                () -> Plot.imageGrid(f, images, 8, 8, 3, 4, null, List.of("a", "b")), "one label per grid column");
    }

    private static int dark(BufferedImage img, int x0, int x1, int y0, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (img.getRaster().getSample(x, y, 0) < 128) {
                    n++;
                }
            }
        }
        return n;
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
