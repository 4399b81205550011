package org.facestream.events;

import org.facestream.match.threshold.NullScoreSketch;
import java.time.Instant;
import java.util.Base64;

/**
 * One matcher instance's window of null scores, the value of topic {@code facestream.null-scores.v1} keyed
 * by instance id. Each report replaces the instance's previous one (it is the whole window, not a delta),
 * so the topic is compacted, a restarted aggregator recovers from it, and a duplicate is harmless.
 *
 * @param instanceId the reporting matcher instance (the record key)
 * @param policyId the policy the scores were recorded for
 * @param sequence report counter of this instance, increasing (stale reports are ignored)
 * @param galleryN gallery identities the instance held when reporting
 * @param cohortK cohort identities (0 = leave-top-1-out fallback scores)
 * @param sketch {@link NullScoreSketch#toBytes()} as base64
 * @param droppedByQuota scores the per-camera quota refused since the instance started
 * @param reportedAt when the report was made
 * @param galleryTemplates templates of those identities (0 in reports of earlier versions: counted as galleryN)
 * @param cohortTemplates templates behind one null score (0 in earlier reports: counted as cohortK)
 */
public record NullScoreReport(
    String instanceId, String policyId, long sequence, int galleryN, int cohortK, String sketch, long droppedByQuota,
    Instant reportedAt, int galleryTemplates, int cohortTemplates) {
  public NullScoreReport {
    if (instanceId == null || instanceId.isBlank()) {
      throw new IllegalArgumentException("expected an instance id, found none");
    }
    if (policyId == null || policyId.isBlank()) {
      throw new IllegalArgumentException("expected a policy id, found none");
    }
    if (sequence < 0 || galleryN < 0 || cohortK < 0 || droppedByQuota < 0 || galleryTemplates < 0 || cohortTemplates < 0) {
      throw new IllegalArgumentException("expected non-negative sequence, galleryN, cohortK and droppedByQuota, found "
          + sequence + ", " + galleryN + ", " + cohortK + ", " + droppedByQuota);
    }
    if (sketch == null) {
      throw new IllegalArgumentException("expected a sketch, found none");
    }
    decode(sketch); // a report that cannot be merged must not be accepted
    if (reportedAt == null) {
      throw new IllegalArgumentException("expected reportedAt, found none");
    }
  }

  public static NullScoreReport of(String instanceId, String policyId, long sequence, int galleryN, int cohortK,
      NullScoreSketch sketch, long droppedByQuota, Instant reportedAt) {
    return of(instanceId, policyId, sequence, galleryN, galleryN, cohortK, cohortK, sketch, droppedByQuota, reportedAt);
  }

  public static NullScoreReport of(String instanceId, String policyId, long sequence, int galleryN, int galleryTemplates,
      int cohortK, int cohortTemplates, NullScoreSketch sketch, long droppedByQuota, Instant reportedAt) {
    return new NullScoreReport(instanceId, policyId, sequence, galleryN, cohortK,
        Base64.getEncoder().encodeToString(sketch.toBytes()), droppedByQuota, reportedAt, galleryTemplates, cohortTemplates);
  }

  /** {@link #galleryTemplates()}, or galleryN for a report that predates it. */
  public int effectiveGalleryTemplates() {
    return galleryTemplates > 0 ? galleryTemplates : galleryN;
  }

  /** {@link #cohortTemplates()}, or cohortK for a report that predates it. */
  public int effectiveCohortTemplates() {
    return cohortTemplates > 0 ? cohortTemplates : cohortK;
  }

  /** The decoded sketch. */
  public NullScoreSketch decodedSketch() {
    return decode(sketch);
  }

  private static NullScoreSketch decode(String sketch) {
    try {
      return NullScoreSketch.fromBytes(Base64.getDecoder().decode(sketch));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected a base64 null-score sketch, found one that does not read: "
          + e.getMessage(), e);
    }
  }
}
