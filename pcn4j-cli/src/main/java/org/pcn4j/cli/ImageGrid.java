package org.pcn4j.cli;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.List;

/**
 * Grids of grayscale images with optional row and column labels. Drawn by hand rather than with
 * XChart: a chart library has no "tile of pixel images" chart (its heat map interpolates colours and
 * adds axes), and the grid must keep each pixel exact and enlarged by a whole factor, which is a few
 * array fills.
 */
final class ImageGrid {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Gap between tiles, in pixels; it shows mid gray (128). */
    static final int GAP = 2;
    /** Label margins are white with dark text. */
    static final int MARGIN_GRAY = 255;

    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

    private ImageGrid() {}

    static BufferedImage render(float[][] images, int rows, int cols, int gridCols, int scale, List<String> rowLabels,
                                List<String> colLabels) {
        if (images == null || images.length == 0) {
            throw new IllegalArgumentException("no images to draw");
        }
        if (rows < 1 || cols < 1 || gridCols < 1 || scale < 1) {
            throw new IllegalArgumentException("rows, cols, gridCols and scale must be positive");
        }
        int n = images.length;
        int gc = Math.min(gridCols, n);
        int gr = (n + gc - 1) / gc;
        if (rowLabels != null && rowLabels.size() != gr) {
            throw new IllegalArgumentException(rowLabels.size() + " row labels for " + gr + " grid rows");
        }
        if (colLabels != null && colLabels.size() != gc) {
            throw new IllegalArgumentException(colLabels.size() + " column labels for " + gc + " grid columns");
        }
        int left = rowLabels == null ? 0 : labelWidth(rowLabels) + 8;
        int top = colLabels == null ? 0 : 18;
        long w = left + (long) gc * cols * scale + (long) (gc + 1) * GAP;
        long h = top + (long) gr * rows * scale + (long) (gr + 1) * GAP;
        if (w > 16384 || h > 16384) {
            throw new IllegalArgumentException("image grid of " + w + " x " + h + " pixels is too large");
        }
        BufferedImage img = new BufferedImage((int) w, (int) h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        int width = (int) w;
        Arrays.fill(px, (byte) 0x80);
        for (int y = 0; y < h; y++) { // white label margins
            if (y < top) {
                Arrays.fill(px, y * width, (y + 1) * width, (byte) MARGIN_GRAY);
            } else {
                Arrays.fill(px, y * width, y * width + left, (byte) MARGIN_GRAY);
            }
        }
        for (int k = 0; k < n; k++) {
            float[] im = images[k];
            if (im == null || im.length != rows * cols) {
                throw new IllegalArgumentException("image " + k + " has " + (im == null ? "no" : im.length)
                        + " values, expected " + rows + " x " + cols);
            }
            int x0 = left + GAP + (k % gc) * (cols * scale + GAP);
            int y0 = top + GAP + (k / gc) * (rows * scale + GAP);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    float v = im[r * cols + c];
                    byte b = (byte) (v > 0 ? Math.round(Math.min(v, 1f) * 255f) : 0); // NaN and negatives: 0
                    for (int dy = 0; dy < scale; dy++) {
                        int row = (y0 + r * scale + dy) * width + x0 + c * scale;
                        Arrays.fill(px, row, row + scale, b);
                    }
                }
            }
        }
        if (rowLabels != null || colLabels != null) {
            Graphics2D g = img.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setFont(FONT);
                g.setColor(new Color(0x222222));
                FontMetrics fm = g.getFontMetrics();
                int tileH = rows * scale + GAP;
                int tileW = cols * scale + GAP;
                if (rowLabels != null) {
                    for (int r = 0; r < gr; r++) {
                        String s = rowLabels.get(r);
                        int cy = top + GAP + r * tileH + rows * scale / 2;
                        g.drawString(s, left - 6 - fm.stringWidth(s), cy + fm.getAscent() / 2 - 1);
                    }
                }
                if (colLabels != null) {
                    for (int c = 0; c < gc; c++) {
                        String s = fit(colLabels.get(c), fm, tileW);
                        int cx = left + GAP + c * tileW + cols * scale / 2;
                        g.drawString(s, cx - fm.stringWidth(s) / 2, top - 5);
                    }
                }
            } finally {
                g.dispose();
            }
        }
        return img;
    }

    private static int labelWidth(List<String> labels) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = probe.createGraphics();
        try {
            FontMetrics fm = g.getFontMetrics(FONT);
            int w = 0;
            for (String s : labels) {
                w = Math.max(w, fm.stringWidth(s));
            }
            return w;
        } finally {
            g.dispose();
        }
    }

    /** {@code s}, cut with an ellipsis to fit {@code width} pixels (a column label is one tile wide). */
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
}
