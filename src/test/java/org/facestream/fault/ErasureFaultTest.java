package org.facestream.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
import org.facestream.api.KafkaGalleryView;
import org.facestream.api.LiveFeed;
import org.facestream.api.MatcherProbe;
import org.facestream.api.Role;
import org.facestream.api.SseHub;
import org.facestream.api.ThresholdSource;
import org.facestream.api.ThumbnailCache;
import org.facestream.audit.AuditLog;
import org.facestream.audit.AuditTopic;
import org.facestream.cli.FaceStreamCli;
import org.facestream.config.ApiSettings;
import org.facestream.config.VisionOptions;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SubjectKey;
import org.facestream.enroll.Enroller;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryService;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.enroll.Origin;
import org.facestream.enroll.SubjectKeySnapshot;
import org.facestream.events.AuditRecord;
import org.facestream.events.BoundingBox;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.Json;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.ThresholdRef;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GalleryStoreNames;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.match.MatcherConfig;
import org.facestream.match.MatcherMetrics;
import org.facestream.match.MatcherTopology;
import org.facestream.match.ThresholdMode;
import org.facestream.match.Tracking;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.testing.Await;
import org.facestream.testing.Bytes;
import org.facestream.testing.Galleries;
import org.facestream.testing.GalleryPublisher;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.facestream.vision.FaceAnalyzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure and encryption at rest on the real in-process broker, a real Kafka Streams matcher with its
 * RocksDB state directory, the real API (with an admin key) and the real models on real photos; every
 * enrollment and erasure goes with its audit record. One cluster, matcher and API
 * serve every test; each test has its own subjects and reads counters as differences.
 */
@Tag("fault")
class ErasureFaultTest {
    private static final ModelPack PACK = ModelPacks.DEFAULT;
    private static final String CAMERA = "cam-erasure";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    static EmbeddedKafkaBroker broker;
    static Map<String, Object> kafka;
    static MasterKeys masterKeys;
    static FaceAnalyzer analyzer;
    static Enroller enroller;
    static MatcherMetrics metrics = new MatcherMetrics(new MetricsRegistry());
    static GalleryIndex index;
    static KafkaStreams matcher;
    static KafkaGalleryView view;
    static AuditLog audit;
    static GalleryService processor;
    static KafkaGalleryCommands commands;
    static EnrollmentService enrollment;
    static AdminClusterProbe probe;
    static LiveFeed live;
    static ApiServer api;
    static GalleryPublisher publisher;
    static final String ADMIN_KEY = ApiKeys.mint();
    static KafkaProducer<String, byte[]> raw;
    static KafkaConsumer<String, byte[]> identities;
    static final Map<String, IdentityEvent> decided = new HashMap<>();
    static final AtomicLong sequence = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
        kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (Admin admin = Admin.create(kafka)) {
            TopicCatalogue.load().ensureTopics(admin);
        }
        // tests mint an ephemeral master key, as the demo does
        masterKeys = MasterKeys.ephemeral();
        analyzer = FaceAnalyzer.open(PACK, SharedData.models(), VisionOptions.defaults(PACK));
        enroller = new Enroller(analyzer);

        startMatcher();
        MatcherConfig cfg = matcherConfig();
        view = KafkaGalleryView.start(kafka, masterKeys);
        audit = AuditLog.open(kafka, "api", TestAuditKeys.keys(), new MetricsRegistry());
        processor = new GalleryService(kafka, masterKeys, TestAuditKeys.keys(), "test", new MetricsRegistry());
        processor.start(WAIT);
        commands = KafkaGalleryCommands.start(kafka, "test-api", WAIT);
        enrollment = new EnrollmentService(commands, masterKeys, 10, WAIT);
        probe = new AdminClusterProbe(kafka, "facestream-worker");
        live = new LiveFeed(
                new EventRing(100),
                new SseHub(16, Duration.ofMillis(500)),
                new ThumbnailCache(10, 1 << 20),
                new CameraStats(),
                view::hides);
        view.onErasure(live::erase);
        MatcherProbe inProcess = new MatcherProbe() {
            @Override
            public Optional<String> state() {
                return Optional.of(matcher.state().name());
            }

            @Override
            public boolean holds(String subjectId) {
                return index.contains(subjectId);
            }
        };
        api = ApiServer.start(
                ApiSettings.defaults(0),
                new ApiServer.Collaborators(
                        view,
                        enrollment,
                        enroller::everyTemplate,
                        live,
                        ThresholdSource.fixed(
                                new ThresholdRef(PACK.defaultCosineThreshold(), 0, "fixed"), Instant.now()),
                        probe,
                        inProcess,
                        new MetricsRegistry(),
                        ApiKeys.single("admin-1", Role.ADMIN, ADMIN_KEY)));
        publisher = new GalleryPublisher(audit, masterKeys, view);
        Map<String, Object> pc = new HashMap<>(kafka);
        pc.put(ProducerConfig.ACKS_CONFIG, "all");
        raw = new KafkaProducer<>(pc, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> cc = new HashMap<>(kafka);
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        identities = new KafkaConsumer<>(cc, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = identities.partitionsFor(Topics.IDENTITIES).stream()
                .map(i -> new TopicPartition(i.topic(), i.partition()))
                .toList();
        identities.assign(tps);
        identities.seekToBeginning(tps);
        await("gallery view caught up", view::caughtUp);
    }

    private static MatcherConfig matcherConfig() {
        return new MatcherConfig(5, PACK.id(), PACK.embeddingDimension(), false);
    }

    /** The matcher as {@code facestream matcher} runs it (exactly once, RocksDB state in a directory), with a fresh index. */
    private static void startMatcher() {
        MatcherConfig cfg = matcherConfig();
        index = MatcherTopology.newIndex(cfg);
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "facestream-matcher");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        matcher = new KafkaStreams(
                MatcherTopology.build(new MatcherTopology.Spec(
                        cfg,
                        masterKeys,
                        ThresholdMode.fixed(PACK.defaultCosineThreshold()),
                        Tracking.PER_FACE,
                        metrics,
                        index,
                        Clock.systemUTC())),
                p);
        matcher.start();
        await("matcher running", () -> matcher.state() == KafkaStreams.State.RUNNING);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c :
                new AutoCloseable[] {api, commands, processor, view, audit, probe, raw, identities, live}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
        if (matcher != null) {
            matcher.close(Duration.ofSeconds(30));
        }
        if (analyzer != null) {
            analyzer.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    // (a) erasure through the API: unknown afterwards, gone from RocksDB, tombstones on both topics
    @Test
    void erasureThroughTheApiLeavesTheSubjectUnknownGoneFromTheStoreAndTombstonedOnBothTopics() throws Exception {
        HttpResponse<String> enrolled = upload("obama", "obama.jpg", photo("people/obama/obama.jpg"));
        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        await("matcher holds obama", () -> index.contains("obama"));
        IdentityEvent before = decide(probeEmbedding("probes/obama1.jpg"));
        assertThat(before.subjectId()).isEqualTo("obama");
        assertThat(before.score()).isGreaterThan(PACK.defaultCosineThreshold());
        String keyId = store().get("obama").keyId();
        assertThat(keyId).startsWith("dek-");

        HttpResponse<String> erased = send("DELETE", "/api/v1/subjects/obama");

        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(200);
        assertThat(json(erased).get("applied").asBoolean()).isTrue();
        assertThat(index.contains("obama")).isFalse();
        IdentityEvent after = decide(probeEmbedding("probes/obama1.jpg"));
        assertThat(after.subjectOrUnknown()).isEqualTo("unknown");
        assertThat(after.candidates())
                .extracting(IdentityEvent.Candidate::subjectId)
                .doesNotContain("obama");
        assertThat(store().get("obama"))
                .as("templates-by-subject no longer holds obama")
                .isNull();
        assertThat(lastValue(Topics.GALLERY, "obama"))
                .as("last gallery record of obama")
                .isEqualTo(Optional.empty());
        assertThat(lastValue(Topics.SUBJECT_KEYS, "obama"))
                .as("last key record of obama")
                .isEqualTo(Optional.empty());
        assertThat(send("GET", "/api/v1/subjects/obama").statusCode()).isEqualTo(404);
        // audited in the same transaction by the gallery processor: who, which key was destroyed, which command
        List<AuditRecord> trail = auditOf("obama");
        assertThat(trail)
                .extracting(AuditRecord::action)
                .containsExactly(AuditRecord.SUBJECT_ENROLLED, AuditRecord.SUBJECT_ERASED);
        assertThat(trail).extracting(AuditRecord::actor).containsOnly("api-key:admin-1");
        assertThat(trail.get(0).details()).containsEntry("key.id", keyId);
        assertThat(trail.get(1).details())
                .containsEntry("key.id", keyId)
                .containsEntry("via", "api")
                .containsEntry("found", "record")
                .hasEntrySatisfying("command", where -> assertThat(where).startsWith(Topics.GALLERY_COMMANDS + "-"));
        assertThat(json(erased).get("keyDestroyed").asText()).isEqualTo(keyId);
        assertThat(json(erased).get("audit").asText())
                .isEqualTo(trail.get(1).chainId() + "#" + trail.get(1).sequence());
    }

    // (b) crypto-shredding: a backup taken before erasure cannot be decrypted and does not bring the subject back
    @Test
    void aBackupTakenBeforeErasureStaysUndecryptableAndRestoringItDoesNotBringTheSubjectBack() throws Exception {
        enrollment.enroll(
                enroller.everyTemplate("biden", List.of(SharedData.face("people/biden/biden.jpg"))),
                null,
                Origin.of("user:test", "test"));
        await("matcher holds biden", () -> index.contains("biden"));
        assertThat(decide(probeEmbedding("people/biden/biden2.jpg")).subjectId())
                .isEqualTo("biden");
        byte[] backup = lastValue(Topics.GALLERY, "biden").orElseThrow(); // the bytes a topic backup holds
        SealedGalleryRecord sealed = EventSerdes.gallery().deserialize(Topics.GALLERY, backup);
        assertThat(SubjectKeySnapshot.read(kafka, WAIT).open(sealed, masterKeys).subjectId())
                .as("opens before erasure")
                .isEqualTo("biden");
        long refusedBefore = metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED);
        long destroyedBefore = metrics.keyDestructions();

        // the command line's erasure, by a named person
        assertThat(FaceStreamCli.execute(
                        "erase", "--bootstrap", broker.bootstrapServers(), "--subject", "biden", "--actor", "dpo"))
                .isZero();
        await(
                "matcher destroys biden's key",
                () -> metrics.keyDestructions() == destroyedBefore + 1 && !index.contains("biden"));
        AuditRecord erasure = auditOf("biden").getLast();
        assertThat(erasure.action()).isEqualTo(AuditRecord.SUBJECT_ERASED);
        assertThat(erasure.actor()).isEqualTo("user:dpo");
        assertThat(erasure.details())
                .containsEntry("via", "cli")
                .containsEntry("key.id", sealed.keyId())
                .containsEntry("templates", "1")
                .containsEntry("model.pack", PACK.id());

        assertThatThrownBy(() -> SubjectKeySnapshot.read(kafka, WAIT).open(sealed, masterKeys))
                .isInstanceOf(DecryptionException.class)
                .hasMessage("gallery record of subject biden is sealed under data key " + sealed.keyId()
                        + ", and facestream.subject-keys.v1 holds no"
                        + " key for the subject: destroyed by erasure (or never written), so it cannot be decrypted");
        raw.send(new ProducerRecord<>(Topics.GALLERY, "biden", backup))
                .get(30, TimeUnit.SECONDS); // the restored backup
        await(
                "restored copy refused",
                () -> metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED) == refusedBefore + 1);
        assertThat(index.contains("biden")).isFalse();
        assertThat(store().get("biden")).isNull();
        assertThat(decide(probeEmbedding("people/biden/biden2.jpg")).subjectOrUnknown())
                .isEqualTo("unknown");
        assertThat(view.subject("biden")).as("the API does not list it either").isEmpty();
    }

    // (c) tampered, moved and keyless records are refused and counted; the stream goes on
    @Test
    void tamperedMovedAndKeylessRecordsAreRefusedAndCountedWhileTheStreamGoesOn() throws Exception {
        for (String[] s : new String[][] {
            {"kit", "people/kit_harington/john1.jpeg"},
            {"lin", "people/lin_manuel_miranda/lin-manuel-miranda.png"},
            {"alex", "people/alex_lacamoire/alex-lacamoire.png"}
        }) {
            publish(enroller.enroll(s[0], List.of(SharedData.face(s[1]))));
        }
        await(
                "matcher holds kit, lin, alex",
                () -> index.contains("kit") && index.contains("lin") && index.contains("alex"));
        long failed = metrics.gallerySkipped(DeadLetters.Reason.DECRYPTION_FAILED);
        long mismatched = metrics.gallerySkipped(DeadLetters.Reason.SUBJECT_KEY_MISMATCH);
        long awaiting = metrics.galleryAwaitingKey();
        SealedGalleryRecord lin = EventSerdes.gallery()
                .deserialize(Topics.GALLERY, lastValue(Topics.GALLERY, "lin").orElseThrow());
        SealedGalleryRecord alex = EventSerdes.gallery()
                .deserialize(Topics.GALLERY, lastValue(Topics.GALLERY, "alex").orElseThrow());

        byte[] flipped = lin.ciphertext();
        flipped[flipped.length / 3] ^= 0x01;
        write(
                "lin",
                new SealedGalleryRecord(
                        "lin",
                        lin.modelPackId(),
                        lin.dimension(),
                        lin.templateCount(),
                        lin.enrolledAt(),
                        lin.cipher(),
                        lin.keyId(),
                        lin.nonce(),
                        flipped));
        // the refusal is counted just before the subject leaves the index: await both, not the count alone
        await(
                "tampered record refused",
                () -> metrics.gallerySkipped(DeadLetters.Reason.DECRYPTION_FAILED) == failed + 1
                        && !index.contains("lin"));

        write("lin", alex); // alex's ciphertext under lin's key
        await(
                "moved record refused",
                () -> metrics.gallerySkipped(DeadLetters.Reason.SUBJECT_KEY_MISMATCH) == mismatched + 1);
        write(
                "lin",
                new SealedGalleryRecord(
                        "lin",
                        alex.modelPackId(),
                        alex.dimension(),
                        alex.templateCount(),
                        alex.enrolledAt(),
                        alex.cipher(),
                        lin.keyId(),
                        alex.nonce(),
                        alex.ciphertext())); // relabelled as lin's, under lin's key id
        await(
                "relabelled record refused",
                () -> metrics.gallerySkipped(DeadLetters.Reason.DECRYPTION_FAILED) == failed + 2);

        GalleryRecord ghost = enroller.enroll("ghost", List.of(SharedData.face("people/rose_leslie/img1.jpg")));
        write("ghost", new GalleryCipher().seal(ghost, SubjectKey.generate("ghost"))); // its key is never written
        await("keyless record waits", () -> metrics.galleryAwaitingKey() == awaiting + 1);

        assertThat(index.contains("lin")).isFalse();
        assertThat(index.contains("ghost")).isFalse();
        assertThat(store().get("lin")).isNull();
        assertThat(decide(probeEmbedding("people/lin_manuel_miranda/lin-manuel-miranda.png"))
                        .subjectOrUnknown())
                .isEqualTo("unknown");
        assertThat(decide(probeEmbedding("people/rose_leslie/img2.jpg")).subjectOrUnknown())
                .isEqualTo("unknown");
        // the stream goes on: the subjects nobody tampered with still match
        assertThat(decide(probeEmbedding("probes/johnsnow_test1.jpg")).subjectId())
                .isEqualTo("kit");
        assertThat(decide(probeEmbedding("probes/alex_lacamoire1.jpg")).subjectId())
                .isEqualTo("alex");
        assertThat(matcher.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    // the RocksDB files hold the ciphertext, never the embedding's bytes; a restart restores the gallery and re-reads
    // the keys
    @Test
    void theRocksDbFilesOfTheStoreHoldCiphertextButNotThePlaintextEmbedding() throws Exception {
        GalleryRecord penny = enroller.enroll("penny", List.of(SharedData.face("people/bbt_penny/penny1.png")));
        publish(penny);
        await("matcher holds penny", () -> index.contains("penny"));
        SealedGalleryRecord stored = store().get("penny");
        // a running store keeps recent writes in RocksDB's memtable; closing flushes it, as before a copy or backup of
        // the directory
        matcher.close(Duration.ofSeconds(30));

        // the ciphertext as the store's JSON holds it (a positive control: the search does see the store's content)
        byte[] ciphertextText = Base64.getEncoder()
                .encodeToString(stored.ciphertext())
                .substring(0, 64)
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(stateFilesContaining(ciphertextText))
                .isNotEmpty()
                .allSatisfy(f -> assertThat(f.toString()).contains(GalleryStoreNames.TEMPLATES_BY_SUBJECT));
        float[] embedding = penny.templates().get(0).embedding();
        assertThat(stateFilesContaining(Bytes.littleEndian(embedding, 4)))
                .as("little-endian floats")
                .isEmpty();
        assertThat(stateFilesContaining(Bytes.bigEndian(embedding, 4)))
                .as("big-endian floats")
                .isEmpty();
        String asJson = Json.MAPPER.writeValueAsString(new float[] {embedding[0], embedding[1]});
        assertThat(stateFilesContaining(asJson.substring(1, asJson.length() - 1).getBytes(StandardCharsets.US_ASCII)))
                .as("the embedding as JSON text")
                .isEmpty();
        assertThat(stateFilesContaining("penny1.png".getBytes(StandardCharsets.US_ASCII)))
                .as("the template's source")
                .isEmpty();
        try (var files = Files.walk(dir.resolve("state"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .as("keys are never on the matcher's disk")
                    .doesNotContain(GalleryStoreNames.KEYS_BY_SUBJECT);
        }

        startMatcher(); // the sealed records come back from RocksDB, the keys from the key topic
        await("restarted matcher holds penny", () -> index.contains("penny"));
        assertThat(decide(probeEmbedding("people/bbt_penny/penny2.png")).subjectId())
                .isEqualTo("penny");
    }

    // an enrollment whose transaction aborts after the new subject's key was sent leaves no key, record or audit record
    @Test
    void anEnrollmentThatAbortsAfterItsKeyWasSentLeavesNoKeyNoRecordAndNoAuditRecord() throws Exception {
        GalleryRecord howard = enroller.enroll("howard", List.of(SharedData.face("people/bbt_howard/howard1.png")));
        // the key record goes first and is acknowledged; the sealed record is far over the producer's 1 MiB request
        // limit
        List<org.facestream.events.Template> many =
                java.util.Collections.nCopies(600, howard.templates().get(0));
        GalleryRecord tooLarge = new GalleryRecord("howard", "howard", many, howard.modelPackId(), howard.enrolledAt());
        assertThatThrownBy(() -> publish(tooLarge))
                .isInstanceOf(AuditLog.AuditWriteException.class)
                .hasMessageContaining("max.request.size")
                .hasMessageEndingWith("; nothing was written");

        assertThat(SubjectKeySnapshot.read(kafka, WAIT).current("howard"))
                .as("the aborted key is invisible to read_committed readers")
                .isEmpty();
        assertThat(auditOf("howard"))
                .as("no audit record of an enrollment that did not happen")
                .isEmpty();
        GalleryPublisher.Publication p = publisher.publish(howard, Galleries.enrolled(howard));
        assertThat(p.keyRecord())
                .as("the next enrollment makes (and writes) a key: the aborted one was never remembered")
                .isNotNull();
        await("matcher holds howard", () -> index.contains("howard"));
        assertThat(decide(probeEmbedding("people/bbt_howard/howard2.png")).subjectId())
                .isEqualTo("howard");
        assertThat(auditOf("howard"))
                .singleElement()
                .satisfies(a -> assertThat(a.details())
                        .containsEntry("key.id", store().get("howard").keyId())
                        .containsEntry(
                                "subject-key",
                                Topics.SUBJECT_KEYS + "-" + p.keyRecord().partition() + "@"
                                        + p.keyRecord().offset()));
    }

    // ---- helpers ----

    private static void publish(GalleryRecord record) {
        publisher.publish(record, Galleries.enrolled(record));
    }

    /** The audit records about {@code subject}, in topic order. */
    private static List<AuditRecord> auditOf(String subject) {
        List<AuditRecord> out = new ArrayList<>();
        AuditTopic.readAll(kafka, Topics.AUDIT, r -> {
            AuditRecord a = EventSerdes.audit().deserialize(r.topic(), r.value());
            if (subject.equals(a.subject())) {
                out.add(a);
            }
        });
        return out;
    }

    /** Files of the matcher's state directory that contain {@code needle}; RocksDB may delete a file mid-walk, then walk again. */
    private static List<Path> stateFilesContaining(byte[] needle) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Bytes.filesContaining(dir.resolve("state"), needle);
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                if (attempt == 5) {
                    throw new AssertionError("cannot read the state directory", e);
                }
            }
        }
    }

    private static void write(String key, SealedGalleryRecord value) throws Exception {
        raw.send(new ProducerRecord<>(Topics.GALLERY, key, EventSerdes.gallery().serialize(Topics.GALLERY, value)))
                .get(30, TimeUnit.SECONDS);
    }

    private static ReadOnlyKeyValueStore<String, SealedGalleryRecord> store() {
        return matcher.store(StoreQueryParameters.fromNameAndType(
                GalleryStoreNames.TEMPLATES_BY_SUBJECT, QueryableStoreTypes.keyValueStore()));
    }

    private static byte[] photo(String relative) throws Exception {
        return Files.readAllBytes(SharedData.face(relative));
    }

    /** The embedding of the one face in a photo, through the production path. */
    private static float[] probeEmbedding(String relative) throws Exception {
        return enroller.template(relative, photo(relative)).embedding();
    }

    /** Sends an observation with {@code embedding} and waits for the matcher's decision on it. */
    private static IdentityEvent decide(float[] embedding) {
        long seq = sequence.incrementAndGet();
        Instant now = Instant.now();
        FaceObservation o = new FaceObservation(
                FaceObservation.idOf(CAMERA, seq, 0),
                CAMERA,
                seq,
                0,
                now,
                now,
                640,
                480,
                new BoundingBox(200, 100, 120, 150),
                new float[] {240, 160, 290, 160, 265, 190, 245, 215, 285, 215},
                enrollerQuality(),
                embedding,
                PACK.id(),
                null);
        try {
            raw.send(new ProducerRecord<>(
                            Topics.FACES, CAMERA, EventSerdes.faces().serialize(Topics.FACES, o)))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot write the probe", e);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!decided.containsKey(o.observationId())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no identity event for " + o.observationId() + " within " + WAIT.toSeconds()
                        + " s; matcher " + metrics);
            }
            for (ConsumerRecord<String, byte[]> r : identities.poll(Duration.ofMillis(100))) {
                IdentityEvent e = EventSerdes.identities().deserialize(r.topic(), r.value());
                decided.put(e.id(), e);
            }
        }
        return decided.get(o.observationId());
    }

    private static org.facestream.events.FaceQuality enrollerQuality() {
        return new org.facestream.events.FaceQuality(0.9f, 60, 300, 0, 0, 20);
    }

    /** The value of the last record of {@code key} on {@code topic} (empty for a tombstone), read from the beginning. */
    private static Optional<byte[]> lastValue(String topic, String key) {
        Map<String, Object> cc = new HashMap<>(kafka);
        cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<byte[]> values = new ArrayList<>();
        boolean seen = false;
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(cc, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        seen = true;
                        values.add(r.value());
                    }
                }
            }
        }
        assertThat(seen).as("a record of %s on %s", key, topic).isTrue();
        return Optional.ofNullable(values.get(values.size() - 1));
    }

    private static HttpResponse<String> upload(String subject, String filename, byte[] image) throws Exception {
        String boundary = "----erasure-test";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"" + filename
                        + "\"\r\n" + "Content-Type: image/jpeg\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + image.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(image, 0, body, head.length, image.length);
        System.arraycopy(tail, 0, body, head.length + image.length, tail.length);
        return HTTP.send(
                HttpRequest.newBuilder(uri("/api/v1/subjects/" + subject + "/faces"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    private static void await(String what, BooleanSupplier condition) {
        try {
            Await.until(what, WAIT, condition::getAsBoolean);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; matcher " + metrics, e);
        }
    }
}
