package org.facestream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.facestream.events.IdentityEvent;
import org.facestream.testing.Await;
import org.junit.jupiter.api.Test;

/**
 * What the API keeps of the live topics forgets an erased subject at once and never takes it back: events it is the
 * subject or best candidate of, their thumbnails, its place in other events' candidates, events queued for SSE
 * clients; and late events decided before the erasure.
 */
class LiveFeedTest {
    private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, (byte) 0xFF, (byte) 0xD9};

    /** Erasure times by subject, as the gallery view keeps them (no re-enrollment here). */
    private final Map<String, Instant> erasedAt = new HashMap<>();

    private final LiveFeed live = new LiveFeed(
            new EventRing(50),
            new SseHub(16, Duration.ofHours(1)),
            new ThumbnailCache(50, 1 << 20),
            new CameraStats(),
            (subject, decidedAt) -> erasedAt.containsKey(subject));

    private static IdentityEvent event(long seq, String subject, String best, String... candidates) {
        IdentityEvent e = ApiFixtures.identity("cam-1", seq, subject, best, 0.6, T.plusSeconds(seq));
        return e.withCandidates(List.of(candidates).stream()
                .map(c -> new IdentityEvent.Candidate(c, 0.5))
                .toList());
    }

    private void accept(IdentityEvent e) {
        live.accept(ApiFixtures.observation("cam-1", e.frameSequence(), T, JPEG));
        live.accept(e);
    }

    @Test
    void anErasedSubjectsEventsThumbnailsAndCandidacyGoAtOnceAndLateEventsNeverCome() {
        accept(event(1, "lin", "lin", "lin", "kit"));
        accept(event(2, null, "lin", "lin", "kit")); // unknown, lin the nearest
        accept(event(3, "kit", "kit", "kit", "lin"));
        assertThat(live.shownEvents(10, e -> true)).hasSize(3);

        erasedAt.put("lin", T.plusSeconds(10));
        live.erase("lin");

        List<IdentityEvent> shown = live.shownEvents(10, e -> true);
        assertThat(shown).extracting(IdentityEvent::id).containsExactly("cam-1/3/0");
        assertThat(shown.get(0).candidates())
                .extracting(IdentityEvent.Candidate::subjectId)
                .containsExactly("kit");
        assertThat(live.events().size()).as("held, not just hidden").isEqualTo(1);
        assertThat(live.thumbnails().contains("cam-1/1/0")).isFalse();
        assertThat(live.thumbnails().contains("cam-1/2/0")).isFalse();
        assertThat(live.shownThumbnail("cam-1/3/0")).isPresent();
        assertThat(live.shownThumbnail("cam-1/1/0")).isEmpty();

        // a late event (a lagging reader) and its thumbnail, in either order
        live.accept(event(4, "lin", "lin", "lin"));
        live.accept(ApiFixtures.observation("cam-1", 4, T, JPEG));
        live.accept(ApiFixtures.observation("cam-1", 5, T, JPEG));
        live.accept(event(5, "lin", "lin", "lin"));
        assertThat(live.shownEvents(10, e -> true))
                .extracting(IdentityEvent::id)
                .containsExactly("cam-1/3/0");
        assertThat(live.thumbnails().contains("cam-1/4/0")).isFalse();
        assertThat(live.thumbnails().contains("cam-1/5/0")).isFalse();
    }

    @Test
    void eventsQueuedForAServerSentEventsClientAreDroppedBeforeTheyAreSent() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    release.await(30, TimeUnit.SECONDS); // the client reads nothing until released
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (sent) {
                    sent.write(b, off, len);
                }
            }
        };
        SseHub hub = live.hub();
        Thread client = Thread.ofVirtual().start(() -> {
            try {
                hub.serve(slow, ": connected\n\n", () -> true);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        Await.until("client registered", Duration.ofSeconds(10), () -> hub.clients() == 1);
        live.accept(event(1, "lin", "lin", "lin"));
        live.accept(event(2, "kit", "kit", "kit", "lin"));
        live.accept(event(3, "kit", "kit", "kit"));

        erasedAt.put("lin", T.plusSeconds(10));
        live.erase("lin");
        release.countDown();
        Await.until("kit's last event sent", Duration.ofSeconds(10), () -> {
            synchronized (sent) {
                return sent.toString(StandardCharsets.UTF_8).contains("cam-1/3/0");
            }
        });
        hub.close();
        client.join(10_000);
        String out;
        synchronized (sent) {
            out = sent.toString(StandardCharsets.UTF_8);
        }
        assertThat(out).contains("cam-1/3/0").doesNotContain("cam-1/1/0").doesNotContain("cam-1/2/0");
    }
}
