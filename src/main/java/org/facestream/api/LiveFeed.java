package org.facestream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.facestream.events.FaceObservation;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.Json;

/**
 * What the API keeps of the live topics, all bounded and in memory: recent identity events, the
 * server-sent-events hub, face thumbnails, per-camera rates and dead-letter counts. Fed by
 * {@link KafkaFeeds} (or directly in tests). Thread-safe.
 *
 * <p>Erased subjects are never shown: an event whose subject or best candidate the gallery view {@link
 * GalleryView#hides hides} is not kept, streamed or listed, and neither is its thumbnail; an erased subject is left
 * out of other events' candidate lists. {@link #erase} drops what is already held of a subject at once (events,
 * their thumbnails, events queued for server-sent-event clients); the same rule applied when reading covers events
 * that arrive late (a lagging matcher, a restart that re-reads the identity topic).
 */
public final class LiveFeed implements AutoCloseable {
    private final EventRing events;
    private final SseHub hub;
    private final ThumbnailCache thumbnails;
    private final CameraStats cameras;
    private final DeadLetterCounts deadLetters = new DeadLetterCounts();
    private final BiPredicate<String, Instant> hidden;
    /** Observation ids whose events were not shown: a thumbnail arriving after its event is not kept either. */
    private final Set<String> hiddenIds;

    /** A feed that hides nothing (no gallery view: tests of the live topics alone). */
    public LiveFeed(EventRing events, SseHub hub, ThumbnailCache thumbnails, CameraStats cameras) {
        this(events, hub, thumbnails, cameras, (subject, decidedAt) -> false);
    }

    /**
     * @param hidden whether what names a subject, decided at a time, must not be shown ({@link GalleryView#hides})
     */
    public LiveFeed(
            EventRing events,
            SseHub hub,
            ThumbnailCache thumbnails,
            CameraStats cameras,
            BiPredicate<String, Instant> hidden) {
        this.events = events;
        this.hub = hub;
        this.thumbnails = thumbnails;
        this.cameras = cameras;
        this.hidden = hidden;
        int remembered = Math.max(1000, events.capacity());
        this.hiddenIds = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > remembered;
            }
        }));
    }

    /** The defaults: 2,000 events, 256 queued events per SSE client, heartbeat every 15 s, 2,000 thumbnails up to 32 MB. */
    public static LiveFeed defaults(BiPredicate<String, Instant> hidden) {
        return new LiveFeed(
                new EventRing(2000),
                new SseHub(256, Duration.ofSeconds(15)),
                new ThumbnailCache(2000, 32L << 20),
                new CameraStats(),
                hidden);
    }

    /** As {@link #defaults(BiPredicate)}, hiding nothing. */
    public static LiveFeed defaults() {
        return defaults((subject, decidedAt) -> false);
    }

    /**
     * {@code e} as it may be shown: empty when its subject or best candidate is hidden, otherwise without the hidden
     * subjects among its candidates.
     */
    Optional<IdentityEvent> shown(IdentityEvent e) {
        Instant at = e.decidedAt();
        if ((e.subjectId() != null && hidden.test(e.subjectId(), at))
                || (e.bestCandidateId() != null && hidden.test(e.bestCandidateId(), at))) {
            return Optional.empty();
        }
        List<IdentityEvent.Candidate> kept = e.candidates().stream()
                .filter(c -> !hidden.test(c.subjectId(), at))
                .toList();
        return Optional.of(kept.size() == e.candidates().size() ? e : e.withCandidates(kept));
    }

    /** An identity event: kept, streamed to SSE clients (once per id) and counted for its camera, unless hidden. */
    public void accept(IdentityEvent e) {
        Optional<IdentityEvent> shown = shown(e);
        if (shown.isEmpty()) {
            hiddenIds.add(e.id());
            thumbnails.remove(e.id());
            return;
        }
        IdentityEvent s = shown.get();
        if (events.add(s)) {
            cameras.decision(s.cameraId(), s.frameSequence(), s.capturedAt(), s.isMatch());
            try {
                hub.publish(Json.MAPPER.writeValueAsString(IdentityEventSerde.toCloudEvent(s)), EventRing.subjects(s));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("cannot write identity event " + s.id() + " as JSON", ex);
            }
        }
    }

    /** A face observation: counted for its camera; its thumbnail kept when it carries one (and its event is shown). */
    public void accept(FaceObservation o) {
        cameras.observation(o.cameraId(), o.frameSequence(), o.capturedAt());
        byte[] thumb = o.thumbnailJpeg();
        if (thumb != null && thumb.length > 0 && !hiddenIds.contains(o.observationId())) {
            thumbnails.put(o.observationId(), thumb);
        }
    }

    /**
     * Drops what is held of an erased subject, at once: the events it is the subject or best candidate of, with
     * their thumbnails; its place in other events' candidate lists; the events naming it that SSE clients have not
     * been sent yet.
     */
    public void erase(String subjectId) {
        for (String id : events.purge(subjectId)) {
            hiddenIds.add(id);
            thumbnails.remove(id);
        }
        hub.purge(subjectId);
    }

    /** Up to {@code limit} of the recent events accepted by {@code filter} that may be shown, newest first. */
    public List<IdentityEvent> shownEvents(int limit, Predicate<IdentityEvent> filter) {
        return events.newest(limit, e -> filter.test(e) && shown(e).isPresent()).stream()
                .map(e -> shown(e).orElseThrow())
                .toList();
    }

    /** The thumbnail of an observation whose event is held and may be shown. */
    public Optional<byte[]> shownThumbnail(String observationId) {
        Optional<IdentityEvent> e = events.get(observationId);
        if (e.isEmpty() || shown(e.get()).isEmpty()) {
            return Optional.empty();
        }
        return thumbnails.get(observationId);
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
