package org.facestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.facestream.config.IngestSettings;
import org.facestream.events.IdentityEvent;
import org.facestream.events.Json;
import org.facestream.ingest.CameraIngest;
import org.facestream.ingest.IngestSummary;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera through the whole {@link InProcessPipeline}, as {@code demo} and {@code bench pipeline} run it:
 * the pipeline starts (its subjects enrolled first), the camera's frames flow, and the run ends either when
 * the source has ended and every frame became its events (the pipeline drains and the run is summarised) or
 * when the process is asked to stop (a live or looping camera).
 */
final class InProcessRun {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessRun.class);

    private InProcessRun() {}

    /**
     * The camera of a run.
     *
     * @param source video file, image folder or RTSP URL
     * @param id camera id, the key of its frames
     * @param loop replay a file from the start when it ends
     * @param realtime pace a file at media speed, as a live camera would deliver it
     */
    record Camera(String source, String id, boolean loop, boolean realtime) {}

    /** How a run ends. */
    enum Until {
        /** The source ended and the pipeline drained: the run is summarised. */
        END,
        /** Ctrl-C or SIGTERM: no summary. */
        SIGNAL
    }

    /**
     * What a run to the end measured, in the order printed; rates are over the time from the first frame to the
     * last identity event.
     */
    record Summary(Map<String, Object> values) {
        Summary {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** One line: {@code {"summary":{...}}}. */
        String json() {
            try {
                return Json.MAPPER.writeValueAsString(Map.of("summary", values));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("summary not serializable: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Runs the camera through a pipeline started with {@code setup}; every stage reports into {@code metrics}.
     *
     * @return the summary of a run to the end; empty when the run was stopped by a signal (or {@code until} is
     *     {@link Until#SIGNAL})
     */
    static Optional<Summary> run(InProcessPipeline.Setup setup, Camera camera, Until until, MetricsRegistry metrics)
            throws Exception {
        Instant started = Instant.now();
        try (ShutdownSignal signal = new ShutdownSignal();
                InProcessPipeline pipeline = InProcessPipeline.start(setup, metrics)) {
            IngestSettings settings = IngestSettings.fromConfig(pipeline.cfg(), camera.id())
                    .withLoop(camera.loop())
                    .withRealtime(camera.realtime());
            Instant ingestStart = Instant.now();
            try (CameraIngest ingest = pipeline.openCamera(camera.source(), settings)) {
                CompletableFuture<IngestSummary> ingestDone = CompletableFuture.supplyAsync(
                        ingest::run, r -> Thread.ofPlatform().name("ingest").start(r));
                if (until == Until.SIGNAL) {
                    LOG.info("demo running on {} (camera {}); Ctrl-C stops", camera.source(), camera.id());
                    signal.await();
                    return Optional.empty();
                }
                Optional<IngestSummary> ingested = waitFor(ingestDone, signal);
                if (ingested.isEmpty()) {
                    return Optional.empty();
                }
                pipeline.drain();
                return Optional.of(summary(ingested.get(), pipeline.tap(), metrics, ingestStart));
            }
        } finally {
            LOG.info(
                    "demo finished after {} s",
                    Duration.between(started, Instant.now()).toSeconds());
        }
    }

    /** The ingest's summary once the source ended; empty when the process was asked to stop first. */
    private static Optional<IngestSummary> waitFor(CompletableFuture<IngestSummary> done, ShutdownSignal signal)
            throws Exception {
        while (!done.isDone()) {
            if (signal.await(200)) {
                return Optional.empty();
            }
        }
        return Optional.of(done.get());
    }

    private static Summary summary(IngestSummary ingest, IdentityEventTap tap, MetricsRegistry m, Instant ingestStart) {
        Map<String, Integer> bySubject = tap.countsBySubject();
        int unknown = bySubject.getOrDefault(IdentityEvent.UNKNOWN, 0);
        Map<String, Integer> matched = new LinkedHashMap<>(bySubject);
        matched.remove(IdentityEvent.UNKNOWN);
        Instant end = tap.lastEventAt() == null ? Instant.now() : tap.lastEventAt();
        double seconds = Math.max(1e-3, Duration.between(ingestStart, end).toNanos() / 1e9);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("frames", ingest.sent());
        s.put("framesDropped", ingest.dropped());
        s.put("faces", m.total("worker_faces_total"));
        s.put("facesSeen", m.total("worker_faces_seen_total"));
        s.put("facesEmbedded", m.total("worker_faces_embedded_total"));
        s.put("detectionsSkipped", m.total("worker_detections_skipped_total"));
        s.put("facesDroppedForQuality", m.byLabel("worker_faces_dropped_total"));
        s.put("events", tap.eventCount());
        s.put("eventsBySubject", matched);
        s.put("unknownFaces", unknown);
        s.put("deadLetters", m.byLabel("deadletter_total"));
        s.put("framesPerSecond", Math.round(ingest.sent() / seconds * 100) / 100.0);
        s.put("facesPerSecond", Math.round(m.total("worker_faces_total") / seconds * 100) / 100.0);
        s.put("latencyP50Ms", Math.round(tap.latencyQuantileMs(0.50)));
        s.put("latencyP99Ms", Math.round(tap.latencyQuantileMs(0.99)));
        return new Summary(s);
    }
}
