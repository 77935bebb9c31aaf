package org.pcn4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.pcn4j.PcnException;
import org.pcn4j.io.AtomicFiles;

/**
 * Small PNG charts drawn with Java2D in headless mode: line plots (training curves, energies) and
 * grids of grayscale images. Files are replaced atomically. Non-finite values are skipped and break
 * the line; on a log axis, values {@code <= 0} are skipped too.
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

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };
    private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {10f, 3f, 2f, 3f}};
    private static final Color GRID = new Color(0xe8e8e8);
    private static final Color AXIS = new Color(0x444444);
    private static final Color TEXT = new Color(0x222222);

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
        write(png, renderGrid(images, rows, cols, gridCols, scale));
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

    // ---------------------------------------------------------------- image grid

    static BufferedImage renderGrid(float[][] images, int rows, int cols, int gridCols, int scale) {
        if (images == null || images.length == 0) {
            throw new IllegalArgumentException("no images to draw");
        }
        if (rows < 1 || cols < 1 || gridCols < 1 || scale < 1) {
            throw new IllegalArgumentException("rows, cols, gridCols and scale must be positive");
        }
        int n = images.length;
        int gc = Math.min(gridCols, n);
        int gr = (n + gc - 1) / gc;
        int gap = 2;
        long w = (long) gc * cols * scale + (long) (gc + 1) * gap;
        long h = (long) gr * rows * scale + (long) (gr + 1) * gap;
        if (w > 16384 || h > 16384) {
            throw new IllegalArgumentException("image grid of " + w + " x " + h + " pixels is too large");
        }
        BufferedImage img = new BufferedImage((int) w, (int) h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        java.util.Arrays.fill(px, (byte) 0x80);
        int width = (int) w;
        for (int k = 0; k < n; k++) {
            float[] im = images[k];
            if (im == null || im.length != rows * cols) {
                throw new IllegalArgumentException("image " + k + " has " + (im == null ? "no" : im.length)
                        + " values, expected " + rows + " x " + cols);
            }
            int x0 = gap + (k % gc) * (cols * scale + gap);
            int y0 = gap + (k / gc) * (rows * scale + gap);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    float v = im[r * cols + c];
                    byte b = (byte) (v > 0 ? Math.round(Math.min(v, 1f) * 255f) : 0); // NaN and negatives: 0
                    for (int dy = 0; dy < scale; dy++) {
                        int row = (y0 + r * scale + dy) * width + x0 + c * scale;
                        java.util.Arrays.fill(px, row, row + scale, b);
                    }
                }
            }
        }
        return img;
    }

    // ---------------------------------------------------------------- line plots

    /** Maps data to pixels (on a log axis, callers pass log10 of the data). */
    private static final class Axis {
        final double lo;
        final double hi;
        final double p0;
        final double p1;

        Axis(double lo, double hi, double p0, double p1) {
            this.lo = lo;
            this.hi = hi;
            this.p0 = p0;
            this.p1 = p1;
        }

        /** Pixel of axis value {@code t}. */
        double px(double t) {
            return p0 + (t - lo) / (hi - lo) * (p1 - p0);
        }
    }

    private static boolean usable(double x, double y, boolean logY) {
        return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
    }

    static BufferedImage render(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        List<Series> all = series == null ? List.of() : series;
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        boolean integralX = true;
        int points = 0;
        for (Series s : all) {
            for (int i = 0; i < s.x().length; i++) {
                double x = s.x()[i];
                double y = s.y()[i];
                if (!usable(x, y, logY)) {
                    continue;
                }
                double t = logY ? Math.log10(y) : y;
                xmin = Math.min(xmin, x);
                xmax = Math.max(xmax, x);
                ymin = Math.min(ymin, t);
                ymax = Math.max(ymax, t);
                integralX &= x == Math.rint(x);
                points++;
            }
        }
        if (points == 0) {
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        // Widen degenerate ranges, then pad y by 5% so lines do not run along the frame.
        if (xmax - xmin <= Math.ulp(xmax) * 4) {
            double d = integralX ? 1 : Math.max(Math.abs(xmin) * 0.1, 1e-9);
            xmin -= d;
            xmax += d;
        } else {
            double pad = (xmax - xmin) * 0.02; // keeps end markers off the frame
            xmin -= pad;
            xmax += pad;
        }
        if (ymax - ymin <= Math.ulp(Math.abs(ymax)) * 4) {
            double d = logY ? 0.5 : Math.max(Math.abs(ymin) * 0.1, 1e-9);
            if (!logY && ymin == 0) {
                d = 1;
            }
            ymin -= d;
            ymax += d;
        } else {
            double pad = (ymax - ymin) * 0.05;
            ymin -= pad;
            ymax += pad;
        }

        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);

            Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
            Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 16);

            List<Double> yTicks = logY ? logTicks(ymin, ymax) : niceTicks(ymin, ymax, 6, false);
            List<Double> xTicks = niceTicks(xmin, xmax, 8, integralX);
            double yStep = yTicks.size() > 1 ? Math.abs(yTicks.get(1) - yTicks.get(0)) : Math.abs(ymax - ymin);
            double xStep = xTicks.size() > 1 ? xTicks.get(1) - xTicks.get(0) : xmax - xmin;
            List<String> yText = new ArrayList<>();
            for (double t : yTicks) {
                yText.add(logY ? logLabel(t) : label(t, yStep));
            }
            FontMetrics tfm = g.getFontMetrics(tickFont);
            int yTextWidth = 0;
            for (String s : yText) {
                yTextWidth = Math.max(yTextWidth, tfm.stringWidth(s));
            }
            boolean hasTitle = title != null && !title.isBlank();
            boolean hasYLabel = yLabel != null && !yLabel.isBlank();
            boolean hasXLabel = xLabel != null && !xLabel.isBlank();
            int left = 14 + (hasYLabel ? 22 : 0) + yTextWidth + 8;
            int right = WIDTH - 24;
            int top = hasTitle ? 44 : 20;
            int bottom = HEIGHT - (hasXLabel ? 56 : 36);
            Rectangle area = new Rectangle(left, top, right - left, bottom - top);
            Axis ax = new Axis(xmin, xmax, left, right);
            Axis ay = new Axis(ymin, ymax, bottom, top);

            // grid, ticks and tick labels
            g.setFont(tickFont);
            g.setStroke(new BasicStroke(1f));
            for (int i = 0; i < yTicks.size(); i++) {
                double py = ay.px(yTicks.get(i));
                g.setColor(GRID);
                g.draw(new Line2D.Double(left, py, right, py));
                g.setColor(AXIS);
                g.draw(new Line2D.Double(left - 5, py, left, py));
                g.setColor(TEXT);
                String s = yText.get(i);
                g.drawString(s, left - 8 - tfm.stringWidth(s), (float) (py + tfm.getAscent() / 2.0 - 1));
            }
            if (logY) {
                g.setColor(AXIS);
                for (double m : minorLogTicks(ymin, ymax, yTicks)) {
                    double py = ay.px(m);
                    g.draw(new Line2D.Double(left - 3, py, left, py));
                }
            }
            for (double t : xTicks) {
                double px = ax.px(t);
                g.setColor(GRID);
                g.draw(new Line2D.Double(px, top, px, bottom));
                g.setColor(AXIS);
                g.draw(new Line2D.Double(px, bottom, px, bottom + 5));
                g.setColor(TEXT);
                String s = label(t, xStep);
                g.drawString(s, (float) (px - tfm.stringWidth(s) / 2.0), bottom + 8 + tfm.getAscent());
            }
            g.setColor(AXIS);
            g.draw(area);

            // labels
            if (hasTitle) {
                g.setFont(titleFont);
                g.setColor(TEXT);
                FontMetrics fm = g.getFontMetrics();
                String t = fit(title, fm, WIDTH - 20);
                g.drawString(t, (left + right - fm.stringWidth(t)) / 2f, 28);
            }
            g.setFont(labelFont);
            FontMetrics lfm = g.getFontMetrics();
            if (hasXLabel) {
                String t = fit(xLabel, lfm, right - left);
                g.drawString(t, (left + right - lfm.stringWidth(t)) / 2f, HEIGHT - 14);
            }
            if (hasYLabel) {
                String t = fit(yLabel, lfm, bottom - top);
                AffineTransform saved = g.getTransform();
                g.translate(14 + lfm.getAscent(), (top + bottom) / 2.0 + lfm.stringWidth(t) / 2.0);
                g.rotate(-Math.PI / 2);
                g.drawString(t, 0, 0);
                g.setTransform(saved);
            }
            if (points == 0) {
                g.setFont(labelFont);
                g.setColor(Color.GRAY);
                String t = "no data";
                g.drawString(t, (left + right - lfm.stringWidth(t)) / 2f, (top + bottom) / 2f);
            }

            // the lines
            Shape clip = g.getClip();
            g.clip(new Rectangle(left - 4, top - 4, right - left + 8, bottom - top + 8));
            for (int k = 0; k < all.size(); k++) {
                Series s = all.get(k);
                g.setColor(color(k));
                g.setStroke(stroke(k, 2f));
                Path2D.Double path = new Path2D.Double();
                boolean pen = false;
                int valid = 0;
                for (int i = 0; i < s.x().length; i++) {
                    if (!usable(s.x()[i], s.y()[i], logY)) {
                        pen = false;
                        continue;
                    }
                    valid++;
                    double px = ax.px(s.x()[i]);
                    double py = ay.px(logY ? Math.log10(s.y()[i]) : s.y()[i]);
                    if (pen) {
                        path.lineTo(px, py);
                    } else {
                        path.moveTo(px, py);
                        pen = true;
                    }
                }
                g.draw(path);
                for (int i = 0; i < s.x().length; i++) {
                    if (!usable(s.x()[i], s.y()[i], logY)) {
                        continue;
                    }
                    boolean isolated = (i == 0 || !usable(s.x()[i - 1], s.y()[i - 1], logY))
                            && (i == s.x().length - 1 || !usable(s.x()[i + 1], s.y()[i + 1], logY));
                    if (valid <= MARKER_LIMIT || isolated) {
                        double px = ax.px(s.x()[i]);
                        double py = ay.px(logY ? Math.log10(s.y()[i]) : s.y()[i]);
                        g.fill(new Ellipse2D.Double(px - 3.5, py - 3.5, 7, 7));
                    }
                }
            }
            g.setClip(clip);
            legend(g, all, area, ax, ay, logY);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static Color color(int k) {
        return PALETTE[k % PALETTE.length];
    }

    private static BasicStroke stroke(int k, float width) {
        float[] dash = DASHES[(k / PALETTE.length) % DASHES.length];
        return new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, dash, 0f);
    }

    private static void legend(Graphics2D g, List<Series> all, Rectangle area, Axis ax, Axis ay, boolean logY) {
        List<Integer> shown = new ArrayList<>();
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).name() != null && !all.get(k).name().isBlank()) {
                shown.add(k);
            }
        }
        if (shown.isEmpty()) {
            return;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int row = fm.getHeight() + 2;
        int textWidth = 0;
        List<String> names = new ArrayList<>();
        for (int k : shown) {
            String n = fit(all.get(k).name(), fm, area.width / 2);
            names.add(n);
            textWidth = Math.max(textWidth, fm.stringWidth(n));
        }
        int w = 10 + 26 + 6 + textWidth + 10;
        int h = 8 + row * shown.size() + 4;
        // Put the box in the corner that hides the fewest points (top right when tied).
        int margin = 10;
        int[][] corners = {
            {area.x + area.width - w - margin, area.y + margin},
            {area.x + margin, area.y + margin},
            {area.x + area.width - w - margin, area.y + area.height - h - margin},
            {area.x + margin, area.y + area.height - h - margin},
        };
        int best = 0;
        int bestCount = Integer.MAX_VALUE;
        for (int c = 0; c < corners.length; c++) {
            Rectangle box = new Rectangle(corners[c][0], corners[c][1], w, h);
            int count = 0;
            for (Series s : all) {
                for (int i = 0; i < s.x().length; i++) {
                    if (usable(s.x()[i], s.y()[i], logY)
                            && box.contains(ax.px(s.x()[i]), ay.px(logY ? Math.log10(s.y()[i]) : s.y()[i]))) {
                        count++;
                    }
                }
            }
            if (count < bestCount) {
                best = c;
                bestCount = count;
            }
        }
        int x = corners[best][0];
        int y = corners[best][1];
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRoundRect(x, y, w, h, 6, 6);
        g.setColor(new Color(0xbbbbbb));
        g.setStroke(new BasicStroke(1f));
        g.drawRoundRect(x, y, w, h, 6, 6);
        for (int j = 0; j < shown.size(); j++) {
            int k = shown.get(j);
            double cy = y + 6 + row * j + row / 2.0;
            g.setColor(color(k));
            g.setStroke(stroke(k, 2f));
            g.draw(new Line2D.Double(x + 10, cy, x + 36, cy));
            if (countUsable(all.get(k), logY) <= MARKER_LIMIT) {
                g.fill(new Ellipse2D.Double(x + 23 - 3.5, cy - 3.5, 7, 7));
            }
            g.setColor(TEXT);
            g.drawString(names.get(j), x + 42, (float) (cy + fm.getAscent() / 2.0 - 1));
        }
    }

    private static int countUsable(Series s, boolean logY) {
        int n = 0;
        for (int i = 0; i < s.x().length; i++) {
            if (usable(s.x()[i], s.y()[i], logY)) {
                n++;
            }
        }
        return n;
    }

    private static String fit(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) {
            return s;
        }
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    // ---------------------------------------------------------------- ticks

    /** The "nice" number (1, 2, 5 times a power of ten) nearest to, or at least, {@code x}. */
    static double nice(double x, boolean round) {
        double exp = Math.floor(Math.log10(x));
        double f = x / Math.pow(10, exp);
        double nf;
        if (round) {
            nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
        } else {
            nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        }
        return nf * Math.pow(10, exp);
    }

    /** Ticks at multiples of a nice step inside [lo, hi], about {@code target} of them. */
    static List<Double> niceTicks(double lo, double hi, int target, boolean integral) {
        double step = nice((hi - lo) / Math.max(1, target - 1), true);
        if (integral) {
            step = Math.max(1, step);
        }
        List<Double> ticks = new ArrayList<>();
        double first = Math.ceil(lo / step - 1e-9) * step;
        for (int i = 0; i < 100; i++) {
            double t = first + i * step;
            if (t > hi + step * 1e-9) {
                break;
            }
            ticks.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
        }
        return ticks;
    }

    /** Ticks for a log axis whose range [lo, hi] is in log10 units; returned in log10 units. */
    static List<Double> logTicks(double lo, double hi) {
        double span = hi - lo;
        List<Double> ticks = new ArrayList<>();
        if (span >= 2.5) {
            int every = (int) Math.ceil(span / 8);
            for (int k = (int) Math.ceil(lo - 1e-9); k <= Math.floor(hi + 1e-9); k++) {
                if (Math.floorMod(k, every) == 0) {
                    ticks.add((double) k);
                }
            }
            return ticks;
        }
        if (span >= 0.8) {
            for (int k = (int) Math.floor(lo); k <= Math.ceil(hi); k++) {
                for (int m : new int[] {1, 2, 5}) {
                    double t = k + Math.log10(m);
                    if (t >= lo - 1e-9 && t <= hi + 1e-9) {
                        ticks.add(t);
                    }
                }
            }
            if (ticks.size() >= 3) {
                return ticks;
            }
            ticks.clear();
        }
        // Less than a decade: linear nice ticks placed on the log axis.
        for (double v : niceTicks(Math.pow(10, lo), Math.pow(10, hi), 7, false)) {
            if (v > 0) {
                ticks.add(Math.log10(v));
            }
        }
        return ticks;
    }

    /** Unlabelled minor ticks at 2..9 times each decade, when the major ticks are whole decades one apart. */
    private static List<Double> minorLogTicks(double lo, double hi, List<Double> major) {
        List<Double> out = new ArrayList<>();
        if (major.size() < 2 || Math.abs(major.get(1) - major.get(0) - 1) > 1e-9 || hi - lo > 12) {
            return out;
        }
        for (int k = (int) Math.floor(lo); k <= Math.ceil(hi); k++) {
            for (int m = 2; m <= 9; m++) {
                double t = k + Math.log10(m);
                if (t > lo && t < hi) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** Label for a linear tick {@code v} on an axis with tick spacing {@code step}. */
    static String label(double v, double step) {
        if (v == 0 || Math.abs(v) < Math.abs(step) * 1e-9) {
            return "0";
        }
        double a = Math.abs(v);
        int stepExp = (int) Math.floor(Math.log10(Math.abs(step)) + 1e-9);
        if (a >= 1e5 || a < 1e-3) {
            int vExp = (int) Math.floor(Math.log10(a) + 1e-12);
            int digits = Math.max(0, Math.min(6, vExp - stepExp));
            return sci(v, digits);
        }
        int decimals = Math.max(0, Math.min(10, -stepExp));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Label for a log-axis tick at log10 value {@code t}: "0.01", "200", "1e-5", "5e6". */
    static String logLabel(double t) {
        double v = Math.pow(10, t);
        int exp = (int) Math.floor(t + 1e-9);
        if (exp >= -3 && exp <= 4) {
            BigDecimal b = new BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros();
            return b.toPlainString();
        }
        return sci(v, Math.abs(v / Math.pow(10, exp) - Math.rint(v / Math.pow(10, exp))) < 1e-6 ? 0 : 2);
    }

    private static String sci(double v, int digits) {
        String s = String.format(Locale.ROOT, "%." + digits + "e", v); // like 1.50e-05
        int e = s.indexOf('e');
        String mantissa = s.substring(0, e);
        int exp = Integer.parseInt(s.substring(e + 1));
        return mantissa + "e" + exp;
    }
}
