package org.facestream.match;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.facestream.gallery.GalleryIndex;
import org.facestream.match.threshold.CohortScorer;
import org.facestream.match.threshold.FpirPolicy;

/**
 * The threshold a matcher service is configured with ({@code matcher.threshold.policy}); {@link
 * #mode(GalleryIndex, String)} makes the {@link ThresholdMode} its topology runs, once the service has its
 * gallery index.
 */
public sealed interface ThresholdSettings {
    /** The mode for a topology searching {@code index}, reporting (when adaptive) as {@code instanceId}. */
    ThresholdMode mode(GalleryIndex index, String instanceId);

    /** @param cosine the decision threshold, a cosine in [-1, 1] */
    record Fixed(double cosine) implements ThresholdSettings {
        public Fixed {
            if (!(cosine >= -1 && cosine <= 1)) {
                throw new IllegalArgumentException("expected threshold cosine in [-1, 1], found " + cosine);
            }
        }

        @Override
        public ThresholdMode mode(GalleryIndex index, String instanceId) {
            return ThresholdMode.fixed(cosine);
        }
    }

    /**
     * The adaptive FPIR policy, with the threshold aggregator run beside the matcher.
     *
     * @param policy the target FPIR and the estimator's settings (the aggregator's too)
     * @param cohort the impostor cohort; empty to fall back to leave-top-1-out null scores (no guard)
     * @param reportEvery how often the matcher sends its null-score window (the aggregator forgets an instance
     *     silent for ten of these)
     */
    record AdaptiveFpir(FpirPolicy policy, Optional<CohortScorer> cohort, Duration reportEvery)
            implements ThresholdSettings {
        public AdaptiveFpir {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(cohort, "cohort");
            Objects.requireNonNull(reportEvery, "reportEvery");
        }

        @Override
        public ThresholdMode.Adaptive mode(GalleryIndex index, String instanceId) {
            return new ThresholdMode.Adaptive(
                    AdaptiveThreshold.forGallery(policy, cohort.orElse(null), index),
                    new NullScoreReporting(instanceId, reportEvery));
        }
    }
}
