package org.facestream.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free latency histogram with log-spaced buckets (each 5% wider than the last, 10 µs to about 20 min),
 * so percentiles are within about 2.5% of the true value at any scale. Thread-safe.
 */
public final class LatencyHistogram {
    private static final double MIN_MICROS = 10;
    private static final double GROWTH = 1.05;
    private static final int BUCKETS = 390;
    private static final double LOG_GROWTH = Math.log(GROWTH);

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);
    private final LongAdder count = new LongAdder();
    private final LongAdder sumMicros = new LongAdder();

    public void record(Duration d) {
        recordMicros(d.toNanos() / 1000.0);
    }

    public void recordMillis(double millis) {
        recordMicros(millis * 1000);
    }

    public void recordMicros(double micros) {
        if (!(micros >= 0) || Double.isInfinite(micros)) {
            return; // a clock step backwards must not poison the histogram
        }
        int b = micros <= MIN_MICROS
                ? 0
                : (int) Math.min(BUCKETS, 1 + Math.floor(Math.log(micros / MIN_MICROS) / LOG_GROWTH));
        counts.incrementAndGet(b);
        count.increment();
        sumMicros.add((long) micros);
    }

    public long count() {
        return count.sum();
    }

    public double meanMillis() {
        long n = count();
        return n == 0 ? 0 : sumMicros.sum() / 1000.0 / n;
    }

    public double sumSeconds() {
        return sumMicros.sum() / 1e6;
    }

    /** The q-quantile (q in [0, 1]) in milliseconds, 0 when empty; the upper edge of its bucket. */
    public double quantileMillis(double q) {
        long n = 0;
        long[] snapshot = new long[BUCKETS + 1];
        for (int i = 0; i <= BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            n += snapshot[i];
        }
        if (n == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= Math.max(1, rank)) {
                return upperMicros(i) / 1000.0;
            }
        }
        return upperMicros(BUCKETS) / 1000.0;
    }

    /** Cumulative count of observations at or below {@code millis} (for Prometheus buckets). */
    public long countAtOrBelowMillis(double millis) {
        long c = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            if (upperMicros(i) / 1000.0 <= millis * 1.0000001) {
                c += counts.get(i);
            }
        }
        return c;
    }

    private static double upperMicros(int bucket) {
        return MIN_MICROS * Math.pow(GROWTH, bucket);
    }
}
