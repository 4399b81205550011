package org.facestream.match.threshold;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A mergeable sketch of null scores: a fixed-bin histogram on [-1, 1] plus the sum of the probes' cohort
 * smooth-max scores. Two sketches with the same bin count merge by adding counts, so per-instance sketches
 * sum exactly to the sketch of the union of their scores, in any order and any grouping.
 *
 * <p>Why a fixed-bin histogram rather than a rank sketch: FPIR control reads quantiles at levels such as
 * 0.9996, where a rank-error sketch of bounded size is weakest; a histogram of {@value #DEFAULT_BINS} bins
 * (width 2/{@value #DEFAULT_BINS} ≈ 0.00024 of cosine) keeps every tail score to that resolution, costs a
 * fixed 64 KiB, and serialises sparsely (null scores occupy a few thousand bins).
 *
 * <p>Values below -1 or above 1 are clamped into the first or last bin (a residual score {@code c - β n}
 * can fall slightly below -1; the left tail never matters). Not thread-safe.
 */
public final class NullScoreSketch {
    public static final int DEFAULT_BINS = 8192;
    private static final byte FORMAT_V1 = 1;

    private final long[] counts;
    private long total;
    private double smoothMaxSum;

    /** An empty sketch of {@value #DEFAULT_BINS} bins. */
    public NullScoreSketch() {
        this(DEFAULT_BINS);
    }

    /** An empty sketch of {@code bins} equal bins on [-1, 1]. */
    public NullScoreSketch(int bins) {
        if (bins < 2 || bins > 1 << 20) {
            throw new IllegalArgumentException("expected bins in [2, " + (1 << 20) + "], found " + bins);
        }
        this.counts = new long[bins];
    }

    public int bins() {
        return counts.length;
    }

    /** Number of scores added (over all merged sketches). */
    public long count() {
        return total;
    }

    /** Mean cohort smooth-max of the probes whose null scores were added; 0 for an empty sketch. */
    public double meanSmoothMax() {
        return total == 0 ? 0 : smoothMaxSum / total;
    }

    /** Adds a null score (and its probe's smooth-max, 0 when there is no cohort). */
    public void add(double score, double smoothMax) {
        if (!Double.isFinite(score) || !Double.isFinite(smoothMax)) {
            throw new IllegalArgumentException(
                    "expected finite score and smooth-max, found " + score + ", " + smoothMax);
        }
        counts[binOf(score)]++;
        total++;
        smoothMaxSum += smoothMax;
    }

    /** Adds every count of {@code other} into this sketch. */
    public void merge(NullScoreSketch other) {
        if (other.counts.length != counts.length) {
            throw new IllegalArgumentException(
                    "expected a sketch of " + counts.length + " bins, found " + other.counts.length);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        smoothMaxSum += other.smoothMaxSum;
    }

    /** A new sketch holding the sum of {@code sketches} (an empty default sketch when there are none). */
    public static NullScoreSketch sum(Iterable<NullScoreSketch> sketches) {
        NullScoreSketch out = null;
        for (NullScoreSketch s : sketches) {
            if (out == null) {
                out = new NullScoreSketch(s.bins());
            }
            out.merge(s);
        }
        return out == null ? new NullScoreSketch() : out;
    }

    public NullScoreSketch copy() {
        NullScoreSketch c = new NullScoreSketch(counts.length);
        c.merge(this);
        return c;
    }

    public double binWidth() {
        return 2.0 / counts.length;
    }

    int binOf(double score) {
        int b = (int) Math.floor((score + 1) / binWidth());
        return Math.max(0, Math.min(counts.length - 1, b));
    }

    double binLow(int bin) {
        return -1 + bin * binWidth();
    }

    long countAt(int bin) {
        return counts[bin];
    }

    /**
     * The score below which a fraction {@code level} of the scores lie, interpolating linearly inside the
     * bin that holds it (scores are taken as spread evenly over their bin).
     *
     * @throws IllegalStateException when the sketch is empty
     */
    public double quantile(double level) {
        if (!(level >= 0 && level <= 1)) {
            throw new IllegalArgumentException("expected a level in [0, 1], found " + level);
        }
        if (total == 0) {
            throw new IllegalStateException("expected scores in the sketch, found none");
        }
        double rank = level * total;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            long c = counts[i];
            if (c > 0 && below + c >= rank) {
                double inside = (rank - below) / c;
                return Math.min(1, binLow(i) + inside * binWidth());
            }
            below += c;
        }
        return 1;
    }

    /** Fraction of the scores at or above {@code score} (to bin resolution: its bin counts as above). */
    public double fractionAtOrAbove(double score) {
        if (total == 0) {
            return 0;
        }
        long above = 0;
        for (int i = binOf(score); i < counts.length; i++) {
            above += counts[i];
        }
        return (double) above / total;
    }

    /**
     * Compact bytes: format byte, bin count, total, smooth-max sum, then the non-empty bins as
     * (gap from the previous non-empty bin, count) varint pairs.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 8 * Math.min(counts.length, 4096));
        ByteBuffer head = ByteBuffer.allocate(1 + 4 + 8 + 8);
        head.put(FORMAT_V1).putInt(counts.length).putLong(total).putDouble(smoothMaxSum);
        out.writeBytes(head.array());
        int previous = -1;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                writeVarLong(out, i - previous);
                writeVarLong(out, counts[i]);
                previous = i;
            }
        }
        return out.toByteArray();
    }

    /**
     * Reads {@link #toBytes()}.
     *
     * @throws IllegalArgumentException for bytes that are not a v1 sketch or whose counts do not add up
     */
    public static NullScoreSketch fromBytes(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte format = in.get();
            if (format != FORMAT_V1) {
                throw new IllegalArgumentException("expected sketch format " + FORMAT_V1 + ", found " + format);
            }
            NullScoreSketch s = new NullScoreSketch(in.getInt());
            long declared = in.getLong();
            s.smoothMaxSum = in.getDouble();
            if (!Double.isFinite(s.smoothMaxSum)) {
                // add() refuses non-finite values; a decoded sketch must not smuggle one into the merged threshold
                throw new IllegalArgumentException("expected a finite smooth-max sum, found " + s.smoothMaxSum);
            }
            int bin = -1;
            long sum = 0;
            while (in.hasRemaining()) {
                long gap = readVarLong(in);
                long count = readVarLong(in);
                if (gap < 1 || bin + gap >= s.counts.length || count < 1) {
                    throw new IllegalArgumentException("expected increasing bins below " + s.counts.length
                            + " with positive counts, found bin gap " + gap + " count " + count + " after bin " + bin);
                }
                bin += (int) gap;
                s.counts[bin] = count;
                sum += count;
            }
            if (sum != declared) {
                throw new IllegalArgumentException("expected bin counts summing to " + declared + ", found " + sum);
            }
            s.total = sum;
            return s;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(
                    "expected a complete sketch, found " + bytes.length + " truncated bytes", e);
        }
    }

    private static void writeVarLong(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("expected a varint of at most 10 bytes, found a longer one");
    }

    @Override
    public boolean equals(Object o) {
        // The smooth-max sum is compared to rounding: merging in another grouping adds in another order.
        return o instanceof NullScoreSketch s
                && total == s.total
                && Math.abs(smoothMaxSum - s.smoothMaxSum) <= 1e-9 * Math.max(1, Math.abs(smoothMaxSum))
                && Arrays.equals(counts, s.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + Long.hashCode(total);
    }

    @Override
    public String toString() {
        return "NullScoreSketch[bins=" + counts.length + ", count=" + total + "]";
    }
}
