package org.facestream.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        registry.counter("matcher_observations_total", "Observations the matcher decided")
                .increment();
        registry.counter("matcher_observations_total", "Observations the matcher decided")
                .increment();
        assertThat(registry.total("matcher_observations_total")).isEqualTo(2);
    }

    @Test
    void aCountKeptElsewhereIsExportedAsACounterReadAtEachScrape() {
        MetricsRegistry registry = new MetricsRegistry();
        long[] sent = {3};
        registry.counter(
                "ingest_frames_sent_total",
                "Frames produced to facestream.frames.v1",
                MetricsRegistry.label("camera", "cam-1"),
                () -> sent[0]);
        sent[0] = 5;
        assertThat(registry.prometheusText()).isEqualTo("""
        # HELP facestream_ingest_frames_sent_total Frames produced to facestream.frames.v1
        # TYPE facestream_ingest_frames_sent_total counter
        facestream_ingest_frames_sent_total{camera="cam-1"} 5
        """);
        assertThat(registry.total("ingest_frames_sent_total")).isEqualTo(5);
    }

    @Test
    void namesFollowPrometheusConventionsOrAreRefused() {
        MetricsRegistry registry = new MetricsRegistry();
        assertThatThrownBy(() -> registry.counter("matcher_observations", "no suffix"))
                .hasMessage("expected a counter name ending in _total, found 'matcher_observations'");
        assertThatThrownBy(() -> registry.gauge("ingest_frames_sent_total", "a gauge", "", () -> 1))
                .hasMessage("expected a gauge name not ending in _total, found 'ingest_frames_sent_total'");
        assertThatThrownBy(() -> registry.histogram("stage_latency_total", "a histogram", ""))
                .hasMessage("expected a histogram name not ending in _total, found 'stage_latency_total'");
        assertThatThrownBy(() -> registry.counter("framesSent_total", "camel case"))
                .hasMessage("expected a snake_case metric name, found 'framesSent_total'");
        registry.gauge("gallery_subjects", "Subjects", "", () -> 2);
        assertThatThrownBy(() -> registry.histogram("gallery_subjects", "the same name as another type", ""))
                .hasMessage("expected gallery_subjects to stay a gauge, found it registered as a histogram");
    }
}
