package org.facestream.ingest;

import org.facestream.metrics.MetricsRegistry;

/**
 * Exports a camera's ingest counts to the metrics registry, labelled by camera, as counters read from the
 * ingest's own (monotonic) counts at each scrape, so {@code rate()} and {@code increase()} apply.
 */
public final class IngestMetrics {
    private IngestMetrics() {}

    public static void register(MetricsRegistry registry, String camera, CameraIngest ingest) {
        String label = MetricsRegistry.label("camera", camera);
        registry.counter(
                "ingest_frames_grabbed_total",
                "Frames decoded from the camera",
                label,
                () -> ingest.summary().grabbed());
        registry.counter(
                "ingest_frames_sent_total",
                "Frames produced to facestream.frames.v1",
                label,
                () -> ingest.summary().sent());
        registry.counter(
                "ingest_frames_dropped_total",
                "Frames dropped because ingest fell behind (newest kept)",
                label,
                () -> ingest.summary().dropped());
        registry.secondsCounter(
                "ingest_grab_seconds_total",
                "Time spent decoding and converting the camera's pictures",
                label,
                () -> ingest.summary().grabTime().toNanos() / 1e9);
        registry.secondsCounter(
                "ingest_jpeg_encode_seconds_total",
                "Time spent JPEG-encoding the camera's sampled frames",
                label,
                () -> ingest.summary().encodeTime().toNanos() / 1e9);
        registry.counter(
                "ingest_decode_errors_total",
                "Frames the camera source could not decode",
                label,
                () -> ingest.summary().decodeErrors());
        registry.counter(
                "ingest_connect_failures_total",
                "Failed attempts to connect to a live camera, at start or after its stream dropped (retried with"
                        + " backoff)",
                label,
                ingest::connectFailures);
    }
}
