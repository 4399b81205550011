package org.facestream.match.threshold;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The sliding window of recent null scores: a ring of {@link NullScoreSketch} buckets, the newest filling,
 * the oldest dropped when a new one starts, so the window holds between {@code (B-1)/B} and all of its
 * target size. The target is {@link FpirPolicy#windowSamples}: it follows the quantile level, which follows
 * the gallery size, so call {@link #resize} when N changes (new buckets take the new size).
 *
 * <p>Per-camera quota: within a bucket a camera may feed at most {@code cameraQuotaFactor} times the median
 * camera's offered count (and always {@code cameraMinAllowance}); the rest is counted and dropped, so one
 * flooded camera (a crowd, a poster, a fault) cannot drag the estimate. A single camera is its own median
 * and is never limited.
 *
 * <p>Not thread-safe.
 */
public final class NullScoreWindow {
    private static final int MEDIAN_EVERY = 64;

    private final FpirPolicy policy;
    private final int bins;
    private final Deque<NullScoreSketch> buckets = new ArrayDeque<>();
    private long bucketCapacity;
    private long windowSamples;
    private final Map<String, long[]> cameraCounts = new HashMap<>(); // camera -> {offered, admitted} this bucket
    private long cameraCap = Long.MAX_VALUE;
    private long offersSinceMedian;
    private long admitted;
    private long dropped;

    public NullScoreWindow(FpirPolicy policy, long windowSamples) {
        this(policy, windowSamples, NullScoreSketch.DEFAULT_BINS);
    }

    public NullScoreWindow(FpirPolicy policy, long windowSamples, int bins) {
        this.policy = policy;
        this.bins = bins;
        resize(windowSamples);
        buckets.addLast(new NullScoreSketch(bins));
    }

    /** Sets the window's target size; takes effect from the next bucket. */
    public void resize(long windowSamples) {
        if (windowSamples < policy.windowBuckets()) {
            throw new IllegalArgumentException(
                    "expected a window of at least " + policy.windowBuckets() + " samples, found " + windowSamples);
        }
        this.windowSamples = windowSamples;
        this.bucketCapacity = (windowSamples + policy.windowBuckets() - 1) / policy.windowBuckets();
    }

    public long windowSamples() {
        return windowSamples;
    }

    /**
     * Offers one probe's null score.
     *
     * @return whether it entered the window (false when the camera is over its quota)
     */
    public boolean offer(String cameraId, double nullScore, double smoothMax) {
        long[] c = cameraCounts.computeIfAbsent(cameraId, k -> new long[2]);
        c[0]++;
        if (policy.cameraQuotaFactor() > 0 && ++offersSinceMedian >= MEDIAN_EVERY) {
            offersSinceMedian = 0;
            cameraCap = (long) Math.ceil(policy.cameraQuotaFactor() * medianOffered());
        }
        if (policy.cameraQuotaFactor() > 0 && c[1] >= Math.max(policy.cameraMinAllowance(), cameraCap)) {
            dropped++;
            return false;
        }
        c[1]++;
        offerExempt(nullScore, smoothMax);
        return true;
    }

    /**
     * Adds a score that no camera produced (the enrollment photos' scores that prime the window): it takes
     * its place in the window like any other but is outside the per-camera quota, which would otherwise cut a
     * gallery of thousands of templates down to the median camera's share.
     */
    public void offerExempt(double nullScore, double smoothMax) {
        NullScoreSketch current = buckets.peekLast();
        current.add(nullScore, smoothMax);
        admitted++;
        if (current.count() >= bucketCapacity) {
            rotate();
        }
    }

    private double medianOffered() {
        long[] offered =
                cameraCounts.values().stream().mapToLong(c -> c[0]).sorted().toArray();
        int n = offered.length;
        return n % 2 == 1 ? offered[n / 2] : (offered[n / 2 - 1] + offered[n / 2]) / 2.0;
    }

    private void rotate() {
        buckets.addLast(new NullScoreSketch(bins));
        while (buckets.size() > policy.windowBuckets()) {
            buckets.removeFirst();
        }
        cameraCounts.clear();
        cameraCap = Long.MAX_VALUE;
        offersSinceMedian = 0;
    }

    /** The window's scores as one sketch (a copy). */
    public NullScoreSketch snapshot() {
        return NullScoreSketch.sum(buckets);
    }

    /** Scores in the window now. */
    public long count() {
        return buckets.stream().mapToLong(NullScoreSketch::count).sum();
    }

    /** Scores admitted since creation. */
    public long admitted() {
        return admitted;
    }

    /** Scores refused by the per-camera quota since creation. */
    public long droppedByQuota() {
        return dropped;
    }

    @Override
    public String toString() {
        return "NullScoreWindow[target=" + windowSamples + ", buckets=" + buckets.size() + ", count=" + count()
                + ", dropped=" + dropped + ", bucketCounts="
                + Arrays.toString(
                        buckets.stream().mapToLong(NullScoreSketch::count).toArray()) + "]";
    }
}
