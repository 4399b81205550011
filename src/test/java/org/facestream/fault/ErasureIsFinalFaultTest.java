package org.facestream.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.facestream.api.AdminClusterProbe;
import org.facestream.api.ApiKeys;
import org.facestream.api.ApiServer;
import org.facestream.api.CameraStats;
import org.facestream.api.EventRing;
import org.facestream.api.KafkaFeeds;
import org.facestream.api.KafkaGalleryView;
import org.facestream.api.LiveFeed;
import org.facestream.api.MatcherProbe;
import org.facestream.api.Role;
import org.facestream.api.SseHub;
import org.facestream.api.ThresholdSource;
import org.facestream.api.ThumbnailCache;
import org.facestream.config.ApiSettings;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryService;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.enroll.Origin;
import org.facestream.events.BoundingBox;
import org.facestream.events.DeadLetters;
import org.facestream.events.ErasureRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.Json;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Template;
import org.facestream.events.ThresholdRef;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.events.WireFixtures;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GalleryStoreNames;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.kafka.TopicTail;
import org.facestream.match.MatcherConfig;
import org.facestream.match.MatcherMetrics;
import org.facestream.match.MatcherTopology;
import org.facestream.match.ThresholdMode;
import org.facestream.match.Tracking;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Await;
import org.facestream.testing.Embeddings;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure is final (issue 13, items 1-3), on the real in-process broker with the real gallery processor
 * ({@code facestream-gallery}, exactly-once), a real Kafka Streams matcher and the real API: enrollments racing
 * erasures from several independent clients (each its own producer and outcome reader, as separate API instances or
 * command lines are) never bring an erased subject's templates back; once an erasure is answered, no API route shows
 * the subject's events or thumbnails, also after a restart; a replayed key and gallery record of an erased subject
 * are refused by the matcher, the API and enrollment, also after restarts. Templates are synthetic (no model runs
 * here): the processor never runs one either.
 */
@Tag("fault")
class ErasureIsFinalFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PACK = "yunet-w600k-int8";
    private static final int DIMENSION = 512;
    private static final String ADMIN_KEY = ApiKeys.mint();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static Map<String, Object> kafka;
    static MasterKeys masterKeys;
    static GalleryService processor;
    static KafkaGalleryCommands commands;
    static EnrollmentService service;
    static KafkaProducer<String, byte[]> raw;
    static final Random random = new Random(13);
    static final Map<String, float[]> faces = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            TopicCatalogue.load().ensureTopics(admin);
        }
        masterKeys = MasterKeys.ephemeral();
        processor = new GalleryService(kafka, masterKeys, TestAuditKeys.keys(), "test-1", new MetricsRegistry());
        processor.start(WAIT);
        commands = KafkaGalleryCommands.start(kafka, "test-main", WAIT);
        service = new EnrollmentService(commands, masterKeys, 5, WAIT);
        Map<String, Object> pc = new HashMap<>(kafka);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        raw = new KafkaProducer<>(pc, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {raw, commands, processor}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    // ---- item 1: one writer order per subject, across processes ----

    @Test
    void enrollmentsRacingErasuresFromSeveralClientsNeverReviveAnErasedSubject() throws Exception {
        String subject = "racer";
        Duration runFor = Duration.ofSeconds(15);
        ConcurrentLinkedQueue<GalleryOutcome> outcomes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<KafkaGalleryCommands> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long end = System.nanoTime() + runFor.toNanos();
        try {
            for (int c = 0; c < 4; c++) {
                // each its own producer and outcome reader: as several API instances and command lines are
                KafkaGalleryCommands client = KafkaGalleryCommands.start(kafka, "racer-" + c, WAIT);
                clients.add(client);
                EnrollmentService s = new EnrollmentService(client, masterKeys, 5, WAIT);
                boolean enroller = c < 2;
                int id = c;
                threads.add(Thread.ofPlatform().name("racer-" + c).start(() -> {
                    try {
                        for (int n = 0; System.nanoTime() < end; n++) {
                            outcomes.add(
                                    enroller
                                            ? s.enroll(
                                                    photos(
                                                            subject,
                                                            "e" + id + "-" + n + "a.jpg",
                                                            "e" + id + "-" + n + "b.jpg"),
                                                    null,
                                                    Origin.of("user:enroller-" + id, "test"))
                                            : s.erase(subject, Origin.of("user:eraser-" + id, "test")));
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(runFor.plus(WAIT).toMillis());
            }
        } finally {
            clients.forEach(KafkaGalleryCommands::close);
        }
        assertThat(failures).isEmpty();

        // the answers, in the order the processor applied them (one subject: one partition, rising offsets)
        List<GalleryOutcome> applied = outcomes.stream()
                .sorted(Comparator.comparingLong(
                        o -> Long.parseLong(o.command().substring(o.command().indexOf('@') + 1))))
                .toList();
        assertThat(applied).extracting(GalleryOutcome::status).doesNotContain(GalleryOutcome.REFUSED);
        Set<String> keysBeforeLastErasure = new LinkedHashSet<>();
        Set<String> keysSinceErasure = new LinkedHashSet<>();
        boolean erasedSinceEnrollment = false;
        int erasures = 0;
        int freshAfterErasure = 0;
        int merged = 0;
        for (GalleryOutcome o : applied) {
            if (o.status().equals(GalleryOutcome.ERASED)) {
                erasures++;
                erasedSinceEnrollment = true;
                keysBeforeLastErasure.addAll(keysSinceErasure);
                keysSinceErasure.clear();
                continue;
            }
            if (erasedSinceEnrollment) {
                // the first enrollment after an erasure: a new subject of only its own photos, under a new key
                assertThat(o.hadRecord())
                        .as("enrollment %s after an erasure", o.command())
                        .isFalse();
                assertThat(o.templates())
                        .as("enrollment %s after an erasure", o.command())
                        .isLessThanOrEqualTo(o.added());
                freshAfterErasure++;
            } else if (o.hadRecord()) {
                merged++;
            }
            assertThat(keysBeforeLastErasure).as("key of %s", o.command()).doesNotContain(o.keyId());
            keysSinceErasure.add(o.keyId());
            erasedSinceEnrollment = false;
        }
        assertThat(erasures).as("erasures answered").isGreaterThanOrEqualTo(3);
        assertThat(freshAfterErasure).as("enrollments landing after an erasure").isGreaterThanOrEqualTo(2);
        assertThat(merged).as("enrollments joining the current record").isGreaterThanOrEqualTo(1);

        // and what the topics hold: every version of the subject's record opened with the key it names; a photo or a
        // key seen on both sides of a gallery tombstone would be a revived erasure
        Map<String, SubjectKeyRecord> keys = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll(Topics.SUBJECT_KEYS)) {
            if (subject.equals(r.key()) && r.value() != null) {
                SubjectKeyRecord k = EventSerdes.subjectKeys().deserialize(r.topic(), r.value());
                keys.put(k.keyId(), k);
            }
        }
        Map<String, Integer> epochOfSource = new HashMap<>();
        Map<String, Integer> epochOfKey = new HashMap<>();
        List<String> revived = new ArrayList<>();
        int epoch = 0;
        int versions = 0;
        for (ConsumerRecord<String, byte[]> r : readAll(Topics.GALLERY)) {
            if (!subject.equals(r.key())) {
                continue;
            }
            if (r.value() == null) {
                epoch++;
                continue;
            }
            versions++;
            SealedGalleryRecord sealed = EventSerdes.gallery().deserialize(r.topic(), r.value());
            SubjectKeyRecord key = keys.get(sealed.keyId());
            assertThat(key).as("the key of version %s", r.offset()).isNotNull();
            GalleryRecord opened = new GalleryCipher().open(sealed, masterKeys.unwrap(key));
            int e = epoch;
            for (Template t : opened.templates()) {
                Integer first = epochOfSource.putIfAbsent(t.source(), e);
                if (first != null && first != e) {
                    revived.add(t.source() + " enrolled before tombstone " + first + ", back after " + e);
                }
            }
            Integer keyEpoch = epochOfKey.putIfAbsent(sealed.keyId(), e);
            if (keyEpoch != null && keyEpoch != e) {
                revived.add("key " + sealed.keyId() + " used before tombstone " + keyEpoch + " and after " + e);
            }
        }
        assertThat(revived).as("revived erasures").isEmpty();
        assertThat(epoch).as("gallery tombstones, one per erasure").isEqualTo(erasures);
        assertThat(versions).as("record versions, one per enrollment").isEqualTo(applied.size() - erasures);
        List<ErasureRecord> erasureRecords = readAll(Topics.ERASURES).stream()
                .filter(r -> subject.equals(r.key()))
                .map(r -> EventSerdes.erasures().deserialize(r.topic(), r.value()))
                .toList();
        assertThat(erasureRecords).hasSize(erasures);
        System.err.printf(
                "race of %s: %d commands, %d erasures, %d enrollments after an erasure, %d merged, %d record versions,"
                        + " 0 revived%n",
                runFor, applied.size(), erasures, freshAfterErasure, merged, versions);
    }

    // ---- item 2: what the product serves ----

    @Test
    void afterAnErasureNoApiRouteShowsTheSubjectsEventsOrThumbnailsAlsoAfterARestart() throws Exception {
        String lin = "lin_manuel_miranda";
        enroll(lin, "lin1.jpg");
        enroll("kit", "kit1.jpg");
        Api api = Api.start();
        try {
            Await.until(
                    "view holds both",
                    WAIT,
                    () -> api.view.subject(lin).isPresent()
                            && api.view.subject("kit").isPresent());
            Instant before = Instant.now();
            publish(event("cam-l", 1, lin, lin, List.of(lin, "kit"), before), thumbnail());
            publish(event("cam-l", 2, lin, lin, List.of(lin), before), thumbnail());
            publish(event("cam-l", 3, null, lin, List.of(lin, "kit"), before), thumbnail()); // unknown, lin nearest
            publish(event("cam-k", 4, "kit", "kit", List.of("kit", lin), before), thumbnail());
            Await.until(
                    "the API lists the four events",
                    WAIT,
                    () -> eventIds(api, "/api/v1/events").size() == 4);
            assertThat(eventIds(api, "/api/v1/events?subject=" + lin)).hasSize(2);
            assertThat(get(api, "/api/v1/events/cam-l/1/0/thumbnail.jpg").statusCode())
                    .isEqualTo(200);
            List<String> sse = new CopyOnWriteArrayList<>();
            var stream = HTTP.sendAsync(
                            authed(api, "/api/v1/events/stream").build(), HttpResponse.BodyHandlers.ofLines())
                    .get(10, TimeUnit.SECONDS);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    stream.body().forEach(sse::add);
                } catch (UncheckedIOException e) {
                    // closed by the test
                }
            });
            Await.until("the SSE client registered", WAIT, () -> api.live.hub().clients() > 0);

            HttpResponse<String> erased = send(api, "DELETE", "/api/v1/subjects/" + lin);

            assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(erased.body()).get("applied").asBoolean())
                    .isTrue();
            assertNothingOf(lin, api);
            for (String id : List.of("cam-l/1/0", "cam-l/2/0", "cam-l/3/0")) {
                assertThat(api.live.thumbnails().contains(id))
                        .as("thumbnail bytes of %s held", id)
                        .isFalse();
            }
            assertThat(eventIds(api, "/api/v1/events")).containsExactly("cam-k/4/0");
            assertThat(get(api, "/api/v1/events/cam-k/4/0/thumbnail.jpg").statusCode())
                    .as("another subject's thumbnail")
                    .isEqualTo(200);

            // late events: decided before the erasure, and by a matcher that had not applied it yet
            publish(event("cam-l", 5, lin, lin, List.of(lin), before.plusMillis(1)), thumbnail());
            publish(event("cam-l", 6, lin, lin, List.of(lin), Instant.now()), thumbnail());
            publish(event("cam-k", 7, "kit", "kit", List.of("kit", lin), Instant.now()), thumbnail());
            Await.until(
                    "kit's next event listed and streamed",
                    WAIT,
                    () -> eventIds(api, "/api/v1/events").contains("cam-k/7/0")
                            && sse.stream().anyMatch(l -> l.contains("cam-k/7/0")));
            assertNothingOf(lin, api);
            assertThat(sse).as("server-sent events").noneMatch(l -> l.contains(lin));
            stream.body().close();
            reader.join(10_000);
        } finally {
            api.close();
        }

        Api restarted = Api.start(); // re-reads the gallery, the erasures and the last events from the topics
        try {
            Await.until(
                    "the restarted API caught up",
                    WAIT,
                    () -> restarted.view.caughtUp()
                            && eventIds(restarted, "/api/v1/events").contains("cam-k/7/0"));
            assertNothingOf(lin, restarted);
            assertThat(eventIds(restarted, "/api/v1/events")).containsExactlyInAnyOrder("cam-k/4/0", "cam-k/7/0");

            // enrolled again: a new subject, whose new events are shown
            enroll(lin, "lin-again.jpg");
            Await.until(
                    "view holds the new enrollment",
                    WAIT,
                    () -> restarted.view.subject(lin).isPresent());
            publish(event("cam-l", 8, lin, lin, List.of(lin), Instant.now()), thumbnail());
            Await.until(
                    "the new subject's event listed",
                    WAIT,
                    () -> eventIds(restarted, "/api/v1/events?subject=" + lin).equals(List.of("cam-l/8/0")));
            assertThat(get(restarted, "/api/v1/events/cam-l/8/0/thumbnail.jpg").statusCode())
                    .isEqualTo(200);
            assertThat(get(restarted, "/api/v1/events/cam-l/1/0/thumbnail.jpg").statusCode())
                    .isEqualTo(404);
        } finally {
            restarted.close();
        }
    }

    /** No route lists or serves anything of {@code subject}'s events from before its erasure. */
    private static void assertNothingOf(String subject, Api api) throws Exception {
        assertThat(eventIds(api, "/api/v1/events?subject=" + subject)).isEmpty();
        HttpResponse<String> all = get(api, "/api/v1/events?limit=2000");
        assertThat(all.body()).as("every event listed").doesNotContain(subject);
        for (long seq = 1; seq <= 6; seq++) {
            assertThat(get(api, "/api/v1/events/cam-l/" + seq + "/0/thumbnail.jpg")
                            .statusCode())
                    .as("thumbnail of cam-l/%d/0", seq)
                    .isEqualTo(404);
        }
        assertThat(get(api, "/api/v1/subjects/" + subject).statusCode()).isEqualTo(404);
        assertThat(get(api, "/api/v1/subjects").body()).doesNotContain(subject);
        assertThat(get(api, "/api/v1/stats").body()).doesNotContain(subject);
    }

    // ---- item 3: a replayed destroyed key ----

    @Test
    void aReplayedKeyAndRecordOfAnErasedSubjectAreRefusedByMatcherApiAndEnrollmentAlsoAfterRestarts() throws Exception {
        Path state = dir.resolve("matcher-state");
        MatcherMetrics metrics = new MatcherMetrics(new MetricsRegistry());
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Matcher matcher = keep(open, Matcher.start(state, metrics));
            Api api = keep(open, Api.start());
            GalleryOutcome enrolled = enroll("rose", "rose1.jpg");
            Await.until("matcher holds rose", WAIT, () -> matcher.index.contains("rose"));
            byte[] keyBytes = lastValue(Topics.SUBJECT_KEYS, "rose").orElseThrow();
            byte[] recordBytes = lastValue(Topics.GALLERY, "rose").orElseThrow();
            String keyId = enrolled.keyId();
            assertThat(EventSerdes.subjectKeys()
                            .deserialize(Topics.SUBJECT_KEYS, keyBytes)
                            .keyId())
                    .isEqualTo(keyId);

            HttpResponse<String> erased = send(api, "DELETE", "/api/v1/subjects/rose");
            assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
            Await.until("matcher dropped rose", WAIT, () -> !matcher.index.contains("rose"));
            long refused = metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED);

            raw.send(new ProducerRecord<>(Topics.SUBJECT_KEYS, "rose", keyBytes))
                    .get(30, TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(Topics.GALLERY, "rose", recordBytes)).get(30, TimeUnit.SECONDS);
            // a barrier: the next subject's key and record come after the replays on the same partitions
            enroll("barrier-1", "b1.jpg");
            Await.until(
                    "matcher and view hold the barrier",
                    WAIT,
                    () -> matcher.index.contains("barrier-1")
                            && api.view.subject("barrier-1").isPresent());
            assertThat(metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED))
                    .as("replayed key and record refused")
                    .isEqualTo(refused + 2);
            assertThat(matcher.index.contains("rose")).isFalse();
            assertThat(matcher.store().get("rose")).isNull();
            assertThat(api.view.subject("rose")).isEmpty();
            assertThat(api.view.current("rose")).as("the replayed key").isEmpty();
            assertThat(get(api, "/api/v1/subjects/rose").statusCode()).isEqualTo(404);

            // restarts: the matcher from an empty state directory (everything re-read, erasures first), the API
            close(open, matcher);
            deleteRecursively(state);
            Matcher again = keep(open, Matcher.start(state, new MatcherMetrics(new MetricsRegistry())));
            Await.until("restarted matcher holds the barrier", WAIT, () -> again.index.contains("barrier-1"));
            assertThat(again.index.contains("rose")).isFalse();
            assertThat(again.store().get("rose")).isNull();
            assertThat(again.metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED))
                    .isGreaterThanOrEqualTo(1);
            close(open, api);
            Api restarted = keep(open, Api.start());
            Await.until(
                    "restarted view caught up",
                    WAIT,
                    () -> restarted.view.caughtUp()
                            && restarted.view.subject("barrier-1").isPresent());
            assertThat(restarted.view.subject("rose")).isEmpty();
            assertThat(restarted.view.destroyed(keyId)).isTrue();
            assertThat(get(restarted, "/api/v1/subjects/rose").statusCode()).isEqualTo(404);

            // enrollment after a restart of the gallery processor: a new subject, under a new key, of only the new
            // photo; the replayed key is never used
            processor.close();
            processor = new GalleryService(kafka, masterKeys, TestAuditKeys.keys(), "test-2", new MetricsRegistry());
            processor.start(WAIT);
            GalleryOutcome reenrolled = enroll("rose", "rose-again.jpg");
            assertThat(reenrolled.hadRecord()).isFalse();
            assertThat(reenrolled.keyId()).isNotEqualTo(keyId);
            assertThat(reenrolled.templates()).isEqualTo(1);
            assertThat(restarted.view.awaitEnrolled(reenrolled, WAIT)).isTrue();
            assertThat(restarted.view.subject("rose").orElseThrow().templates())
                    .extracting(Template::source)
                    .containsExactly("rose-again.jpg");
            Await.until("matcher holds the new rose", WAIT, () -> again.index.contains("rose"));
        } finally {
            for (AutoCloseable c : open.reversed()) {
                c.close();
            }
        }
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> open, T c) {
        open.add(c);
        return c;
    }

    private static void close(List<AutoCloseable> open, AutoCloseable c) throws Exception {
        open.remove(c);
        c.close();
    }

    // ---- helpers ----

    private static float[] face(String subject) {
        return faces.computeIfAbsent(subject, s -> Embeddings.unit(random, DIMENSION));
    }

    /** One template per source, each a photo of {@code subject} (cosine 0.7 to its face). */
    private static GalleryRecord photos(String subject, String... sources) {
        List<Template> t = new ArrayList<>();
        float[] f = face(subject);
        for (String s : sources) {
            synchronized (random) {
                t.add(new Template(Embeddings.atCosine(f, 0.7, random), s, WireFixtures.quality()));
            }
        }
        return new GalleryRecord(subject, subject, t, PACK, Instant.now());
    }

    private static GalleryOutcome enroll(String subject, String... sources) throws InterruptedException {
        return service.enroll(photos(subject, sources), null, Origin.of("user:test", "test"));
    }

    private static byte[] thumbnail() {
        return new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, (byte) 0xFF, (byte) 0xD9};
    }

    private static IdentityEvent event(
            String camera, long seq, String subject, String best, List<String> candidates, Instant decidedAt) {
        return new IdentityEvent(
                FaceObservation.idOf(camera, seq, 0),
                subject,
                0.6,
                best,
                new ThresholdRef(0.4, 0, "fixed"),
                camera,
                seq,
                0,
                decidedAt.minusMillis(200),
                decidedAt,
                new BoundingBox(300, 90, 64, 80),
                WireFixtures.quality(),
                PACK,
                1,
                candidates.stream()
                        .map(c -> new IdentityEvent.Candidate(c, 0.6))
                        .toList());
    }

    /** The event and its observation (with a thumbnail), as the matcher and the worker write them. */
    private static void publish(IdentityEvent e, byte[] thumbnail) throws Exception {
        FaceObservation o = WireFixtures.observation(
                e.cameraId(), e.frameSequence(), 0, WireFixtures.unitVector(e.frameSequence(), DIMENSION), PACK);
        FaceObservation withThumb = new FaceObservation(
                o.observationId(),
                o.cameraId(),
                o.frameSequence(),
                0,
                e.capturedAt(),
                e.capturedAt().plusMillis(50),
                640,
                360,
                o.box(),
                o.landmarks(),
                o.quality(),
                o.embedding(),
                PACK,
                thumbnail);
        raw.send(new ProducerRecord<>(
                        Topics.FACES, e.cameraId(), EventSerdes.faces().serialize(Topics.FACES, withThumb)))
                .get(30, TimeUnit.SECONDS);
        raw.send(new ProducerRecord<>(
                        Topics.IDENTITIES,
                        e.cameraId(),
                        EventSerdes.identities().serialize(Topics.IDENTITIES, e)))
                .get(30, TimeUnit.SECONDS);
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        TopicTail.of(kafka, "test-read-" + topic, topic, TopicTail.Start.BEGINNING)
                .readToEnd(WAIT, out::add);
        out.sort(Comparator.comparingInt((ConsumerRecord<String, byte[]> r) -> r.partition())
                .thenComparingLong(ConsumerRecord::offset));
        return out;
    }

    /** The value of the last record of {@code key} on {@code topic} (empty for a tombstone). */
    private static Optional<byte[]> lastValue(String topic, String key) {
        List<ConsumerRecord<String, byte[]>> of =
                readAll(topic).stream().filter(r -> key.equals(r.key())).toList();
        assertThat(of).as("records of %s on %s", key, topic).isNotEmpty();
        return Optional.ofNullable(of.getLast().value());
    }

    private static void deleteRecursively(Path p) throws Exception {
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static HttpRequest.Builder authed(Api api, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.server.port() + path))
                .header("Authorization", "Bearer " + ADMIN_KEY);
    }

    private static HttpResponse<String> get(Api api, String path) throws Exception {
        return HTTP.send(authed(api, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(Api api, String method, String path) throws Exception {
        return HTTP.send(
                authed(api, path)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The ids of the events a listing route answers, newest first. */
    private static List<String> eventIds(Api api, String path) {
        try {
            HttpResponse<String> r = get(api, path);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            for (JsonNode e : Json.MAPPER.readTree(r.body()).get("events")) {
                ids.add(e.get("id").asText());
            }
            return ids;
        } catch (Exception e) {
            throw new AssertionError("cannot list " + path, e);
        }
    }

    /** The API as {@code facestream api} wires it, on this test's broker, with an admin key. */
    private record Api(
            KafkaGalleryView view, LiveFeed live, KafkaFeeds feeds, AdminClusterProbe probe, ApiServer server)
            implements AutoCloseable {
        static Api start() {
            KafkaGalleryView view = KafkaGalleryView.start(kafka, masterKeys);
            LiveFeed live = new LiveFeed(
                    new EventRing(200),
                    new SseHub(64, Duration.ofMillis(500)),
                    new ThumbnailCache(200, 8 << 20),
                    new CameraStats(),
                    view::hides);
            view.onErasure(live::erase);
            KafkaFeeds feeds = KafkaFeeds.start(kafka, live);
            AdminClusterProbe probe = new AdminClusterProbe(kafka, "facestream-worker");
            ApiServer server = ApiServer.start(
                    ApiSettings.defaults(0),
                    new ApiServer.Collaborators(
                            view,
                            service,
                            (id, images) -> {
                                throw new AssertionError("no photos in this test");
                            },
                            live,
                            ThresholdSource.fixed(new ThresholdRef(0.4, 0, "fixed"), Instant.now()),
                            probe,
                            MatcherProbe.UNKNOWN,
                            new MetricsRegistry(),
                            ApiKeys.single("admin-1", Role.ADMIN, ADMIN_KEY)));
            Await.until("feeds assigned", WAIT, feeds::assigned);
            return new Api(view, live, feeds, probe, server);
        }

        @Override
        public void close() {
            server.close();
            feeds.close();
            live.close();
            view.close();
            probe.close();
        }
    }

    /** The matcher as {@code facestream matcher} runs it (exactly once, RocksDB state in {@code state}). */
    private record Matcher(KafkaStreams streams, GalleryIndex index, MatcherMetrics metrics) implements AutoCloseable {
        static Matcher start(Path state, MatcherMetrics metrics) {
            MatcherConfig cfg = new MatcherConfig(5, PACK, DIMENSION, false);
            GalleryIndex index = MatcherTopology.newIndex(cfg);
            Properties p = new Properties();
            p.putAll(kafka);
            p.put(StreamsConfig.APPLICATION_ID_CONFIG, "facestream-matcher");
            p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
            p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
            p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
            // the restarted instance takes over the stopped one's partitions in seconds, not 45
            p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6_000);
            p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 2_000);
            KafkaStreams streams = new KafkaStreams(
                    MatcherTopology.build(new MatcherTopology.Spec(
                            cfg,
                            masterKeys,
                            ThresholdMode.fixed(0.4),
                            Tracking.PER_FACE,
                            metrics,
                            index,
                            Clock.systemUTC())),
                    p);
            streams.start();
            Await.until("matcher running", WAIT, () -> streams.state() == KafkaStreams.State.RUNNING);
            return new Matcher(streams, index, metrics);
        }

        ReadOnlyKeyValueStore<String, SealedGalleryRecord> store() {
            return streams.store(StoreQueryParameters.fromNameAndType(
                    GalleryStoreNames.TEMPLATES_BY_SUBJECT, QueryableStoreTypes.keyValueStore()));
        }

        @Override
        public void close() {
            streams.close(Duration.ofSeconds(30));
        }
    }
}
