package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SoakSummaryTest {
    @Test
    void heapSlopeIsTheLeastSquaresLineInMegabytesPerMinute() {
        List<SoakSummary.Sample> rising = List.of(
                new SoakSummary.Sample(0, 100, 0, 0),
                new SoakSummary.Sample(30, 101, 0, 0),
                new SoakSummary.Sample(60, 102, 0, 0));
        assertThat(SoakSummary.slopePerMinute(rising)).isCloseTo(2.0, within(1e-9));
        List<SoakSummary.Sample> flat = List.of(
                new SoakSummary.Sample(0, 100, 0, 0),
                new SoakSummary.Sample(10, 104, 0, 0),
                new SoakSummary.Sample(20, 100, 0, 0));
        assertThat(SoakSummary.slopePerMinute(flat)).isCloseTo(0.0, within(1e-9));
        assertThat(SoakSummary.floor(flat, true)).isEqualTo(100);
        assertThat(SoakSummary.floor(rising, false)).isEqualTo(100);
    }
}
