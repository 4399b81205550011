package org.facestream.events;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * One matcher instance's window of null scores, the value of topic {@code facestream.null-scores.v1} keyed
 * by instance id. Each report replaces the instance's previous one (it is the whole window, not a delta),
 * so the topic is compacted, a restarted aggregator recovers from it, and a duplicate is harmless.
 *
 * <p>The sketch travels opaque, as base64 of the matcher's histogram encoding: this record checks that it
 * is base64, and the aggregator that merges it reads it ({@code org.facestream.match.threshold.NullScoreReports}),
 * skipping and counting a report whose sketch does not read, as it does one whose JSON does not.
 *
 * @param instanceId the reporting matcher instance (the record key)
 * @param policyId the policy the scores were recorded for
 * @param sequence report counter of this instance, increasing (stale reports are ignored)
 * @param galleryN gallery identities the instance held when reporting
 * @param cohortK cohort identities (0 = leave-top-1-out fallback scores)
 * @param sketch the encoded null-score histogram, as base64 (with a {@code tail}: the scores it does not list)
 * @param droppedByQuota scores the per-camera quota refused since the instance started
 * @param reportedAt when the report was made
 * @param galleryTemplates templates of those identities (0 in reports of earlier versions: counted as galleryN)
 * @param cohortTemplates templates behind one null score (0 in earlier reports: counted as cohortK)
 * @param tail the window's listed tail scores with their cohort identities and cameras (issue 12); null in
 *     reports of earlier versions and without a cohort, whose scores are all in the sketch and read uncapped
 * @param cohortFlags the cohort identities the instance leaves out because they look like an enrolled subject
 *     (cohort hygiene); null in reports of earlier versions
 */
public record NullScoreReport(
        String instanceId,
        String policyId,
        long sequence,
        int galleryN,
        int cohortK,
        String sketch,
        long droppedByQuota,
        Instant reportedAt,
        int galleryTemplates,
        int cohortTemplates,
        NullScoreTail tail,
        List<CohortFlag> cohortFlags) {
    public NullScoreReport {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("expected an instance id, found none");
        }
        if (policyId == null || policyId.isBlank()) {
            throw new IllegalArgumentException("expected a policy id, found none");
        }
        if (sequence < 0
                || galleryN < 0
                || cohortK < 0
                || droppedByQuota < 0
                || galleryTemplates < 0
                || cohortTemplates < 0) {
            throw new IllegalArgumentException(
                    "expected non-negative sequence, galleryN, cohortK and droppedByQuota, found " + sequence + ", "
                            + galleryN + ", " + cohortK + ", " + droppedByQuota);
        }
        if (sketch == null) {
            throw new IllegalArgumentException("expected a sketch, found none");
        }
        sketchBytes(sketch);
        if (reportedAt == null) {
            throw new IllegalArgumentException("expected reportedAt, found none");
        }
        cohortFlags = cohortFlags == null ? null : List.copyOf(cohortFlags);
    }

    /** A report without a tail list or cohort flags (as every report was before issue 12). */
    public NullScoreReport(
            String instanceId,
            String policyId,
            long sequence,
            int galleryN,
            int cohortK,
            String sketch,
            long droppedByQuota,
            Instant reportedAt,
            int galleryTemplates,
            int cohortTemplates) {
        this(
                instanceId,
                policyId,
                sequence,
                galleryN,
                cohortK,
                sketch,
                droppedByQuota,
                reportedAt,
                galleryTemplates,
                cohortTemplates,
                null,
                null);
    }

    /** {@link #cohortFlags()}, empty for a report that predates them. */
    public List<CohortFlag> flags() {
        return cohortFlags == null ? List.of() : cohortFlags;
    }

    /** {@link #galleryTemplates()}, or galleryN for a report that predates it. */
    public int effectiveGalleryTemplates() {
        return galleryTemplates > 0 ? galleryTemplates : galleryN;
    }

    /** {@link #cohortTemplates()}, or cohortK for a report that predates it. */
    public int effectiveCohortTemplates() {
        return cohortTemplates > 0 ? cohortTemplates : cohortK;
    }

    /** The encoded sketch (the base64 decoded; what the bytes say is the matcher's to read). */
    public byte[] sketchBytes() {
        return sketchBytes(sketch);
    }

    private static byte[] sketchBytes(String sketch) {
        try {
            return Base64.getDecoder().decode(sketch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "expected a base64 sketch, found one that does not decode: " + e.getMessage(), e);
        }
    }
}
