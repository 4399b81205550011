package org.facestream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import org.facestream.events.FaceObservation;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.Json;

/**
 * What the API keeps of the live topics, all bounded and in memory: recent identity events, the
 * server-sent-events hub, face thumbnails, per-camera rates and dead-letter counts. Fed by
 * {@link KafkaFeeds} (or directly in tests). Thread-safe.
 */
public final class LiveFeed implements AutoCloseable {
    private final EventRing events;
    private final SseHub hub;
    private final ThumbnailCache thumbnails;
    private final CameraStats cameras;
    private final DeadLetterCounts deadLetters = new DeadLetterCounts();

    public LiveFeed(EventRing events, SseHub hub, ThumbnailCache thumbnails, CameraStats cameras) {
        this.events = events;
        this.hub = hub;
        this.thumbnails = thumbnails;
        this.cameras = cameras;
    }

    /** The defaults: 2,000 events, 256 queued events per SSE client, heartbeat every 15 s, 2,000 thumbnails up to 32 MB. */
    public static LiveFeed defaults() {
        return new LiveFeed(
                new EventRing(2000),
                new SseHub(256, Duration.ofSeconds(15)),
                new ThumbnailCache(2000, 32L << 20),
                new CameraStats());
    }

    /** An identity event: kept, streamed to SSE clients (once per id) and counted for its camera. */
    public void accept(IdentityEvent e) {
        if (events.add(e)) {
            cameras.decision(e.cameraId(), e.ingestRun(), e.frameSequence(), e.capturedAt(), e.isMatch());
            try {
                hub.publish(Json.MAPPER.writeValueAsString(IdentityEventSerde.toCloudEvent(e)));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("cannot write identity event " + e.id() + " as JSON", ex);
            }
        }
    }

    /** A face observation: counted for its camera; its thumbnail kept when it carries one. */
    public void accept(FaceObservation o) {
        cameras.observation(o.cameraId(), o.ingestRun(), o.frameSequence(), o.capturedAt());
        byte[] thumb = o.thumbnailJpeg();
        if (thumb != null && thumb.length > 0) {
            thumbnails.put(o.observationId(), thumb);
        }
    }

    /** A dead letter of {@code stage} for {@code reason}. */
    public void deadLetter(String stage, String reason) {
        deadLetters.add(stage, reason);
    }

    public EventRing events() {
        return events;
    }

    public SseHub hub() {
        return hub;
    }

    public ThumbnailCache thumbnails() {
        return thumbnails;
    }

    public CameraStats cameras() {
        return cameras;
    }

    public DeadLetterCounts deadLetters() {
        return deadLetters;
    }

    @Override
    public void close() {
        hub.close();
    }
}
