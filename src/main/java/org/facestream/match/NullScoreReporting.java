package org.facestream.match;

import java.time.Duration;

/**
 * How a matcher instance reports its null-score window to the threshold aggregator.
 *
 * @param instanceId this instance's id, the key of its reports on {@code facestream.null-scores.v1} (stable
 *     across restarts, unique among instances: e.g. the host name)
 * @param interval how often the window is sent (wall-clock), at least one second
 */
public record NullScoreReporting(String instanceId, Duration interval) {
    public NullScoreReporting {
        if (instanceId == null || !instanceId.matches("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}")) {
            throw new IllegalArgumentException(
                    "expected an instance id of 1-128 characters [A-Za-z0-9._:@-], found " + instanceId);
        }
        if (interval == null || interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("expected a reporting interval of at least 1 s, found " + interval);
        }
    }
}
