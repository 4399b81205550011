package org.facestream.ingest;

import org.facestream.metrics.MetricsRegistry;

/** Exports a camera's ingest counters (monotonic) to the metrics registry, labelled by camera. */
public final class IngestMetrics {
    private IngestMetrics() {}

    public static void register(MetricsRegistry registry, String camera, CameraIngest ingest) {
        String label = MetricsRegistry.label("camera", camera);
        registry.gauge(
                "ingest_frames_grabbed_total",
                "Frames decoded from the camera",
                label,
                () -> ingest.summary().grabbed());
        registry.gauge(
                "ingest_frames_sent_total",
                "Frames produced to facestream.frames.v1",
                label,
                () -> ingest.summary().sent());
        registry.gauge(
                "ingest_frames_dropped_total",
                "Frames dropped because ingest fell behind (newest kept)",
                label,
                () -> ingest.summary().dropped());
        registry.gauge(
                "ingest_grab_seconds_total",
                "Time spent decoding and converting the camera's pictures",
                label,
                () -> ingest.summary().grabTime().toNanos() / 1e9);
        registry.gauge(
                "ingest_jpeg_encode_seconds_total",
                "Time spent JPEG-encoding the camera's sampled frames",
                label,
                () -> ingest.summary().encodeTime().toNanos() / 1e9);
        registry.gauge(
                "ingest_decode_errors_total",
                "Frames the camera source could not decode",
                label,
                () -> ingest.summary().decodeErrors());
    }
}
