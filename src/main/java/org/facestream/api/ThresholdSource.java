package org.facestream.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.facestream.events.ThresholdRef;

/**
 * The matcher's decision threshold and how it changed, for {@code GET /api/v1/threshold}. The command line
 * provides it: a fixed threshold today ({@link #fixed}), the adaptive policy's state later.
 * Implementations are thread-safe.
 */
public interface ThresholdSource {
    /** The current threshold and its history, oldest change first. */
    Snapshot snapshot();

    /**
     * One change of the threshold.
     *
     * @param at when the value took effect
     * @param threshold the value, its version and policy from then on
     * @param reason why it changed ("configured", "re-estimated from 1200 unknown scores", ...)
     */
    record Change(Instant at, ThresholdRef threshold, String reason) {
        public Change {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(threshold, "threshold");
            reason = reason == null ? "" : reason;
        }
    }

    /**
     * The current threshold and every change so far.
     *
     * @param current the threshold deciding now
     * @param history changes, oldest first; the last one is {@code current}
     */
    record Snapshot(ThresholdRef current, List<Change> history) {
        public Snapshot {
            Objects.requireNonNull(current, "current");
            history = List.copyOf(history);
        }
    }

    /** A threshold that never changes, in effect since {@code since}. */
    static ThresholdSource fixed(ThresholdRef threshold, Instant since) {
        Snapshot s = new Snapshot(threshold, List.of(new Change(since, threshold, "configured")));
        return () -> s;
    }
}
