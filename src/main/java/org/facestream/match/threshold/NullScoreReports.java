package org.facestream.match.threshold;

import java.time.Instant;
import java.util.Base64;
import org.facestream.events.NullScoreReport;

/**
 * Between {@link NullScoreSketch} and its wire form {@link NullScoreReport}: the report carries the sketch as
 * base64 of {@link NullScoreSketch#toBytes()}, which only this package reads.
 */
public final class NullScoreReports {
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

    /** A report of {@code sketch} (encoded now: later changes to the sketch do not reach the report). */
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
}
