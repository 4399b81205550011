package org.facestream.api;

import java.util.Optional;

/**
 * What the API may know about a matcher in the same process: its state for {@code /health}, and whether
 * its index still holds a subject (erasure answers only once the matcher has dropped it). A separate
 * matcher process is unknown: use {@link #UNKNOWN}. Implementations are thread-safe.
 */
public interface MatcherProbe {
    /** The matcher's state (e.g. Kafka Streams' {@code RUNNING}), empty when unknown. */
    Optional<String> state();

    /** True while the matcher's index holds {@code subjectId}; false when it does not or is unknown. */
    boolean holds(String subjectId);

    /** No matcher in this process. */
    MatcherProbe UNKNOWN = new MatcherProbe() {
        @Override
        public Optional<String> state() {
            return Optional.empty();
        }

        @Override
        public boolean holds(String subjectId) {
            return false;
        }
    };
}
