package org.facestream.match;

import java.util.Objects;

/**
 * How the matcher topology thresholds its decisions: a fixed cosine, or the adaptive FPIR policy, which adds
 * the published thresholds as a global store and this instance's null-score reports as an output.
 */
public sealed interface ThresholdMode {
    /** The policy every decision is made by (shared by every stream thread). */
    ThresholdPolicy policy();

    /** A fixed decision threshold, a cosine in [-1, 1]. */
    static Fixed fixed(double cosine) {
        return new Fixed(new FixedThreshold(cosine));
    }

    /** @param policy the threshold every decision is held to */
    record Fixed(FixedThreshold policy) implements ThresholdMode {
        public Fixed {
            Objects.requireNonNull(policy, "policy");
        }
    }

    /**
     * The adaptive FPIR policy.
     *
     * @param policy the policy, kept current by the {@code threshold-loader} and fed by every decision; build it
     *     on the gallery index the topology is given (e.g. {@link AdaptiveThreshold#forGallery})
     * @param reporting how this instance sends its null-score window to the aggregator
     */
    record Adaptive(AdaptiveThreshold policy, NullScoreReporting reporting) implements ThresholdMode {
        public Adaptive {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(reporting, "reporting");
        }
    }
}
