package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
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
    assertThatThrownBy(() -> BenchSoakCommand.parseDuration("--duration", "0s")).hasMessageContaining("expected a positive --duration");
  }

  @Test
  void heapSlopeIsTheLeastSquaresLineInMegabytesPerMinute() {
    List<BenchSoakCommand.Sample> rising = List.of(new BenchSoakCommand.Sample(0, 100, 0, 0),
        new BenchSoakCommand.Sample(30, 101, 0, 0), new BenchSoakCommand.Sample(60, 102, 0, 0));
    assertThat(BenchSoakCommand.slopePerMinute(rising)).isCloseTo(2.0, within(1e-9));
    List<BenchSoakCommand.Sample> flat = List.of(new BenchSoakCommand.Sample(0, 100, 0, 0),
        new BenchSoakCommand.Sample(10, 104, 0, 0), new BenchSoakCommand.Sample(20, 100, 0, 0));
    assertThat(BenchSoakCommand.slopePerMinute(flat)).isCloseTo(0.0, within(1e-9));
    assertThat(BenchSoakCommand.floor(flat, true)).isEqualTo(100);
    assertThat(BenchSoakCommand.floor(rising, false)).isEqualTo(100);
  }
}
