package org.facestream.match.threshold;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.facestream.events.CohortFlag;
import org.facestream.events.NullScoreReport;
import org.facestream.events.NullScoreTail;

/**
 * Between the window ({@link NullScoreSketch}, {@link NullScoreWindow.Contents}) and its wire form {@link
 * NullScoreReport}: the report carries the histogram as base64 of {@link NullScoreSketch#toBytes()} and the
 * listed tail scores as base64 of this class's entry encoding, which only this package reads.
 */
public final class NullScoreReports {
    private static final byte ENTRIES_V1 = 1;

    private NullScoreReports() {}

    /** A report whose template counts equal its identity counts (one template per identity). */
    public static NullScoreReport of(
            String instanceId,
            String policyId,
            long sequence,
            int galleryN,
            int cohortK,
            NullScoreSketch sketch,
            long droppedByQuota,
            Instant reportedAt) {
        return of(
                instanceId,
                policyId,
                sequence,
                galleryN,
                galleryN,
                cohortK,
                cohortK,
                sketch,
                droppedByQuota,
                reportedAt);
    }

    /** A report of {@code sketch} without a tail list (encoded now: later changes to the sketch do not reach it). */
    public static NullScoreReport of(
            String instanceId,
            String policyId,
            long sequence,
            int galleryN,
            int galleryTemplates,
            int cohortK,
            int cohortTemplates,
            NullScoreSketch sketch,
            long droppedByQuota,
            Instant reportedAt) {
        return new NullScoreReport(
                instanceId,
                policyId,
                sequence,
                galleryN,
                cohortK,
                Base64.getEncoder().encodeToString(sketch.toBytes()),
                droppedByQuota,
                reportedAt,
                galleryTemplates,
                cohortTemplates);
    }

    /**
     * What a matcher instance reports: its window's sizes and contents.
     *
     * @param galleryN gallery identities
     * @param galleryTemplates their templates
     * @param cohortK null-half identities K (usable ones), 0 for the fallback
     * @param cohortTemplates their templates C
     * @param usableIdentities K_u, usable cohort identities of both halves
     * @param cohortNames cohort identity names by index (the window's identities index them)
     * @param flags the cohort identities hygiene leaves out
     */
    public record Sizes(
            int galleryN,
            int galleryTemplates,
            int cohortK,
            int cohortTemplates,
            int usableIdentities,
            List<String> cohortNames,
            List<CohortFlag> flags) {
        public Sizes {
            cohortNames = List.copyOf(cohortNames);
            flags = List.copyOf(flags);
        }
    }

    /**
     * A report of a window's contents: the histogram in the sketch, the listed scores and the per-identity
     * counts in the tail (only the identities and cameras they name are in its dictionaries).
     */
    public static NullScoreReport of(
            String instanceId,
            String policyId,
            long sequence,
            Sizes sizes,
            NullScoreWindow.Contents contents,
            long droppedByQuota,
            Instant reportedAt) {
        NullScoreTail tail = null;
        if (contents.listing()) {
            Map<Integer, Integer> identityIndex = new LinkedHashMap<>();
            Map<String, Integer> cameraIndex = new LinkedHashMap<>();
            ByteArrayOutputStream out =
                    new ByteArrayOutputStream(32 + 20 * contents.listed().size());
            out.write(ENTRIES_V1);
            writeVarLong(out, contents.listed().size());
            ByteBuffer pair = ByteBuffer.allocate(16);
            for (TailEntry e : contents.listed()) {
                pair.clear();
                pair.putDouble(e.score()).putDouble(e.smoothMax());
                out.writeBytes(pair.array());
                writeVarLong(
                        out,
                        e.identity() < 0
                                ? 0
                                : 1 + identityIndex.computeIfAbsent(e.identity(), k -> identityIndex.size()));
                writeVarLong(
                        out,
                        e.camera() == null ? 0 : 1 + cameraIndex.computeIfAbsent(e.camera(), k -> cameraIndex.size()));
            }
            Map<String, Long> capped = new TreeMap<>();
            contents.capped().forEach((k, v) -> capped.put(name(sizes, k), v));
            Map<String, Long> samePerson = new TreeMap<>();
            contents.samePerson().forEach((k, v) -> samePerson.put(name(sizes, k), v));
            List<String> identities = new ArrayList<>();
            identityIndex.keySet().forEach(k -> identities.add(name(sizes, k)));
            tail = new NullScoreTail(
                    sizes.usableIdentities(),
                    Base64.getEncoder().encodeToString(out.toByteArray()),
                    identities,
                    List.copyOf(cameraIndex.keySet()),
                    capped,
                    samePerson);
        }
        return new NullScoreReport(
                instanceId,
                policyId,
                sequence,
                sizes.galleryN(),
                sizes.cohortK(),
                Base64.getEncoder().encodeToString(contents.histogram().toBytes()),
                droppedByQuota,
                reportedAt,
                sizes.galleryTemplates(),
                sizes.cohortTemplates(),
                tail,
                sizes.flags());
    }

    private static String name(Sizes sizes, int identity) {
        return identity >= 0 && identity < sizes.cohortNames().size()
                ? sizes.cohortNames().get(identity)
                : "cohort-" + identity;
    }

    /**
     * The report's sketch.
     *
     * @throws IllegalArgumentException when its bytes are not a sketch (truncated, counts that do not add up,
     *     a non-finite smooth-max sum): such a report must not be merged
     */
    public static NullScoreSketch sketch(NullScoreReport report) {
        try {
            return NullScoreSketch.fromBytes(report.sketchBytes());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "expected a null-score sketch in the report of instance " + report.instanceId()
                            + ", found one that does not read: " + e.getMessage(),
                    e);
        }
    }

    /** Null scores the report's window holds: its histogram's and its listed ones. */
    public static long count(NullScoreReport report) {
        return sketch(report).count() + entries(report).size();
    }

    /**
     * The report's listed tail scores, identities as indices into {@link NullScoreTail#identities()}, cameras by
     * id (null for priming); empty for a report without a tail.
     *
     * @throws IllegalArgumentException when the entries do not read (truncated, an index outside a dictionary, a
     *     non-finite score): such a report must not be merged
     */
    public static List<TailEntry> entries(NullScoreReport report) {
        NullScoreTail tail = report.tail();
        if (tail == null) {
            return List.of();
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(tail.entriesBytes());
            byte format = in.get();
            if (format != ENTRIES_V1) {
                throw new IllegalArgumentException("expected tail entries format " + ENTRIES_V1 + ", found " + format);
            }
            long n = readVarLong(in);
            if (n < 0 || n > in.remaining() / 18) {
                throw new IllegalArgumentException(
                        "expected at most " + in.remaining() / 18 + " entries in the bytes left, found " + n);
            }
            List<TailEntry> out = new ArrayList<>((int) n);
            for (long i = 0; i < n; i++) {
                double score = in.getDouble();
                double smoothMax = in.getDouble();
                long identity = readVarLong(in) - 1;
                long camera = readVarLong(in) - 1;
                if (identity >= tail.identities().size()
                        || camera >= tail.cameras().size()) {
                    throw new IllegalArgumentException("expected identity and camera indices below "
                            + tail.identities().size() + " and "
                            + tail.cameras().size() + ", found " + identity
                            + " and " + camera);
                }
                out.add(new TailEntry(
                        score,
                        smoothMax,
                        (int) identity,
                        camera < 0 ? null : tail.cameras().get((int) camera),
                        0));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(
                        "expected " + n + " entries, found " + in.remaining() + " bytes after them");
            }
            return out;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException(
                    "expected complete tail entries in the report of instance " + report.instanceId()
                            + ", found truncated bytes",
                    e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "expected tail entries in the report of instance " + report.instanceId()
                            + ", found some that do not read: " + e.getMessage(),
                    e);
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
}
