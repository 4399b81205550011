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
import org.facestream.eval.VerificationMetrics.RocPoint;

/**
 * Draws a ROC (TAR against log FAR) and a DET (FRR against FAR, both log) side by side into a PNG, with
 * java.awt only, so it works headless on a build machine. FAR and FRR of 0 cannot sit on a log axis and are
 * drawn at the axis minimum, one impostor's worth of FAR (or 1e-4 when there are more impostors).
 */
public final class RocPlot {
    private static final int PANEL_W = 520;
    private static final int H = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 56;
    private static final int BOTTOM = 60;

    private RocPlot() {}

    /**
     * Writes the plot.
     *
     * @param roc operating points, e.g. from {@link VerificationMetrics#roc}
     * @param impostors number of mismatched pairs (sets the lowest FAR shown)
     * @param title the title; a newline splits it into a bold first line and a plain second line
     */
    public static void write(List<RocPoint> roc, int impostors, String title, Path png) {
        System.setProperty("java.awt.headless", "true");
        if (roc.isEmpty()) {
            throw new IllegalArgumentException("expected ROC points, found none");
        }
        double minLog = Math.max(-4, Math.floor(Math.log10(1.0 / Math.max(1, impostors))));
        BufferedImage image = new BufferedImage(2 * PANEL_W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.setColor(Color.BLACK);
            String[] lines = title.split("\n", 2);
            g.drawString(lines[0], LEFT, 18);
            if (lines.length > 1) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.drawString(lines[1], LEFT, 36);
            }
            double minTar = 1;
            for (RocPoint p : roc) {
                if (p.far() >= Math.pow(10, minLog)) {
                    minTar = Math.min(minTar, p.tar());
                }
            }
            double yLow = Math.max(0, Math.floor((minTar - 0.005) * 20) / 20); // down to a multiple of 0.05
            rocPanel(g, roc, minLog, yLow);
            detPanel(g, roc, minLog);
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

    private static void rocPanel(Graphics2D g, List<RocPoint> roc, double minLog, double yLow) {
        int x0 = LEFT;
        Frame f = new Frame(x0, minLog, 0, yLow, 1, false);
        axes(g, f, "FAR (false accept rate, log)", "TAR (true accept rate)", "ROC");
        double step = 1 - yLow <= 0.1 ? 0.01 : 1 - yLow <= 0.3 ? 0.05 : 0.1;
        for (int i = 0; yLow + i * step <= 1.0001; i++) {
            tickY(g, f, yLow + i * step, String.format(Locale.ROOT, "%.2f", yLow + i * step));
        }
        curve(g, f, roc, false);
    }

    private static void detPanel(Graphics2D g, List<RocPoint> roc, double minLog) {
        Frame f = new Frame(PANEL_W + LEFT, minLog, 0, minLog, 0, true);
        axes(g, f, "FAR (false accept rate, log)", "FRR (false reject rate, log)", "DET");
        for (int e = (int) minLog; e <= 0; e++) {
            tickY(g, f, e, e == 0 ? "1" : "1e" + e);
        }
        curve(g, f, roc, true);
    }

    /** A plot area: x is always log10 FAR; y is linear TAR or log10 FRR. */
    private record Frame(int left, double xMin, double xMax, double yMin, double yMax, boolean logY) {
        int px(double far) {
            double lx = Math.log10(Math.max(far, Math.pow(10, xMin)));
            return left + (int) Math.round((lx - xMin) / (xMax - xMin) * (PANEL_W - LEFT - RIGHT));
        }

        int py(double v) {
            double y = logY ? Math.log10(Math.max(v, Math.pow(10, yMin))) : v;
            y = Math.max(yMin, Math.min(yMax, y));
            return H - BOTTOM - (int) Math.round((y - yMin) / (yMax - yMin) * (H - TOP - BOTTOM));
        }

        int width() {
            return PANEL_W - LEFT - RIGHT;
        }
    }

    private static void axes(Graphics2D g, Frame f, String xLabel, String yLabel, String name) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(f.left(), TOP, f.width(), H - TOP - BOTTOM);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int e = (int) f.xMin(); e <= 0; e++) {
            int x = f.px(Math.pow(10, e));
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x, TOP + 1, x, H - BOTTOM - 1);
            g.setColor(Color.BLACK);
            g.drawLine(x, H - BOTTOM, x, H - BOTTOM + 5);
            String label = e == 0 ? "1" : "1e" + e;
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, H - BOTTOM + 18);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(xLabel, f.left() + f.width() / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, H - 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(name, f.left() + 8, TOP + 18);
        Graphics2D r = (Graphics2D) g.create();
        try {
            r.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            r.rotate(-Math.PI / 2);
            int mid = TOP + (H - TOP - BOTTOM) / 2;
            r.drawString(yLabel, -mid - r.getFontMetrics().stringWidth(yLabel) / 2, f.left() - 52);
        } finally {
            r.dispose();
        }
    }

    private static void tickY(Graphics2D g, Frame f, double v, String label) {
        int y = f.logY() ? f.py(Math.pow(10, v)) : f.py(v);
        g.setColor(new Color(225, 225, 225));
        g.drawLine(f.left() + 1, y, f.left() + f.width() - 1, y);
        g.setColor(Color.BLACK);
        g.drawLine(f.left() - 5, y, f.left(), y);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(label, f.left() - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }

    private static void curve(Graphics2D g, Frame f, List<RocPoint> roc, boolean det) {
        Path2D.Double path = new Path2D.Double();
        boolean first = true;
        for (RocPoint p : roc) {
            double x = f.px(p.far());
            double y = det ? f.py(1 - p.tar()) : f.py(p.tar());
            if (first) {
                path.moveTo(x, y);
                first = false;
            } else {
                path.lineTo(x, y);
            }
        }
        Graphics2D c = (Graphics2D) g.create();
        try {
            c.clipRect(f.left(), TOP, f.width() + 1, H - TOP - BOTTOM + 1);
            c.setColor(new Color(31, 119, 180));
            c.setStroke(new BasicStroke(2f));
            c.draw(path);
        } finally {
            c.dispose();
        }
    }
}
