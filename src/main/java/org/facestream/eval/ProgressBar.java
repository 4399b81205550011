package org.facestream.eval;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A one-line progress bar with rate and time left, redrawn with carriage returns at most every half second
 * (so a log file captured with nohup stays small). Thread-safe.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 500_000_000L;

    private final PrintStream out;
    private final String label;
    private final int total;
    private final String unit;
    private final long start = System.nanoTime();
    private final AtomicInteger done = new AtomicInteger();
    private long lastDraw;

    ProgressBar(PrintStream out, String label, int total) {
        this(out, label, total, "img/s");
    }

    /** A bar whose rate is shown in {@code unit} (e.g. {@code probes/s}). */
    ProgressBar(PrintStream out, String label, int total, String unit) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.unit = unit;
    }

    void step() {
        int n = done.incrementAndGet();
        if (out != null) {
            synchronized (this) {
                long now = System.nanoTime();
                if (now - lastDraw >= REDRAW_NANOS || n == total) {
                    lastDraw = now;
                    draw(n, now);
                }
            }
        }
    }

    void done() {
        if (out != null) {
            synchronized (this) {
                draw(done.get(), System.nanoTime());
                out.println();
                out.flush();
            }
        }
    }

    private void draw(int n, long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? n / seconds : 0;
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * n / total);
        long eta = rate > 0 ? Math.round((total - n) / rate) : 0;
        out.print(String.format(
                Locale.ROOT,
                "\r%s [%s%s] %d/%d %5.1f %s eta %d:%02d ",
                label,
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                n,
                total,
                rate,
                unit,
                eta / 60,
                eta % 60));
        out.flush();
    }
}
