package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.facestream.events.ThresholdRef;
import org.facestream.events.ThresholdState;
import org.junit.jupiter.api.Test;

class ThresholdHistoryTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    private static ThresholdState state(String policy, long version, double value) {
        return new ThresholdState(
                policy,
                value,
                value + 0.01,
                version,
                0.01,
                0.997,
                150,
                30,
                9_000,
                0.27,
                1.0,
                ThresholdState.EMPIRICAL,
                T0.plusSeconds(version));
    }

    @Test
    void recordsEveryNewVersionOfItsPolicyInOrderAndIgnoresReplaysAndOtherPolicies() {
        ThresholdHistory h = new ThresholdHistory("adaptive-fpir", new ThresholdRef(0.40, 0, "adaptive-fpir"), T0);
        assertThat(h.record(state("adaptive-fpir", 1, 0.36))).isTrue();
        assertThat(h.record(state("adaptive-fpir", 2, 0.355))).isTrue();
        assertThat(h.record(state("adaptive-fpir", 2, 0.50)))
                .as("replayed version")
                .isFalse();
        assertThat(h.record(state("adaptive-fpir", 1, 0.50)))
                .as("older version")
                .isFalse();
        assertThat(h.record(state("other", 9, 0.50))).as("another policy").isFalse();
        assertThat(h.record(null)).isFalse();

        ThresholdSource.Snapshot s = h.snapshot();
        assertThat(s.current().cosine()).isEqualTo(0.355);
        assertThat(s.current().version()).isEqualTo(2);
        assertThat(s.history()).extracting(c -> c.threshold().version()).containsExactly(0L, 1L, 2L);
        assertThat(s.history().get(0).threshold().cosine()).isEqualTo(0.40);
        assertThat(s.history().get(2).at()).isEqualTo(T0.plusSeconds(2));
        assertThat(s.history().get(2).reason()).contains("empirical estimate from 9000 null scores", "N=150, K=30");
    }

    @Test
    void keepsTheInitialValueAndTheLatestChanges() {
        ThresholdHistory h = new ThresholdHistory("adaptive-fpir", new ThresholdRef(0.40, 0, "adaptive-fpir"), T0);
        for (long v = 1; v <= ThresholdHistory.MAX_CHANGES + 100; v++) {
            h.record(state("adaptive-fpir", v, 0.30 + v * 1e-5));
        }
        var history = h.snapshot().history();
        assertThat(history).hasSize(ThresholdHistory.MAX_CHANGES);
        assertThat(history.get(0).threshold().version()).isZero();
        assertThat(history.get(history.size() - 1).threshold().version()).isEqualTo(ThresholdHistory.MAX_CHANGES + 100);
        assertThat(history.get(1).threshold().version()).isEqualTo(101 + 1);
    }
}
