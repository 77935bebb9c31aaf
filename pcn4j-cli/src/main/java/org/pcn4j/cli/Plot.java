package org.pcn4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.pcn4j.PcnException;
import org.pcn4j.util.AtomicFiles;

/**
 * PNG charts in headless mode. Line plots (training curves, energies) are XChart charts; image
 * grids are drawn by {@link ImageGrid}. Files are replaced atomically. Non-finite values are
 * skipped and break the line; on a log axis, values {@code <= 0} are skipped too.
 */
public final class Plot {
    static {
        System.setProperty("java.awt.headless", "true");
        ImageIO.setUseCache(false);
    }

    /** Width and height of {@link #lines} images in pixels. */
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;

    /** Series with at most this many points get a marker at each point. */
    static final int MARKER_LIMIT = 40;

    /** The series colours, in order (matplotlib's tab10, which readers know from PyTorch plots). */
    static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };

    private Plot() {}

    /** One named line: y against x (same length). */
    public record Series(String name, double[] x, double[] y) {
        public Series {
            if (x == null || y == null) {
                throw new NullPointerException("x and y must not be null");
            }
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "': " + x.length + " x values but " + y.length
                        + " y values");
            }
        }

        /** {@code y} against 1, 2, ..., n (epochs). */
        public static Series of(String name, double[] y) {
            double[] x = new double[y.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = i + 1;
            }
            return new Series(name, x, y);
        }
    }

    /** Draws a line plot with a linear y axis into {@code png} (800 x 500). */
    public static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series) {
        lines(png, title, xLabel, yLabel, series, false);
    }

    /** Draws a line plot into {@code png} (800 x 500); {@code logY} makes the y axis logarithmic. */
    public static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        write(png, render(title, xLabel, yLabel, series, logY));
    }

    /**
     * Tiles grayscale images into one PNG: each of {@code images} holds {@code rows x cols} values,
     * row-major, in [0, 1] (clamped; NaN shows black), enlarged {@code scale} times, {@code gridCols}
     * per row, separated by gray lines.
     */
    public static void imageGrid(Path png, float[][] images, int rows, int cols, int gridCols, int scale) {
        write(png, ImageGrid.render(images, rows, cols, gridCols, scale, null, null));
    }

    /**
     * As {@link #imageGrid(Path, float[][], int, int, int, int)}, with a label left of each grid row
     * and above each grid column (either list may be null: no labels on that side).
     */
    public static void imageGrid(Path png, float[][] images, int rows, int cols, int gridCols, int scale,
                                 List<String> rowLabels, List<String> colLabels) {
        write(png, ImageGrid.render(images, rows, cols, gridCols, scale, rowLabels, colLabels));
    }

    static void write(Path png, BufferedImage img) {
        try {
            AtomicFiles.write(png, out -> {
                if (!ImageIO.write(img, "png", out)) {
                    throw new IOException("no PNG writer available");
                }
            });
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new PcnException("cannot write " + png + ": " + m.replace('\n', ' '), e);
        }
    }

    // ---------------------------------------------------------------- line plots

    /** The y value XChart gets for a point: NaN (a gap in the line) where it cannot be drawn. */
    private static double drawable(double x, double y, boolean logY) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0) ? y : Double.NaN;
    }

    /** The chart as an image. */
    static BufferedImage render(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        return BitmapEncoder.getBufferedImage(chart(title, xLabel, yLabel, series, logY));
    }

    /** The XChart chart; series without a drawable point are left out (XChart rejects them). */
    static XYChart chart(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        List<Series> all = series == null ? List.of() : series;
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title == null ? "" : title)
                .xAxisTitle(xLabel == null ? "" : xLabel)
                .yAxisTitle(yLabel == null ? "" : yLabel)
                .build();
        style(chart.getStyler(), logY);
        boolean integralX = true;
        double[] corners = new double[4]; // points near each corner, to place the legend
        double[] range = range(all, logY);
        int drawn = 0;
        int longest = 0;
        for (int k = 0; k < all.size(); k++) {
            Series s = all.get(k);
            int n = s.x().length;
            double[] x = new double[n];
            double[] y = new double[n];
            int usable = 0;
            for (int i = 0; i < n; i++) {
                // XChart needs finite x values; a point with a bad x becomes a gap at the previous x.
                x[i] = Double.isFinite(s.x()[i]) ? s.x()[i] : (i > 0 ? x[i - 1] : 0);
                y[i] = drawable(s.x()[i], s.y()[i], logY);
                if (!Double.isNaN(y[i])) {
                    usable++;
                    integralX &= x[i] == Math.rint(x[i]);
                    countCorner(corners, range, x[i], logY ? Math.log10(y[i]) : y[i]);
                }
            }
            if (usable == 0) {
                continue;
            }
            longest = Math.max(longest, usable);
            // XChart draws every series under a unique, non-empty name; a blank one is hidden from the legend.
            boolean named = s.name() != null && !s.name().isBlank();
            String name = named ? s.name() : "series " + (k + 1);
            while (chart.getSeriesMap().containsKey(name)) {
                name = name + " ";
            }
            XYSeries xs = chart.addSeries(name, x, y);
            xs.setShowInLegend(named);
            xs.setLineColor(PALETTE[k % PALETTE.length]);
            xs.setMarkerColor(PALETTE[k % PALETTE.length]);
            xs.setLineStyle(stroke(k));
            xs.setMarker(usable <= MARKER_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            drawn++;
        }
        XYStyler st = chart.getStyler();
        if (drawn == 0) {
            // An empty chart still gets its axes and says why nothing is on them.
            XYSeries xs = chart.addSeries("no data", new double[] {0, 1}, new double[] {Double.NaN, Double.NaN});
            xs.setMarker(SeriesMarkers.NONE);
            xs.setLineColor(new Color(0, 0, 0, 0));
            st.setYAxisLogarithmic(false);
            st.setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
            st.setLegendVisible(true);
        } else {
            if (integralX && range[1] - range[0] <= 60) {
                // Epochs and steps: whole-number ticks (XChart's step is then at least 1 and labels do not repeat).
                st.setXAxisDecimalPattern("#,##0");
            }
            widenDegenerate(st, range, integralX, logY);
            // Less than a decade of data (a training curve often is) gets labels at 2, 3, ... between decades too.
            st.setYAxisLogarithmicDecadeOnly(!(range[3] - range[2] < 1));
            if (longest > MARKER_LIMIT) {
                unevenXTicks(chart, range, logY);
            }
            // Many series (a deep graph's nodes) get the legend beside the plot, not over the lines.
            st.setLegendPosition(drawn > 6 ? LegendPosition.OutsideE : quietestCorner(corners));
        }
        return chart;
    }

    /**
     * XChart 3.8.8 puts the x ticks on the data's own x values when those are equally spaced (epochs,
     * inference steps), and for hundreds of points it places them so densely that the labels overlap.
     * One hidden, unevenly spaced two-point series inside the data's range sends it back to its
     * usual round-number ticks.
     */
    private static void unevenXTicks(XYChart chart, double[] r, boolean logY) {
        double y = logY ? Math.pow(10, r[2]) : r[2];
        double x0 = r[0] + (r[1] - r[0]) * 0.25;
        XYSeries s = chart.addSeries("\u0000ticks", new double[] {x0, x0 + (r[1] - r[0]) * 0.0137}, new double[] {y, y});
        s.setShowInLegend(false);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(new Color(0, 0, 0, 0));
    }

    private static void style(XYStyler st, boolean logY) {
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotBorderColor(new Color(0x444444));
        st.setPlotGridLinesColor(new Color(0xe8e8e8));
        st.setLegendBorderColor(new Color(0xbbbbbb));
        st.setLegendBackgroundColor(new Color(255, 255, 255, 225));
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setMarkerSize(7);
        st.setYAxisLogarithmic(logY);
        st.setAntiAlias(true);
    }

    private static BasicStroke stroke(int k) {
        float[][] dashes = {null, {8f, 4f}, {2f, 3f}, {10f, 3f, 2f, 3f}};
        float[] dash = dashes[(k / PALETTE.length) % dashes.length];
        return new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    /** {xmin, xmax, ymin, ymax} of the drawable points (y in log10 units on a log axis); NaN when none. */
    private static double[] range(List<Series> all, boolean logY) {
        double[] r = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY};
        for (Series s : all) {
            for (int i = 0; i < s.x().length; i++) {
                double y = drawable(s.x()[i], s.y()[i], logY);
                if (!Double.isNaN(y)) {
                    double t = logY ? Math.log10(y) : y;
                    r[0] = Math.min(r[0], s.x()[i]);
                    r[1] = Math.max(r[1], s.x()[i]);
                    r[2] = Math.min(r[2], t);
                    r[3] = Math.max(r[3], t);
                }
            }
        }
        return r;
    }

    /**
     * XChart divides by the data range: a single point, a constant series or a range below a few
     * ulps gets explicit axis bounds, and so does a range too wide for a double's difference.
     */
    private static void widenDegenerate(XYStyler st, double[] r, boolean integralX, boolean logY) {
        if (!(r[1] - r[0] > Math.ulp(r[1]) * 4) || !Double.isFinite(r[1] - r[0])) {
            double d = integralX ? 1 : Math.max(Math.abs(r[0]) * 0.1, 1e-9);
            st.setXAxisMin(r[0] - d).setXAxisMax(r[1] + d);
        }
        double span = r[3] - r[2];
        if (logY) {
            if (!(span > 1e-9)) {
                st.setYAxisMin(Math.pow(10, r[2] - 0.5)).setYAxisMax(Math.pow(10, r[3] + 0.5));
            }
        } else if (!Double.isFinite(span)) {
            st.setYAxisMin(-Double.MAX_VALUE / 4).setYAxisMax(Double.MAX_VALUE / 4);
        } else if (!(span > Math.ulp(Math.max(Math.abs(r[2]), Math.abs(r[3]))) * 4)) {
            double d = r[2] == 0 ? 1 : Math.max(Math.abs(r[2]) * 0.1, 1e-9);
            st.setYAxisMin(r[2] - d).setYAxisMax(r[3] + d);
        }
    }

    /** Counts a point into the corner quarter (NE, NW, SE, SW) of the data range it falls in, if any. */
    private static void countCorner(double[] corners, double[] r, double x, double t) {
        double fx = r[1] > r[0] ? (x - r[0]) / (r[1] - r[0]) : 0.5;
        double fy = r[3] > r[2] ? (t - r[2]) / (r[3] - r[2]) : 0.5;
        if (fx >= 0.6 && fy >= 0.6) {
            corners[0]++;
        } else if (fx <= 0.4 && fy >= 0.6) {
            corners[1]++;
        } else if (fx >= 0.6 && fy <= 0.4) {
            corners[2]++;
        } else if (fx <= 0.4 && fy <= 0.4) {
            corners[3]++;
        }
    }

    /** The legend goes in the corner with the fewest points (top right when tied). */
    private static LegendPosition quietestCorner(double[] corners) {
        LegendPosition[] pos = {LegendPosition.InsideNE, LegendPosition.InsideNW, LegendPosition.InsideSE,
            LegendPosition.InsideSW};
        int best = 0;
        for (int c = 1; c < 4; c++) {
            if (corners[c] < corners[best]) {
                best = c;
            }
        }
        return pos[best];
    }
}
