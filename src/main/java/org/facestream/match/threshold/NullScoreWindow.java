package org.facestream.match.threshold;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sliding window of recent null scores: a ring of buckets, the newest filling, the oldest dropped when a new
 * one starts, so the window holds between {@code (B-1)/B} and all of its target size. The target is {@link
 * FpirPolicy#windowSamples}: it follows the quantile level, which follows the gallery size and the usable cohort,
 * so call {@link #resize} when they change (new buckets take the new size).
 *
 * <p>Each bucket is a {@link NullScoreSketch} histogram plus, with a cohort, a bounded tail list ({@link
 * TailBucket}): its top scores with the cohort identity and camera behind each, at most {@code perIdentity} of
 * them from one identity. A score over that bound is dropped: a cohort identity that is really an enrolled
 * person (a duplicate under another name) supplies one high "null" score per probe of that person, and with
 * heavy-tailed probe counts it would otherwise own the tail. The lists travel in the reports, so the aggregator
 * caps the merged tail again ({@link FpirThresholdEstimator}). Buckets fill and rotate by offered scores, so
 * the window spans the same stretch of the stream whatever is dropped.
 *
 * <p>Per-camera quota: within a bucket a camera may feed at most {@code cameraQuotaFactor} times the median
 * camera's offered count (and always {@code cameraMinAllowance}); the rest is counted and refused, so one
 * flooded camera (a crowd, a poster, a fault) cannot drag the estimate. A single camera is its own median
 * and is never limited.
 *
 * <p>Not thread-safe.
 */
public final class NullScoreWindow {
    private static final int MEDIAN_EVERY = 64;

    private final FpirPolicy policy;
    private final int bins;
    private final Deque<TailBucket> buckets = new ArrayDeque<>();
    private long bucketCapacity;
    private long windowSamples;
    private int listPerBucket;
    private int perIdentity = 1;
    private final Map<String, long[]> cameraCounts = new HashMap<>(); // camera -> {offered, admitted} this bucket
    private long cameraCap = Long.MAX_VALUE;
    private long offersSinceMedian;
    private long admitted;
    private long dropped;

    /** A window without tail lists (no cohort: the scores have no identity to cap). */
    public NullScoreWindow(FpirPolicy policy, long windowSamples) {
        this(policy, windowSamples, NullScoreSketch.DEFAULT_BINS);
    }

    public NullScoreWindow(FpirPolicy policy, long windowSamples, int bins) {
        this.policy = policy;
        this.bins = bins;
        resize(windowSamples);
        buckets.addLast(newBucket());
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

    /**
     * Lists each bucket's top scores from the next bucket on (the first bucket too while it is still empty).
     *
     * @param level the quantile level the window is read at: the lists hold {@link FpirPolicy#listPerBucket}
     *     entries, 4 times the tail the read uses
     * @param usableIdentities K_u, the cohort identities that give null scores (both halves): one identity may
     *     hold {@link FpirPolicy#tailCap} of a bucket's share of the tail, {@code cap(ρ·W)}
     */
    public void listTail(double level, int usableIdentities) {
        this.listPerBucket = policy.listPerBucket(bucketCapacity, level);
        this.perIdentity = policy.tailCap(policy.readMass(level) * windowSamples, usableIdentities);
        if (buckets.size() == 1 && buckets.peekLast().offered() == 0) {
            buckets.removeLast();
            buckets.addLast(newBucket());
        }
    }

    private TailBucket newBucket() {
        return new TailBucket(bins, listPerBucket, perIdentity);
    }

    public long windowSamples() {
        return windowSamples;
    }

    /** Entries a bucket lists now, 0 without lists. */
    public int listPerBucket() {
        return listPerBucket;
    }

    /** Entries one cohort identity may hold in a bucket's list. */
    public int perIdentity() {
        return perIdentity;
    }

    /**
     * Offers one probe's null score without an identity.
     *
     * @return whether it entered the window (false when the camera is over its quota)
     */
    public boolean offer(String cameraId, double nullScore, double smoothMax) {
        return offer(new TailEntry(nullScore, smoothMax, -1, cameraId, 0));
    }

    /**
     * Offers one probe's null score with its cohort identity and camera ({@link TailEntry#camera()} not null).
     *
     * @return whether it entered the window (false when the camera is over its quota)
     */
    public boolean offer(TailEntry entry) {
        if (entry.camera() == null) {
            throw new IllegalArgumentException("expected a camera for an offered score, found none");
        }
        long[] c = cameraCounts.computeIfAbsent(entry.camera(), k -> new long[2]);
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
        add(entry);
        return true;
    }

    /**
     * Adds a score that no camera produced (the enrollment photos' scores that prime the window): it takes
     * its place in the window like any other but is outside the per-camera quota, which would otherwise cut a
     * gallery of thousands of templates down to the median camera's share.
     */
    public void offerExempt(double nullScore, double smoothMax) {
        add(new TailEntry(nullScore, smoothMax, -1, null, 0));
    }

    /** As {@link #offerExempt(double, double)} with the score's cohort identity ({@link TailEntry#camera()} null). */
    public void offerExempt(TailEntry entry) {
        add(entry);
    }

    /** Counts a cohort identity left out of a probe's scores as the probe's own person, in the current bucket. */
    public void samePerson(int identity) {
        buckets.peekLast().samePerson(identity);
    }

    private void add(TailEntry entry) {
        TailBucket current = buckets.peekLast();
        current.add(entry);
        admitted++;
        if (current.offered() >= bucketCapacity) {
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
        buckets.addLast(newBucket());
        while (buckets.size() > policy.windowBuckets()) {
            buckets.removeFirst();
        }
        cameraCounts.clear();
        cameraCap = Long.MAX_VALUE;
        offersSinceMedian = 0;
    }

    /**
     * What the window holds, as the report carries it.
     *
     * @param histogram every held score that is not listed
     * @param listed the buckets' listed entries, bucket by bucket, each bucket's highest first
     * @param dropped the scores the buckets dropped (over an identity's bound), not held
     * @param samePerson per cohort identity, the probes it was left out of as their own person
     * @param listing whether the window keeps tail lists
     */
    public record Contents(
            NullScoreSketch histogram,
            List<TailEntry> listed,
            List<TailEntry> dropped,
            Map<Integer, Long> samePerson,
            boolean listing) {
        public Contents {
            listed = List.copyOf(listed);
            dropped = List.copyOf(dropped);
            samePerson = Map.copyOf(samePerson);
        }

        /** Scores held: the histogram's and the listed ones. */
        public long count() {
            return histogram.count() + listed.size();
        }

        /** Per cohort identity, the scores the buckets dropped. */
        public Map<Integer, Long> capped() {
            Map<Integer, Long> out = new TreeMap<>();
            dropped.forEach(e -> out.merge(e.identity(), 1L, Long::sum));
            return out;
        }

        /** Every held score as one sketch, uncapped beyond what the buckets dropped. */
        public NullScoreSketch all() {
            NullScoreSketch s = histogram.copy();
            listed.forEach(e -> s.add(e.score(), e.smoothMax()));
            return s;
        }
    }

    /** The window's contents (copies). */
    public Contents contents() {
        NullScoreSketch histogram = new NullScoreSketch(bins);
        List<TailEntry> listed = new ArrayList<>();
        List<TailEntry> droppedEntries = new ArrayList<>();
        Map<Integer, Long> samePerson = new HashMap<>();
        for (TailBucket b : buckets) {
            histogram.merge(b.histogram());
            b.entries(listed, droppedEntries);
            b.samePerson().forEach((k, v) -> samePerson.merge(k, v, Long::sum));
        }
        return new Contents(histogram, listed, droppedEntries, samePerson, listPerBucket > 0);
    }

    /** The window's held scores as one sketch (a copy). */
    public NullScoreSketch snapshot() {
        return contents().all();
    }

    /** Scores held in the window now. */
    public long count() {
        return buckets.stream().mapToLong(TailBucket::count).sum();
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
                + ", dropped=" + dropped + ", list=" + listPerBucket + "/" + perIdentity + ", bucketCounts="
                + Arrays.toString(buckets.stream().mapToLong(TailBucket::count).toArray()) + "]";
    }
}
