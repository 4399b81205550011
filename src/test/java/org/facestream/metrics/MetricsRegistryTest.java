package org.facestream.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {
    @Test
    void aCounterCreatedAtZeroIsExportedButNotListedAsACount() {
        MetricsRegistry registry = new MetricsRegistry();
        registry.counter(
                "deadletter_total",
                "Records sent to the dead-letter topic",
                MetricsRegistry.label("reason", "corrupt-image"));
        registry.counter(
                        "deadletter_total",
                        "Records sent to the dead-letter topic",
                        MetricsRegistry.label("reason", "null-frame"))
                .add(2);

        assertThat(registry.prometheusText()).isEqualTo("""
        # HELP facestream_deadletter_total Records sent to the dead-letter topic
        # TYPE facestream_deadletter_total counter
        facestream_deadletter_total{reason="corrupt-image"} 0
        facestream_deadletter_total{reason="null-frame"} 2
        """);
        assertThat(registry.byLabel("deadletter_total")).isEqualTo(Map.of("reason=\"null-frame\"", 2L));
        assertThat(registry.total("deadletter_total")).isEqualTo(2);
        assertThat(registry.byLabel("absent_total")).isEmpty();
    }

    @Test
    void theSameSeriesIsTheSameCounter() {
        MetricsRegistry registry = new MetricsRegistry();
        registry.counter("matcher_observations", "Observations the matcher decided")
                .increment();
        registry.counter("matcher_observations", "Observations the matcher decided")
                .increment();
        assertThat(registry.total("matcher_observations")).isEqualTo(2);
    }
}
