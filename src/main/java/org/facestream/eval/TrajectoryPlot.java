package org.facestream.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the adaptive threshold's trajectory (published value and raw estimate against probe index) with the
 * oracle and the fixed threshold as horizontal lines, into a small PNG, with java.awt only (headless).
 */
final class TrajectoryPlot {
    private static final int W = 720;
    private static final int H = 380;
    private static final int LEFT = 60;
    private static final int RIGHT = 20;
    private static final int TOP = 66;
    private static final int BOTTOM = 50;

    /**
     * One published point.
     *
     * @param probe the probe index it was published after
     * @param value the published threshold
     * @param raw the raw estimate
     */
    record Point(int probe, double value, double raw) {}

    private TrajectoryPlot() {}

    /**
     * Writes the plot.
     *
     * @param points publications in order (at least one)
     * @param probes probes in the stream (the x axis' end)
     * @param oracle the oracle threshold (dashed), NaN for none
     * @param fixed the fixed threshold (dotted)
     * @param title a bold first line, then after a newline a plain second line
     */
    static void write(List<Point> points, int probes, double oracle, double fixed, String title, Path png) {
        System.setProperty("java.awt.headless", "true");
        if (points.isEmpty()) {
            throw new IllegalArgumentException("expected trajectory points, found none");
        }
        double lo = Math.min(fixed, Double.isNaN(oracle) ? fixed : oracle);
        double hi = Math.max(fixed, Double.isNaN(oracle) ? fixed : oracle);
        for (Point p : points) {
            lo = Math.min(lo, Math.min(p.value(), p.raw()));
            hi = Math.max(hi, Math.max(p.value(), p.raw()));
        }
        double yMin = Math.floor((lo - 0.01) * 50) / 50;
        double yMax = Math.ceil((hi + 0.01) * 50) / 50;
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(Color.BLACK);
            String[] lines = title.split("\n", 2);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(lines[0], LEFT, 18);
            if (lines.length > 1) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.drawString(lines[1], LEFT, 36);
            }
            int pw = W - LEFT - RIGHT;
            int ph = H - TOP - BOTTOM;
            g.drawRect(LEFT, TOP, pw, ph);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            double step = yMax - yMin > 0.2 ? 0.05 : 0.02;
            for (double y = Math.ceil(yMin / step) * step; y <= yMax + 1e-9; y += step) {
                int py = py(y, yMin, yMax);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT + 1, py, LEFT + pw - 1, py);
                g.setColor(Color.BLACK);
                String label = String.format(Locale.ROOT, "%.2f", y);
                g.drawString(label, LEFT - 6 - g.getFontMetrics().stringWidth(label), py + 4);
            }
            int xStep = niceStep(probes);
            for (int x = 0; x <= probes; x += xStep) {
                int px = px(x, probes);
                g.drawLine(px, TOP + ph, px, TOP + ph + 4);
                String label = Integer.toString(x);
                g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, TOP + ph + 17);
            }
            g.drawString("probe index", LEFT + pw / 2 - 30, H - 12);
            Graphics2D c = (Graphics2D) g.create();
            try {
                c.clipRect(LEFT, TOP, pw + 1, ph + 1);
                horizontal(c, fixed, yMin, yMax, new Color(120, 120, 120), new float[] {2, 3});
                if (!Double.isNaN(oracle)) {
                    horizontal(c, oracle, yMin, yMax, new Color(44, 160, 44), new float[] {6, 4});
                }
                c.setColor(new Color(255, 127, 14));
                c.setStroke(new BasicStroke(1f));
                c.draw(path(points, probes, yMin, yMax, true));
                c.setColor(new Color(31, 119, 180));
                c.setStroke(new BasicStroke(2f));
                c.draw(path(points, probes, yMin, yMax, false));
            } finally {
                c.dispose();
            }
            legend(g, W - RIGHT - 150, 14); // above the plot, beside the title
        } finally {
            g.dispose();
        }
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", png.toFile())) {
                throw new EvaluationException("expected a PNG writer in this JDK, found none");
            }
        } catch (IOException e) {
            throw new EvaluationException("plot " + png + ": expected a writable file, found " + e, e);
        }
    }

    private static void legend(Graphics2D g, int x, int y) {
        Object[][] items = {
            {"published threshold", new Color(31, 119, 180)},
            {"raw estimate", new Color(255, 127, 14)},
            {"oracle (hindsight)", new Color(44, 160, 44)},
            {"fixed threshold", new Color(120, 120, 120)}
        };
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < items.length; i++) {
            g.setColor((Color) items[i][1]);
            g.fillRect(x, y + 14 * i - 8, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString((String) items[i][0], x + 20, y + 14 * i - 3);
        }
    }

    private static void horizontal(Graphics2D g, double y, double yMin, double yMax, Color color, float[] dash) {
        g.setColor(color);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, dash, 0));
        int py = py(y, yMin, yMax);
        g.drawLine(LEFT, py, W - RIGHT, py);
    }

    private static Path2D path(List<Point> points, int probes, double yMin, double yMax, boolean raw) {
        Path2D.Double path = new Path2D.Double();
        boolean first = true;
        double lastY = 0;
        for (Point p : points) {
            double x = px(p.probe(), probes);
            double y = py(raw ? p.raw() : p.value(), yMin, yMax);
            if (first) {
                path.moveTo(x, y);
                first = false;
            } else if (raw) {
                path.lineTo(x, y);
            } else {
                path.lineTo(x, lastY); // a published value holds until the next publication
                path.lineTo(x, y);
            }
            lastY = y;
        }
        return path;
    }

    private static int px(double probe, int probes) {
        return LEFT + (int) Math.round(probe / Math.max(1, probes) * (W - LEFT - RIGHT));
    }

    private static int py(double v, double yMin, double yMax) {
        double y = Math.max(yMin, Math.min(yMax, v));
        return H - BOTTOM - (int) Math.round((y - yMin) / (yMax - yMin) * (H - TOP - BOTTOM));
    }

    /** A tick step of 1, 2 or 5 times a power of ten giving at most 8 ticks. */
    private static int niceStep(int probes) {
        int step = 1;
        while (probes / step > 8) {
            step = nextNice(step);
        }
        return step;
    }

    private static int nextNice(int step) {
        String s = Integer.toString(step);
        int lead = s.charAt(0) - '0';
        int pow = (int) Math.pow(10, s.length() - 1);
        return lead == 1 ? 2 * pow : lead == 2 ? 5 * pow : 10 * pow;
    }
}
