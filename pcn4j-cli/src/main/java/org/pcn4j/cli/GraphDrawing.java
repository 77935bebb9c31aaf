package org.pcn4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pcn4j.graph.EdgeSpec;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.graph.NodeSpec;
import org.pcn4j.graph.Role;
import org.pcn4j.kernel.Activation;

/**
 * Draws a graph spec: nodes as labelled boxes in columns by layer (longest path from the input,
 * back edges ignored), forward edges as gray arrows (curved when they skip layers), back edges as
 * dashed red curves.
 */
final class GraphDrawing {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int BOX_H = 46;
    private static final int ROW_GAP = 40;
    private static final int COL_GAP = 110;
    private static final int MARGIN = 50;
    private static final int TITLE_H = 40;
    private static final Color FORWARD = new Color(0x555555);
    private static final Color BACK = new Color(0xd62728);
    private static final Color TEXT = new Color(0x222222);

    private GraphDrawing() {}

    static BufferedImage render(GraphSpec g, String title) {
        Map<String, Integer> layers = g.layers();
        int nLayers = 0;
        for (int l : layers.values()) {
            nLayers = Math.max(nLayers, l + 1);
        }
        List<List<NodeSpec>> columns = new ArrayList<>();
        for (int l = 0; l < nLayers; l++) {
            columns.add(new ArrayList<>());
        }
        for (NodeSpec n : g.nodes()) {
            columns.get(layers.get(n.name())).add(n);
        }
        Font nameFont = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fmName = pg.getFontMetrics(nameFont);
        FontMetrics fmSmall = pg.getFontMetrics(small);
        int boxW = 90;
        for (NodeSpec n : g.nodes()) {
            boxW = Math.max(boxW, fmName.stringWidth(n.name()) + 20);
            boxW = Math.max(boxW, fmSmall.stringWidth(subtitle(n)) + 20);
        }
        pg.dispose();
        int maxRows = 1;
        for (List<NodeSpec> c : columns) {
            maxRows = Math.max(maxRows, c.size());
        }
        int backCount = g.backEdges().size();
        int width = 2 * MARGIN + nLayers * boxW + (nLayers - 1) * COL_GAP;
        int contentH = maxRows * BOX_H + (maxRows - 1) * ROW_GAP;
        int height = TITLE_H + MARGIN + contentH + 25 + (backCount > 0 ? 45 + 18 * (Math.min(backCount, 4) - 1) : 0);
        width = Math.max(width, 420);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D gr = img.createGraphics();
        gr.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        gr.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        gr.setColor(Color.WHITE);
        gr.fillRect(0, 0, width, height);

        // Box centers: columns left to right, each column centered vertically.
        Map<String, Point2D.Double> center = new HashMap<>();
        int top = TITLE_H + MARGIN;
        for (int l = 0; l < nLayers; l++) {
            List<NodeSpec> c = columns.get(l);
            int colH = c.size() * BOX_H + (c.size() - 1) * ROW_GAP;
            double y0 = top + (contentH - colH) / 2.0 + BOX_H / 2.0;
            double x = MARGIN + l * (boxW + COL_GAP) + boxW / 2.0;
            for (int i = 0; i < c.size(); i++) {
                center.put(c.get(i).name(), new Point2D.Double(x, y0 + i * (BOX_H + ROW_GAP)));
            }
        }
        double bottom = top + contentH;

        gr.setColor(TEXT);
        gr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        gr.drawString(title, MARGIN / 2, 26);
        gr.setFont(small);
        String info = String.format(Locale.ROOT, "%d nodes, %d edges, %,d parameters%s", g.nodes().size(),
                g.edges().size(), g.parameterCount(), backCount > 0 ? ", " + backCount + " back edge"
                        + (backCount > 1 ? "s" : "") + " (dashed red)" : "");
        gr.drawString(info, MARGIN / 2, 44);

        Set<EdgeSpec> back = g.backEdges();
        double half = boxW / 2.0;
        int backIndex = 0;
        // A block's pairs are drawn as edges; its within-node connections (self: true) are not.
        for (EdgeSpec e : g.allEdges()) {
            if (e.from().equals(e.to())) {
                continue;
            }
            Point2D.Double a = center.get(e.from());
            Point2D.Double b = center.get(e.to());
            Shape curve;
            Point2D.Double tip;
            Point2D.Double dir;
            Point2D.Double mid;
            if (!back.contains(e)) {
                Point2D.Double p0 = new Point2D.Double(a.x + half, a.y);
                tip = new Point2D.Double(b.x - half, b.y);
                int span = layers.get(e.to()) - layers.get(e.from());
                if (span <= 1 || Math.abs(a.y - b.y) > 1) {
                    curve = new Line2D.Double(p0, tip);
                    dir = new Point2D.Double(tip.x - p0.x, tip.y - p0.y);
                    mid = new Point2D.Double((p0.x + tip.x) / 2, (p0.y + tip.y) / 2);
                } else {
                    // A skip over boxes in the same row: bow upwards.
                    double cy = a.y - BOX_H - 20.0 * span;
                    Point2D.Double ctrl = new Point2D.Double((p0.x + tip.x) / 2, cy);
                    curve = new QuadCurve2D.Double(p0.x, p0.y, ctrl.x, ctrl.y, tip.x, tip.y);
                    dir = new Point2D.Double(tip.x - ctrl.x, tip.y - ctrl.y);
                    mid = new Point2D.Double(ctrl.x, (p0.y + 2 * ctrl.y + tip.y) / 4);
                }
                gr.setColor(FORWARD);
                gr.setStroke(new BasicStroke(1.6f));
            } else {
                // Back edge: from the bottom of the source, below the boxes, into the bottom of the target.
                Point2D.Double p0 = new Point2D.Double(a.x + 10, a.y + BOX_H / 2.0);
                tip = new Point2D.Double(b.x - 10, b.y + BOX_H / 2.0);
                double depth = Math.max(p0.y, tip.y) + 30 + 18 * (backIndex % 4) + 0.15 * Math.abs(p0.x - tip.x);
                depth = Math.min(depth, bottom + 25 + 18 * (backIndex % 4));
                depth = Math.max(depth, Math.max(p0.y, tip.y) + 25);
                curve = new CubicCurve2D.Double(p0.x, p0.y, p0.x, depth, tip.x, depth, tip.x, tip.y);
                dir = new Point2D.Double(0, -1);
                mid = new Point2D.Double((p0.x + tip.x) / 2, depth - 4);
                gr.setColor(BACK);
                gr.setStroke(new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {7f, 5f}, 0f));
                backIndex++;
            }
            gr.draw(curve);
            arrowHead(gr, tip, dir);
            if (e.activation() != Activation.IDENTITY || e.convention() != org.pcn4j.model.Convention.PRE || !e.bias()) {
                String label = e.activation().id() + (e.convention() != org.pcn4j.model.Convention.PRE ? " post" : "")
                        + (e.bias() ? "" : " no bias");
                gr.setFont(small);
                FontMetrics fm = gr.getFontMetrics();
                int lw = fm.stringWidth(label);
                int lx = (int) (mid.x - lw / 2.0);
                int ly = (int) (mid.y - 4);
                gr.setColor(new Color(255, 255, 255, 220));
                gr.fillRect(lx - 2, ly - fm.getAscent(), lw + 4, fm.getHeight());
                gr.setColor(back.contains(e) ? BACK : FORWARD);
                gr.drawString(label, lx, ly);
            }
        }

        for (NodeSpec n : g.nodes()) {
            Point2D.Double c = center.get(n.name());
            RoundRectangle2D box = new RoundRectangle2D.Double(c.x - half, c.y - BOX_H / 2.0, boxW, BOX_H, 12, 12);
            gr.setColor(fill(n.role()));
            gr.fill(box);
            gr.setColor(TEXT);
            gr.setStroke(new BasicStroke(n.role() == Role.HIDDEN ? 1.2f : 2.2f));
            gr.draw(box);
            gr.setFont(nameFont);
            FontMetrics fm = gr.getFontMetrics();
            gr.drawString(n.name(), (float) (c.x - fm.stringWidth(n.name()) / 2.0), (float) (c.y - 3));
            gr.setFont(small);
            fm = gr.getFontMetrics();
            String sub = subtitle(n);
            gr.drawString(sub, (float) (c.x - fm.stringWidth(sub) / 2.0), (float) (c.y + 14));
        }
        gr.dispose();
        return img;
    }

    private static String subtitle(NodeSpec n) {
        String s = n.describeShape() + (n.role() == Role.HIDDEN ? "" : " \u00b7 " + n.role().id());
        if (n.role() == Role.TARGET || n.energy() != org.pcn4j.model.Energy.GAUSSIAN) {
            s += n.energy() == org.pcn4j.model.Energy.GAUSSIAN ? "" : " \u00b7 CE";
        }
        return s;
    }

    private static Color fill(Role r) {
        switch (r) {
            case INPUT: return new Color(0xd6e9f8);
            case TARGET: return new Color(0xfde2c8);
            default: return new Color(0xf2f2f2);
        }
    }

    private static void arrowHead(Graphics2D g, Point2D.Double tip, Point2D.Double dir) {
        double len = Math.hypot(dir.x, dir.y);
        if (len == 0) {
            return;
        }
        double ux = dir.x / len;
        double uy = dir.y / len;
        double size = 10;
        Path2D.Double p = new Path2D.Double();
        p.moveTo(tip.x, tip.y);
        p.lineTo(tip.x - size * ux - size * 0.45 * uy, tip.y - size * uy + size * 0.45 * ux);
        p.lineTo(tip.x - size * ux + size * 0.45 * uy, tip.y - size * uy - size * 0.45 * ux);
        p.closePath();
        Stroke s = g.getStroke();
        g.setStroke(new BasicStroke(1f));
        g.fill(p);
        g.setStroke(s);
    }
}
