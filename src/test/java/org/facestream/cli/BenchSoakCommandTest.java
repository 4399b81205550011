package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchSoakCommandTest {
    @Test
    void durationsReadWithUnitsOrAsIso8601() {
        assertThat(BenchSoakCommand.parseDuration("--duration", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(BenchSoakCommand.parseDuration("--duration", "3m")).isEqualTo(Duration.ofMinutes(3));
        assertThat(BenchSoakCommand.parseDuration("--duration", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(BenchSoakCommand.parseDuration("--duration", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(BenchSoakCommand.parseDuration("--duration", "PT2M30S")).isEqualTo(Duration.ofSeconds(150));
        assertThatThrownBy(() -> BenchSoakCommand.parseDuration("--duration", "3 minutes"))
                .hasMessage("expected --duration like 90s, 3m or 1h, found '3 minutes'");
        assertThatThrownBy(() -> BenchSoakCommand.parseDuration("--duration", "0s"))
                .hasMessageContaining("expected a positive --duration");
    }
}
