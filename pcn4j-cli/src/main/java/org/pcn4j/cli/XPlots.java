package org.pcn4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.pcn4j.PcnException;
import org.pcn4j.util.AtomicFiles;

/** Line charts drawn with XChart (headless) for the filter and control commands; files are replaced atomically. */
final class XPlots {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** One named line; {@code markers} draws a marker per point (for short sweeps). */
    record Line(String name, double[] x, double[] y, boolean markers) {
        Line(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    private XPlots() {}

    static void lines(Path png, String title, String xLabel, String yLabel, List<Line> lines, boolean logY) {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setYAxisLogarithmic(logY);
        // Below the plot: inside, the legend hides the end of the lines.
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        for (Line l : lines) {
            double[][] xy = downsample(l.x(), l.y(), 4000);
            XYSeries s = chart.addSeries(l.name(), xy[0], xy[1]);
            if (!l.markers()) {
                s.setMarker(SeriesMarkers.NONE);
            }
        }
        try {
            AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new PcnException("cannot write " + png + ": " + e.getMessage(), e);
        }
    }

    /** Keeps every k-th point so long runs (15 000 control steps) draw quickly. */
    private static double[][] downsample(double[] x, double[] y, int max) {
        if (x.length <= max) {
            return new double[][] {x, y};
        }
        int k = (x.length + max - 1) / max;
        int n = (x.length + k - 1) / k;
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = x[i * k];
            ys[i] = y[i * k];
        }
        return new double[][] {xs, ys};
    }

    static double[] column(double[][] rows, int j) {
        double[] c = new double[rows.length];
        for (int k = 0; k < rows.length; k++) {
            c[k] = rows[k][j];
        }
        return c;
    }

    static double[] range(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = i + 1;
        }
        return r;
    }
}
