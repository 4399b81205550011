package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.facestream.crypto.SealedPayloads;
import org.facestream.events.BoundingBox;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.Json;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.Template;
import org.facestream.events.ThresholdRef;
import org.facestream.events.Topics;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GalleryStoreNames;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.BadBytes;
import org.facestream.testing.Embeddings;
import org.facestream.testing.GalleryKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The matcher topology on {@link TopologyTestDriver}, configured as in production (EOS v2, RocksDB). */
class MatcherTopologyTest {
    private static final String PACK = "yunet-mobilefacenet-512";
    private static final int D = Embeddings.DIMENSION;
    private static final double THRESHOLD = 0.35;
    private static final Instant NOW = Instant.parse("2025-03-01T12:00:05Z");
    private static final Instant CAPTURED = Instant.parse("2025-03-01T12:00:00Z");
    private static final FaceQuality QUALITY = new FaceQuality(0.93f, 58, 140, -4, 2, 22.5f);
    private static final BoundingBox BOX = new BoundingBox(410, 120, 96, 118);

    @TempDir
    Path stateDir;

    @TempDir
    Path restartDir;

    private final Random random = new Random(7);
    private final float[] alice = Embeddings.unit(random, D);
    private final float[] bob = Embeddings.unit(random, D);
    private final MatcherConfig cfg = MatcherConfig.of(PACK);
    private final GalleryKeys keys = new GalleryKeys();

    private MetricsRegistry registry;
    private MatcherMetrics metrics;
    private GalleryIndex index;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> gallery;
    private TestInputTopic<String, byte[]> subjectKeys;
    private TestInputTopic<String, byte[]> faces;
    private TestOutputTopic<String, IdentityEvent> identities;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private long sequence;

    @BeforeEach
    void start() {
        open(stateDir);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private void open(Path dir) {
        registry = new MetricsRegistry();
        metrics = new MatcherMetrics(registry);
        index = MatcherTopology.newIndex(cfg);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "facestream-matcher");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        driver = new TopologyTestDriver(
                MatcherTopology.build(new MatcherTopology.Spec(
                        cfg,
                        keys.masterKeys(),
                        ThresholdMode.fixed(THRESHOLD),
                        Tracking.PER_FACE,
                        metrics,
                        index,
                        Clock.fixed(NOW, ZoneOffset.UTC))),
                props);
        gallery = driver.createInputTopic(Topics.GALLERY, new StringSerializer(), new ByteArraySerializer());
        subjectKeys = driver.createInputTopic(Topics.SUBJECT_KEYS, new StringSerializer(), new ByteArraySerializer());
        faces = driver.createInputTopic(Topics.FACES, new StringSerializer(), new ByteArraySerializer());
        identities = driver.createOutputTopic(Topics.IDENTITIES, new StringDeserializer(), EventSerdes.identities());
        deadLetters =
                driver.createOutputTopic(Topics.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void enroll(String subjectId, String pack, float[]... embeddings) {
        List<Template> templates = new ArrayList<>();
        for (int i = 0; i < embeddings.length; i++) {
            templates.add(new Template(embeddings[i], subjectId + "/" + i + ".jpg", QUALITY));
        }
        GalleryRecord record = new GalleryRecord(subjectId, subjectId, templates, pack, CAPTURED);
        // as the writer does: the subject's data key first, then the record sealed under it
        subjectKeys.pipeInput(subjectId, keys.keyBytes(subjectId));
        gallery.pipeInput(subjectId, keys.sealedBytes(record));
    }

    private FaceObservation observation(float[] embedding, String pack) {
        long seq = ++sequence;
        float[] landmarks = {440, 160, 480, 160, 460, 185, 444, 210, 476, 210};
        return new FaceObservation(
                FaceObservation.idOf("cam-3", seq, 0),
                "cam-3",
                seq,
                0,
                CAPTURED,
                CAPTURED.plusMillis(40),
                1280,
                720,
                BOX,
                landmarks,
                QUALITY,
                embedding,
                pack,
                null);
    }

    private FaceObservation observe(float[] embedding) {
        FaceObservation o = observation(embedding, PACK);
        faces.pipeInput("cam-3", EventSerdes.faces().serialize(Topics.FACES, o));
        return o;
    }

    private static String header(TestRecord<?, ?> record, String name) {
        return DeadLetters.header(record.headers(), name);
    }

    @Test
    void emitsUnknownWhenBestScoreBelowThreshold() {
        enroll("alice", PACK, alice);
        enroll("bob", PACK, bob);

        FaceObservation o = observe(Embeddings.atCosine(alice, 0.2, random));

        TestRecord<String, IdentityEvent> out = identities.readRecord();
        IdentityEvent e = out.value();
        assertThat(out.key()).isEqualTo("cam-3");
        assertThat(e.id()).isEqualTo(o.observationId());
        assertThat(e.subjectId()).isNull();
        assertThat(e.subjectOrUnknown()).isEqualTo("unknown");
        assertThat(e.score()).isCloseTo(0.2, within(1e-5));
        assertThat(e.bestCandidateId()).isEqualTo("alice");
        assertThat(e.threshold()).isEqualTo(new ThresholdRef(THRESHOLD, 0, "fixed"));
        assertThat(e.candidates())
                .extracting(IdentityEvent.Candidate::subjectId)
                .containsExactly("alice", "bob");
        assertThat(e.galleryVersion()).isEqualTo(2);
        assertThat(e.decidedAt()).isEqualTo(NOW);
        assertThat(e.capturedAt()).isEqualTo(CAPTURED);
        assertThat(e.box()).isEqualTo(BOX);
        assertThat(e.quality()).isEqualTo(QUALITY);
        assertThat(e.modelPackId()).isEqualTo(PACK);
        assertThat(identities.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metrics.unknowns()).isEqualTo(1);
        assertThat(metrics.matches()).isZero();
    }

    @Test
    void emitsSubjectWhenBestScoreAboveThreshold() {
        enroll("alice", PACK, Embeddings.unit(random, D), alice);
        enroll("bob", PACK, bob);
        for (int s = 0; s < 6; s++) {
            enroll("extra-" + s, PACK, Embeddings.unit(random, D));
        }

        FaceObservation o = observe(Embeddings.atCosine(alice, 0.6, random));

        IdentityEvent e = identities.readValue();
        assertThat(e.id()).isEqualTo(o.observationId());
        assertThat(e.subjectId()).isEqualTo("alice");
        assertThat(e.score()).isCloseTo(0.6, within(1e-5));
        assertThat(e.bestCandidateId()).isEqualTo("alice");
        assertThat(e.candidates()).hasSize(MatcherConfig.DEFAULT_TOP_K);
        assertThat(e.candidates().get(0)).isEqualTo(new IdentityEvent.Candidate("alice", e.score()));
        assertThat(e.candidates().get(1).score()).isBetween(-0.25, 0.25);
        assertThat(e.galleryVersion()).isEqualTo(8);
        assertThat(metrics.matches()).isEqualTo(1);
        assertThat(metrics.gallerySubjects()).isEqualTo(8);
        assertThat(metrics.galleryTemplates()).isEqualTo(9);
    }

    @Test
    void emitsUnknownWithScoreMinusOneAgainstAnEmptyGallery() {
        observe(alice);

        IdentityEvent e = identities.readValue();
        assertThat(e.subjectId()).isNull();
        assertThat(e.score()).isEqualTo(-1);
        assertThat(e.bestCandidateId()).isNull();
        assertThat(e.candidates()).isEmpty();
        assertThat(e.galleryVersion()).isZero();
    }

    @Test
    void tombstoneErasesSubject() {
        enroll("alice", PACK, alice);
        enroll("bob", PACK, bob);
        float[] probe = Embeddings.atCosine(alice, 0.7, random);
        observe(probe);
        assertThat(identities.readValue().subjectId()).isEqualTo("alice");

        gallery.pipeInput("alice", (byte[]) null);
        observe(probe);

        IdentityEvent after = identities.readValue();
        assertThat(after.subjectId()).isNull();
        assertThat(after.bestCandidateId()).isEqualTo("bob");
        assertThat(after.score()).isBetween(-0.25, 0.25);
        assertThat(after.galleryVersion()).isEqualTo(3);
        KeyValueStore<String, SealedGalleryRecord> store =
                driver.getKeyValueStore(GalleryStoreNames.TEMPLATES_BY_SUBJECT);
        assertThat(store.get("alice")).isNull();
        assertThat(store.get("bob").subjectId()).isEqualTo("bob");
        assertThat(metrics.galleryErasures()).isEqualTo(1);
        assertThat(metrics.gallerySubjects()).isEqualTo(1);
    }

    /**
     * The matcher's bad-input catalogue: every bad observation is dead-lettered with its reason and source in
     * headers and counted (in {@link MatcherMetrics} and in {@code facestream_deadletter_total{reason}}), every
     * bad gallery record is skipped and counted, and the good record after it is still decided.
     */
    @Nested
    @Tag("fault")
    class BadInput {
        @Test
        void deadLettersObservationFromUnknownModelPack() {
            enroll("alice", PACK, alice);
            FaceObservation foreign = observation(alice, "scrfd-arcface-r50");
            byte[] bytes = EventSerdes.faces().serialize(Topics.FACES, foreign);

            faces.pipeInput("cam-3", bytes);
            observe(alice);

            TestRecord<byte[], byte[]> dl = deadLetters.readRecord();
            assertThat(dl.value()).isEqualTo(bytes);
            assertThat(new String(dl.key(), StandardCharsets.UTF_8)).isEqualTo("cam-3");
            assertDeadLetter(dl, "model-pack-mismatch", 0);
            assertThat(header(dl, DeadLetters.HEADER_DETAIL))
                    .isEqualTo(
                            "expected model pack yunet-mobilefacenet-512, found scrfd-arcface-r50 on observation cam-3/1/0");
            assertThat(header(dl, DeadLetters.HEADER_STAGE)).isEqualTo("matcher");
            assertCounted("model-pack-mismatch", 1);
            assertThat(metrics.observations()).isEqualTo(2);
            assertGoodOnesDecided("alice");
        }

        @Test
        void deadLettersObservationOfAnotherDimension() {
            enroll("alice", PACK, alice);

            observe(Embeddings.unit(random, 128));
            observe(alice);

            TestRecord<byte[], byte[]> dl = deadLetters.readRecord();
            assertDeadLetter(dl, "embedding-dimension-mismatch", 0);
            assertThat(header(dl, DeadLetters.HEADER_DETAIL))
                    .isEqualTo("expected embedding length 512, found 128 on observation cam-3/1/0");
            assertCounted("embedding-dimension-mismatch", 1);
            assertGoodOnesDecided("alice");
        }

        @Test
        void deadLettersNanAndInfiniteEmbeddingsAsEmbeddingNotFinite() throws IOException {
            enroll("alice", PACK, alice);
            byte[] valid = EventSerdes.faces().serialize(Topics.FACES, observation(alice, PACK));
            byte[] nan =
                    withEmbeddingValue(valid, 7, Json.MAPPER.getNodeFactory().textNode("NaN"));
            byte[] inf =
                    withEmbeddingValue(valid, 0, Json.MAPPER.getNodeFactory().textNode("-Infinity"));
            byte[] overflow = withEmbeddingValue(
                    valid, 511, Json.MAPPER.getNodeFactory().numberNode(new java.math.BigDecimal("1e39")));

            faces.pipeInput("cam-3", nan);
            faces.pipeInput("cam-3", inf);
            faces.pipeInput("cam-3", overflow);
            observe(alice);

            List<TestRecord<byte[], byte[]>> dls = deadLetters.readRecordsToList();
            assertThat(dls).hasSize(3);
            assertDeadLetter(dls.get(0), "embedding-not-finite", 0);
            assertThat(header(dls.get(0), DeadLetters.HEADER_DETAIL))
                    .contains("expected finite embedding values, found NaN at index 7");
            assertDeadLetter(dls.get(1), "embedding-not-finite", 1);
            assertThat(header(dls.get(1), DeadLetters.HEADER_DETAIL)).contains("found -Infinity at index 0");
            assertDeadLetter(dls.get(2), "embedding-not-finite", 2);
            assertThat(header(dls.get(2), DeadLetters.HEADER_DETAIL)).contains("found Infinity at index 511");
            assertThat(dls.get(0).value()).isEqualTo(nan);
            assertCounted("embedding-not-finite", 3);
            assertGoodOnesDecided("alice");
        }

        @Test
        void deadLettersNanLandmarksAsDeserializationFailedNotAsABadEmbedding() throws IOException {
            enroll("alice", PACK, alice);
            byte[] valid = EventSerdes.faces().serialize(Topics.FACES, observation(alice, PACK));
            ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(valid);
            ((ArrayNode) tree.get("landmarks"))
                    .set(3, Json.MAPPER.getNodeFactory().textNode("NaN"));

            faces.pipeInput("cam-3", Json.MAPPER.writeValueAsBytes(tree));
            observe(alice);

            TestRecord<byte[], byte[]> dl = deadLetters.readRecord();
            assertDeadLetter(dl, "deserialization-failed", 0);
            assertThat(header(dl, DeadLetters.HEADER_DETAIL))
                    .contains("expected finite landmarks values, found NaN at index 3");
            assertCounted("deserialization-failed", 1);
            assertGoodOnesDecided("alice");
        }

        @Test
        void deadLettersAnEmbeddingOfZeros() {
            enroll("alice", PACK, alice);

            observe(new float[D]);
            observe(alice);

            TestRecord<byte[], byte[]> dl = deadLetters.readRecord();
            assertDeadLetter(dl, "embedding-zero-norm", 0);
            assertThat(header(dl, DeadLetters.HEADER_DETAIL))
                    .isEqualTo("expected a non-zero embedding, found all zeros on observation cam-3/1/0");
            assertCounted("embedding-zero-norm", 1);
            assertGoodOnesDecided("alice");
        }

        @Test
        void deadLettersBytesThatDoNotDeserialize() {
            enroll("alice", PACK, alice);
            observe(alice); // offset 0, readable
            byte[] garbage = "{\"observationId\": \"cam-3/9/0\", \"embedding\": [".getBytes(StandardCharsets.UTF_8);

            faces.pipeInput("cam-3", garbage); // offset 1
            faces.pipeInput("cam-3", (byte[]) null); // offset 2: a null value is no observation either
            observe(alice); // offset 3: the matcher keeps going

            assertThat(identities.readValuesToList())
                    .extracting(IdentityEvent::subjectId)
                    .containsExactly("alice", "alice");
            TestRecord<byte[], byte[]> dl = deadLetters.readRecord();
            assertThat(dl.value()).isEqualTo(garbage);
            assertDeadLetter(dl, "deserialization-failed", 1);
            assertThat(header(dl, DeadLetters.HEADER_DETAIL))
                    .startsWith("expected a FaceObservation on facestream.faces.v1");
            TestRecord<byte[], byte[]> empty = deadLetters.readRecord();
            assertDeadLetter(empty, "deserialization-failed", 2);
            assertThat(header(empty, DeadLetters.HEADER_DETAIL))
                    .isEqualTo("expected a FaceObservation on facestream.faces.v1, found a null value");
            assertThat(deadLetters.isEmpty()).isTrue();
            assertCounted("deserialization-failed", 2);
            assertThat(metrics.observations()).isEqualTo(4);
        }

        @Test
        void deadLettersAThumbnailThatIsNotBase64() throws IOException {
            enroll("alice", PACK, alice);
            ObjectNode tree = (ObjectNode)
                    Json.MAPPER.readTree(EventSerdes.faces().serialize(Topics.FACES, observation(alice, PACK)));
            tree.put("thumbnailJpeg", "%%% not base64 %%%");

            faces.pipeInput("cam-3", Json.MAPPER.writeValueAsBytes(tree));
            observe(alice);

            TestRecord<byte[], byte[]> dl = deadLetters.readRecord();
            assertDeadLetter(dl, "deserialization-failed", 0);
            assertThat(header(dl, DeadLetters.HEADER_DETAIL)).contains("base64");
            assertCounted("deserialization-failed", 1);
            assertGoodOnesDecided("alice");
        }

        /**
         * A property loop through the topology: random, truncated, flipped and mutated observation bytes, each
         * followed by a good observation. Every bad one is dead-lettered at its own offset (or, when a mutation
         * still makes a valid observation, decided), and every good one is decided.
         */
        @Test
        void everyMutatedObservationIsDeadLetteredAtItsOffsetOrDecidedAndTheGoodOnesStillMatch() {
            enroll("alice", PACK, alice);
            byte[] valid = EventSerdes.faces()
                    .serialize(Topics.FACES, observation(Embeddings.atCosine(alice, 0.7, random), PACK));
            List<BadBytes.Input> bad = new ArrayList<>(BadBytes.around(valid, 21, 150, 200));
            bad.addAll(BadBytes.jsonMutations(valid));
            long offset = 0;
            java.util.Map<Long, BadBytes.Input> badAt = new java.util.HashMap<>();
            for (BadBytes.Input b : bad) {
                badAt.put(offset++, b);
                faces.pipeInput("cam-3", b.bytes());
                observe(alice);
                offset++;
            }

            List<TestRecord<byte[], byte[]>> dls = deadLetters.readRecordsToList();
            List<IdentityEvent> events = identities.readValuesToList();
            java.util.Set<String> reasons = new java.util.TreeSet<>();
            for (TestRecord<byte[], byte[]> dl : dls) {
                long at = Long.parseLong(header(dl, DeadLetters.HEADER_OFFSET));
                assertThat(badAt)
                        .as("dead letter at offset %d is one of the bad inputs", at)
                        .containsKey(at);
                assertThat(dl.value()).isEqualTo(badAt.get(at).bytes());
                assertThat(header(dl, DeadLetters.HEADER_TOPIC)).isEqualTo(Topics.FACES);
                reasons.add(header(dl, DeadLetters.HEADER_REASON));
            }
            assertThat(reasons)
                    .isSubsetOf(
                            "deserialization-failed",
                            "embedding-not-finite",
                            "embedding-dimension-mismatch",
                            "model-pack-mismatch",
                            "embedding-zero-norm");
            assertThat(reasons).contains("deserialization-failed", "embedding-not-finite");
            assertThat(MatcherMetrics.OBSERVATION_REASONS)
                    .as("every reason was exported at zero from start")
                    .extracting(DeadLetters.Reason::code)
                    .containsAll(reasons);
            assertThat(dls.size() + events.size())
                    .as("every record decided or dead-lettered")
                    .isEqualTo(2 * bad.size());
            assertThat(events.stream()
                            .filter(e -> "alice".equals(e.subjectId()))
                            .count())
                    .isGreaterThanOrEqualTo(bad.size());
            assertThat(metrics.deadLetters()).isEqualTo(dls.size());
            assertThat(registry.total("deadletter_total")).isEqualTo(dls.size());
            assertThat(metrics.deadLetters(DeadLetters.Reason.MATCH_FAILED)).isZero();
            assertThat(dls.size()).isGreaterThan(bad.size() * 3 / 4);
        }

        @Test
        void badGalleryRecordIsSkippedAndCounted() {
            enroll("alice", PACK, alice);
            enroll("eve", PACK, Embeddings.unit(random, D));

            gallery.pipeInput("mallory", "not a gallery record".getBytes(StandardCharsets.UTF_8));
            enroll("trent", "scrfd-arcface-r50", Embeddings.unit(random, D));
            enroll("victor", PACK, Embeddings.unit(random, 128));
            // A usable record superseded by an unusable one: the subject is erased, as it will be after compaction.
            gallery.pipeInput("eve", new byte[] {1, 2, 3});
            observe(Embeddings.atCosine(alice, 0.5, random));

            assertThat(metrics.gallerySkipped(DeadLetters.Reason.DESERIALIZATION_FAILED))
                    .isEqualTo(2);
            assertThat(metrics.gallerySkipped(DeadLetters.Reason.MODEL_PACK_MISMATCH))
                    .isEqualTo(1);
            assertThat(metrics.gallerySkipped(DeadLetters.Reason.EMBEDDING_DIMENSION_MISMATCH))
                    .isEqualTo(1);
            assertThat(registry.byLabel("matcher_gallery_skipped_total"))
                    .containsEntry("reason=\"deserialization-failed\"", 2L)
                    .containsEntry("reason=\"model-pack-mismatch\"", 1L)
                    .containsEntry("reason=\"embedding-dimension-mismatch\"", 1L);
            assertThat(metrics.galleryUpserts()).isEqualTo(2);
            assertThat(metrics.gallerySubjects()).isEqualTo(1);
            assertThat(index.contains("eve")).isFalse();
            KeyValueStore<String, SealedGalleryRecord> store =
                    driver.getKeyValueStore(GalleryStoreNames.TEMPLATES_BY_SUBJECT);
            try (var all = store.all()) {
                assertThat(all).toIterable().extracting(kv -> kv.key).containsExactly("alice");
            }
            IdentityEvent e = identities.readValue();
            assertThat(e.subjectId()).isEqualTo("alice");
            assertThat(e.score()).isCloseTo(0.5, within(1e-5));
            assertThat(e.candidates())
                    .extracting(IdentityEvent.Candidate::subjectId)
                    .containsExactly("alice");
        }

        /**
         * Templates that are NaN, of mixed length, not unit length, not numbers, or none: they are inside the
         * ciphertext, so only a writer holding the subject's key can make them. Sealed under bob's key they
         * authenticate, and are refused when the opened payload does not make a valid record: {@code
         * GalleryCipher.open} reports that as an {@code InvalidPayloadException}, counted as {@code invalid-record}
         * (a broken writer, apart from tampering). The same record as plaintext JSON (the pre-encryption format) and a
         * truncated sealed record do not read as a {@code SealedGalleryRecord}: {@code deserialization-failed}.
         * Each erases the subject it supersedes.
         */
        @Test
        void galleryRecordsWithMalformedTemplatesAreSkippedCountedAndErased() throws IOException {
            enroll("alice", PACK, alice);
            GalleryRecord record =
                    new GalleryRecord("bob", "bob", List.of(new Template(bob, "bob.jpg", QUALITY)), PACK, CAPTURED);
            byte[] payload = SealedPayloads.payload(record);
            ObjectNode nan = (ObjectNode) Json.MAPPER.readTree(payload);
            ((ArrayNode) nan.at("/templates/0/embedding"))
                    .set(5, Json.MAPPER.getNodeFactory().textNode("NaN"));
            ObjectNode unnormalised = (ObjectNode) Json.MAPPER.readTree(payload);
            ArrayNode e = (ArrayNode) unnormalised.at("/templates/0/embedding");
            for (int i = 0; i < e.size(); i++) {
                e.set(i, Json.MAPPER.getNodeFactory().numberNode(e.get(i).floatValue() * 2));
            }
            ObjectNode mixed = (ObjectNode) Json.MAPPER.readTree(payload);
            ObjectNode second = ((ObjectNode) mixed.at("/templates/0")).deepCopy();
            ((ArrayNode) second.get("embedding")).remove(0);
            ((ArrayNode) mixed.get("templates")).add(second);
            ObjectNode base64 = (ObjectNode) Json.MAPPER.readTree(payload);
            ((ObjectNode) base64.at("/templates/0")).put("embedding", "AAAAPwAAAD8=");
            ObjectNode none = (ObjectNode) Json.MAPPER.readTree(payload);
            none.putArray("templates");
            java.util.Map<String, byte[]> sealedBad = new java.util.LinkedHashMap<>();
            sealedBad.put("NaN", keys.sealedBytes(record, Json.MAPPER.writeValueAsBytes(nan)));
            sealedBad.put("unnormalised", keys.sealedBytes(record, Json.MAPPER.writeValueAsBytes(unnormalised)));
            sealedBad.put("mixed lengths", keys.sealedBytes(record, 2, Json.MAPPER.writeValueAsBytes(mixed)));
            sealedBad.put("base64", keys.sealedBytes(record, Json.MAPPER.writeValueAsBytes(base64)));
            sealedBad.put("no templates", keys.sealedBytes(record, Json.MAPPER.writeValueAsBytes(none)));
            sealedBad.put(
                    "truncated payload",
                    keys.sealedBytes(record, java.util.Arrays.copyOf(payload, payload.length / 2)));
            sealedBad.put("declares 2 templates, holds 1", keys.sealedBytes(record, 2, payload));
            byte[] sealed = keys.sealedBytes(record);
            java.util.Map<String, byte[]> unreadable = new java.util.LinkedHashMap<>();
            unreadable.put("plaintext GalleryRecord JSON", Json.MAPPER.writeValueAsBytes(record));
            unreadable.put("truncated sealed record", java.util.Arrays.copyOf(sealed, sealed.length / 2));

            subjectKeys.pipeInput("bob", keys.keyBytes("bob"));
            gallery.pipeInput("bob", sealed);
            assertThat(index.contains("bob")).isTrue();
            long invalid = 0;
            for (var b : sealedBad.entrySet()) {
                gallery.pipeInput("bob", b.getValue());
                assertThat(index.contains("bob"))
                        .as("%s: a bad record erases the subject it supersedes", b.getKey())
                        .isFalse();
                assertThat(metrics.gallerySkipped(DeadLetters.Reason.INVALID_RECORD))
                        .as("%s is refused and counted", b.getKey())
                        .isEqualTo(++invalid);
                gallery.pipeInput("bob", sealed);
                assertThat(index.contains("bob"))
                        .as("a usable record after %s brings the subject back", b.getKey())
                        .isTrue();
            }
            long deserializationFailed = 0;
            for (var b : unreadable.entrySet()) {
                gallery.pipeInput("bob", b.getValue());
                assertThat(index.contains("bob"))
                        .as("%s: a bad record erases the subject it supersedes", b.getKey())
                        .isFalse();
                assertThat(metrics.gallerySkipped(DeadLetters.Reason.DESERIALIZATION_FAILED))
                        .as("%s is refused and counted", b.getKey())
                        .isEqualTo(++deserializationFailed);
            }
            observe(Embeddings.atCosine(alice, 0.6, random));
            observe(Embeddings.atCosine(bob, 0.6, random));

            assertThat(metrics.gallerySkipped(DeadLetters.Reason.INVALID_RECORD))
                    .isEqualTo(sealedBad.size());
            assertThat(metrics.gallerySkipped(DeadLetters.Reason.DECRYPTION_FAILED))
                    .isZero();
            assertThat(metrics.gallerySkipped(DeadLetters.Reason.DESERIALIZATION_FAILED))
                    .isEqualTo(unreadable.size());
            assertThat(registry.byLabel("matcher_gallery_skipped_total"))
                    .containsOnly(
                            java.util.Map.entry("reason=\"invalid-record\"", (long) sealedBad.size()),
                            java.util.Map.entry("reason=\"deserialization-failed\"", (long) unreadable.size()));
            assertThat(identities.readValuesToList())
                    .extracting(IdentityEvent::subjectOrUnknown)
                    .containsExactly("alice", "unknown");
            KeyValueStore<String, SealedGalleryRecord> store =
                    driver.getKeyValueStore(GalleryStoreNames.TEMPLATES_BY_SUBJECT);
            assertThat(store.get("bob"))
                    .as("the refused ciphertext is not kept")
                    .isNull();
            gallery.pipeInput("bob", sealed); // a usable record brings the subject back
            observe(Embeddings.atCosine(bob, 0.6, random));
            assertThat(identities.readValue().subjectId()).isEqualTo("bob");
            assertThat(deadLetters.isEmpty()).isTrue();
        }

        /**
         * A property loop on the global gallery source, over the sealed format: its deserializer never throws, so
         * the instance never stops. A mutated record is skipped (unreadable, another pack, dimension or subject,
         * or not authenticating), applied (a mutation that changes nothing that is read), or waits for a data
         * key that never comes (a mutated key id).
         */
        @Test
        void everyMutatedGalleryRecordIsSkippedOrAppliedAndTheMatcherGoesOn() {
            enroll("alice", PACK, alice);
            subjectKeys.pipeInput("bob", keys.keyBytes("bob"));
            byte[] valid = keys.sealedBytes(
                    new GalleryRecord("bob", "Bob", List.of(new Template(bob, "bob.jpg", QUALITY)), PACK, CAPTURED));
            List<BadBytes.Input> bad = new ArrayList<>(BadBytes.around(valid, 22, 150, 200));
            bad.addAll(BadBytes.jsonMutations(valid));
            long waited = 0;
            java.util.Set<String> reasons = new java.util.TreeSet<>();
            for (BadBytes.Input b : bad) {
                long before = skipped() + metrics.galleryUpserts();
                gallery.pipeInput("bob", b.bytes());
                if (skipped() + metrics.galleryUpserts() == before) {
                    assertThat(metrics.galleryAwaitingKey())
                            .as("%s: neither skipped nor applied, so waiting for its key", b)
                            .isEqualTo(1);
                    waited++;
                } else {
                    assertThat(skipped() + metrics.galleryUpserts())
                            .as("%s: skipped or applied once", b)
                            .isEqualTo(before + 1);
                }
            }
            metrics.snapshot().forEach((k, v) -> {
                if (k.startsWith("gallery.skipped.") && v > 0) {
                    reasons.add(k.substring("gallery.skipped.".length()));
                }
            });
            assertThat(skipped() + metrics.galleryUpserts() - 1 + waited)
                    .as("every record skipped, applied or waiting")
                    .isEqualTo(bad.size());
            assertThat(skipped()).isGreaterThan(bad.size() * 3 / 4);
            assertThat(reasons).contains("deserialization-failed", "decryption-failed");

            observe(Embeddings.atCosine(alice, 0.55, random));
            IdentityEvent e = identities.readValue();
            assertThat(e.subjectId()).isEqualTo("alice");
            assertThat(e.score()).isCloseTo(0.55, within(1e-5));
        }

        private long skipped() {
            return metrics.snapshot().entrySet().stream()
                    .filter(en -> en.getKey().startsWith("gallery.skipped."))
                    .mapToLong(java.util.Map.Entry::getValue)
                    .sum();
        }

        private void assertDeadLetter(TestRecord<byte[], byte[]> dl, String reason, long offset) {
            assertThat(header(dl, DeadLetters.HEADER_REASON)).isEqualTo(reason);
            assertThat(header(dl, DeadLetters.HEADER_STAGE)).isEqualTo("matcher");
            assertThat(header(dl, DeadLetters.HEADER_TOPIC)).isEqualTo(Topics.FACES);
            assertThat(header(dl, DeadLetters.HEADER_PARTITION)).isEqualTo("0");
            assertThat(header(dl, DeadLetters.HEADER_OFFSET)).isEqualTo(Long.toString(offset));
        }

        private void assertCounted(String reason, long n) {
            assertThat(metrics.deadLetters(DeadLetters.Reason.valueOf(
                            reason.toUpperCase(java.util.Locale.ROOT).replace('-', '_'))))
                    .isEqualTo(n);
            assertThat(metrics.deadLetters()).isEqualTo(n);
            assertThat(registry.byLabel("deadletter_total"))
                    .containsExactly(java.util.Map.entry("reason=\"" + reason + "\"", n));
        }

        /** The observations after the bad ones were decided: one event each, for {@code subject}. */
        private void assertGoodOnesDecided(String subject) {
            assertThat(identities.readValuesToList())
                    .extracting(IdentityEvent::subjectId)
                    .containsExactly(subject);
            assertThat(deadLetters.isEmpty()).isTrue();
        }

        private byte[] withEmbeddingValue(byte[] observation, int index, com.fasterxml.jackson.databind.JsonNode value)
                throws IOException {
            ObjectNode tree = (ObjectNode) Json.MAPPER.readTree(observation);
            ((ArrayNode) tree.get("embedding")).set(index, value);
            return Json.MAPPER.writeValueAsBytes(tree);
        }
    }

    @Test
    void galleryRestoredIntoIndexOnRestart() throws IOException {
        enroll("alice", PACK, alice);
        enroll("bob", PACK, bob);
        enroll("carol", PACK, Embeddings.unit(random, D));
        gallery.pipeInput("carol", (byte[]) null);
        // TopologyTestDriver.close() wipes its state directory, so the restart opens a copy taken after the
        // driver flushed the store (it flushes the global store after every gallery record).
        copyConsistently(stateDir, restartDir);
        driver.close();

        open(restartDir);

        // the sealed records are restored from RocksDB, but the keys live in memory only: until the key topic
        // is read again (from the beginning, as a restarted global consumer does), nothing opens
        assertThat(index.subjectCount()).isZero();
        assertThat(metrics.galleryAwaitingKey()).isEqualTo(2);
        for (String subject : List.of("alice", "bob", "carol")) {
            subjectKeys.pipeInput(subject, keys.keyBytes(subject));
        }

        assertThat(index.subjectCount()).isEqualTo(2);
        assertThat(metrics.galleryAwaitingKey()).isZero();
        assertThat(index.contains("carol")).isFalse();
        assertThat(metrics.gallerySubjects()).isEqualTo(2);
        observe(Embeddings.atCosine(bob, 0.45, random));
        IdentityEvent e = identities.readValue();
        assertThat(e.subjectId()).isEqualTo("bob");
        assertThat(e.score()).isCloseTo(0.45, within(1e-5));
    }

    /**
     * RocksDB may compact in the background while the copy runs, deleting a file the walk has listed; such a
     * copy is torn, so it is thrown away and taken again.
     */
    private static void copyConsistently(Path from, Path to) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                copyTree(from, to);
                return;
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 10) {
                    throw e;
                }
                try (Stream<Path> torn = Files.walk(to)) {
                    torn.sorted(java.util.Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("LOCK")) {
                    try {
                        Files.copy(p, target);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
    }
}
