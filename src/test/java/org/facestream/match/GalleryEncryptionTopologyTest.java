package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.BoundingBox;
import org.facestream.events.DeadLetters;
import org.facestream.events.ErasureRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.FaceQuality;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Template;
import org.facestream.events.Topics;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GalleryStoreNames;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Embeddings;
import org.facestream.testing.GalleryKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encrypted gallery on {@link TopologyTestDriver}: records and keys arriving in either order, erasure by
 * destroying the key, and the refusals (replayed after erasure, tampered, moved, keyless, bad key records).
 */
class GalleryEncryptionTopologyTest {
    private static final String PACK = "yunet-mobilefacenet-512";
    private static final Instant T = Instant.parse("2025-03-01T12:00:00Z");
    private static final FaceQuality QUALITY = new FaceQuality(0.93f, 58, 140, -4, 2, 22.5f);

    @TempDir
    Path stateDir;

    private final Random random = new Random(11);
    private final float[] alice = Embeddings.unit(random, Embeddings.DIMENSION);
    private final float[] bob = Embeddings.unit(random, Embeddings.DIMENSION);
    private final GalleryKeys keys = new GalleryKeys();
    private final MatcherMetrics metrics = new MatcherMetrics(new MetricsRegistry());
    private final MatcherConfig cfg = MatcherConfig.of(PACK);
    private final GalleryIndex index = MatcherTopology.newIndex(cfg);
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> gallery;
    private TestInputTopic<String, byte[]> subjectKeys;
    private TestInputTopic<String, byte[]> faces;
    private TestOutputTopic<String, IdentityEvent> identities;
    private long sequence;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "facestream-matcher");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(
                MatcherTopology.build(new MatcherTopology.Spec(
                        cfg,
                        keys.masterKeys(),
                        ThresholdMode.fixed(0.35),
                        Tracking.PER_FACE,
                        metrics,
                        index,
                        Clock.fixed(T, ZoneOffset.UTC))),
                props);
        gallery = driver.createInputTopic(Topics.GALLERY, new StringSerializer(), new ByteArraySerializer());
        subjectKeys = driver.createInputTopic(Topics.SUBJECT_KEYS, new StringSerializer(), new ByteArraySerializer());
        faces = driver.createInputTopic(Topics.FACES, new StringSerializer(), new ByteArraySerializer());
        identities = driver.createOutputTopic(Topics.IDENTITIES, new StringDeserializer(), EventSerdes.identities());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static GalleryRecord record(String subject, float[] embedding) {
        return new GalleryRecord(
                subject, subject, List.of(new Template(embedding, subject + ".jpg", QUALITY)), PACK, T);
    }

    private void enroll(String subject, float[] embedding) {
        subjectKeys.pipeInput(subject, keys.keyBytes(subject));
        gallery.pipeInput(subject, keys.sealedBytes(record(subject, embedding)));
    }

    private String decide(float[] embedding) {
        long seq = ++sequence;
        FaceObservation o = new FaceObservation(
                FaceObservation.idOf("cam-1", seq, 0),
                "cam-1",
                seq,
                0,
                T,
                T,
                1280,
                720,
                new BoundingBox(10, 10, 90, 110),
                new float[] {30, 40, 70, 40, 50, 60, 35, 80, 65, 80},
                QUALITY,
                embedding,
                PACK,
                null);
        faces.pipeInput("cam-1", EventSerdes.faces().serialize(Topics.FACES, o));
        return identities.readValue().subjectOrUnknown();
    }

    private KeyValueStore<String, SealedGalleryRecord> store() {
        return driver.getKeyValueStore(GalleryStoreNames.TEMPLATES_BY_SUBJECT);
    }

    @Test
    void aRecordArrivingBeforeItsKeyWaitsInTheStoreAndIsIndexedWhenTheKeyArrives() {
        gallery.pipeInput("alice", keys.sealedBytes(record("alice", alice)));

        assertThat(index.contains("alice")).isFalse();
        assertThat(store().get("alice").keyId()).isEqualTo(keys.key("alice").keyId());
        assertThat(metrics.galleryAwaitingKey()).isEqualTo(1);
        assertThat(decide(Embeddings.atCosine(alice, 0.7, random))).isEqualTo("unknown");

        subjectKeys.pipeInput("alice", keys.keyBytes("alice"));

        assertThat(index.contains("alice")).isTrue();
        assertThat(metrics.galleryAwaitingKey()).isZero();
        assertThat(metrics.galleryUpserts()).isEqualTo(1);
        assertThat(decide(Embeddings.atCosine(alice, 0.7, random))).isEqualTo("alice");
    }

    @Test
    void destroyingTheKeyErasesTheSubjectAndItsCiphertextBeforeTheGalleryTombstoneArrives() {
        enroll("alice", alice);
        enroll("bob", bob);

        subjectKeys.pipeInput("alice", (byte[]) null);

        assertThat(index.contains("alice")).isFalse();
        assertThat(store().get("alice"))
                .as("undecryptable ciphertext is deleted at once")
                .isNull();
        assertThat(store().get("bob")).isNotNull();
        assertThat(metrics.keyDestructions()).isEqualTo(1);
        assertThat(decide(Embeddings.atCosine(alice, 0.8, random))).isEqualTo("unknown");
        gallery.pipeInput("alice", (byte[]) null);
        assertThat(metrics.galleryErasures()).isEqualTo(1);
        assertThat(metrics.gallerySubjects()).isEqualTo(1);
    }

    @Test
    void aCopyReplayedAfterErasureIsRefusedAndAReEnrolmentUnderANewKeyStillWorks() {
        enroll("alice", alice);
        byte[] backup = keys.sealedBytes(record("alice", alice));
        gallery.pipeInput("alice", backup);
        subjectKeys.pipeInput("alice", (byte[]) null);
        gallery.pipeInput("alice", (byte[]) null);
        keys.forget("alice");

        gallery.pipeInput("alice", backup);

        assertThat(metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED)).isEqualTo(1);
        assertThat(store().get("alice")).isNull();
        assertThat(decide(Embeddings.atCosine(alice, 0.8, random))).isEqualTo("unknown");

        enroll("alice", alice); // a new data key
        assertThat(decide(Embeddings.atCosine(alice, 0.8, random))).isEqualTo("alice");
        gallery.pipeInput("alice", backup); // the old copy supersedes the new record on the topic: refused, and erases
        assertThat(metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED)).isEqualTo(2);
        assertThat(index.contains("alice")).isFalse();
    }

    @Test
    void aReplayedKeyAndRecordOfAnErasedSubjectAreRefusedWhicheverArrivesFirstAndTheErasureIsNeverForgotten() {
        enroll("alice", alice);
        byte[] key = keys.keyBytes("alice");
        byte[] record = keys.sealedBytes(record("alice", alice));
        String keyId = keys.key("alice").keyId();
        TestInputTopic<String, byte[]> erasures =
                driver.createInputTopic(Topics.ERASURES, new StringSerializer(), new ByteArraySerializer());
        // the erasure record arrives before the tombstones (another partition), which a reader may see later
        erasures.pipeInput(
                "alice",
                EventSerdes.erasures().serialize(Topics.ERASURES, new ErasureRecord("alice", keyId, T, "req-1")));
        assertThat(index.contains("alice"))
                .as("dropped by the erasure record alone")
                .isFalse();
        assertThat(store().get("alice")).isNull();
        KeyValueStore<String, ErasureRecord> destroyed = driver.getKeyValueStore(GalleryStoreNames.DESTROYED_KEYS);
        assertThat(destroyed.get(keyId).subjectId()).isEqualTo("alice");

        subjectKeys.pipeInput("alice", key); // replayed: key first, then record
        gallery.pipeInput("alice", record);
        assertThat(metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED)).isEqualTo(2);
        assertThat(index.contains("alice")).isFalse();
        assertThat(decide(Embeddings.atCosine(alice, 0.8, random))).isEqualTo("unknown");

        // a tombstone on the erasure topic (a forger) forgets nothing
        erasures.pipeInput("alice", (byte[]) null);
        gallery.pipeInput("alice", record);
        assertThat(metrics.gallerySkipped(DeadLetters.Reason.KEY_DESTROYED)).isEqualTo(3);
        assertThat(destroyed.get(keyId)).isNotNull();
    }

    @Test
    void anErasureOfAnotherKeyLeavesTheSubjectsNewEnrollmentAlone() {
        enroll("alice", alice);
        String old = keys.key("alice").keyId();
        subjectKeys.pipeInput("alice", (byte[]) null);
        gallery.pipeInput("alice", (byte[]) null);
        keys.forget("alice");
        enroll("alice", alice); // re-enrolled under a new key, read before the erasure record of the old one
        driver.createInputTopic(Topics.ERASURES, new StringSerializer(), new ByteArraySerializer())
                .pipeInput(
                        "alice",
                        EventSerdes.erasures().serialize(Topics.ERASURES, new ErasureRecord("alice", old, T, "req-1")));
        assertThat(index.contains("alice")).isTrue();
        assertThat(decide(Embeddings.atCosine(alice, 0.8, random))).isEqualTo("alice");
    }

    @Test
    void aTamperedCiphertextIsRefusedAndTheStreamGoesOn() {
        enroll("alice", alice);
        enroll("bob", bob);
        SealedGalleryRecord s = keys.seal(record("alice", alice));
        byte[] c = s.ciphertext();
        c[7] ^= 0x01;
        gallery.pipeInput(
                "alice",
                GalleryKeys.bytes(new SealedGalleryRecord(
                        s.subjectId(),
                        s.modelPackId(),
                        s.dimension(),
                        s.templateCount(),
                        s.enrolledAt(),
                        s.cipher(),
                        s.keyId(),
                        s.nonce(),
                        c)));

        assertThat(metrics.gallerySkipped(DeadLetters.Reason.DECRYPTION_FAILED)).isEqualTo(1);
        assertThat(index.contains("alice")).isFalse();
        assertThat(store().get("alice")).isNull();
        assertThat(decide(Embeddings.atCosine(bob, 0.8, random))).isEqualTo("bob");
    }

    @Test
    void ciphertextMovedToAnotherSubjectIsRefusedHoweverItIsDisguised() {
        enroll("alice", alice);
        enroll("bob", bob);
        SealedGalleryRecord alices = keys.seal(record("alice", alice));

        gallery.pipeInput("bob", GalleryKeys.bytes(alices)); // alice's record under bob's key
        assertThat(metrics.gallerySkipped(DeadLetters.Reason.SUBJECT_KEY_MISMATCH))
                .isEqualTo(1);

        enroll("bob", bob);
        SealedGalleryRecord disguised = new SealedGalleryRecord(
                "bob",
                alices.modelPackId(),
                alices.dimension(),
                alices.templateCount(),
                alices.enrolledAt(),
                alices.cipher(),
                keys.key("bob").keyId(),
                alices.nonce(),
                alices.ciphertext());
        gallery.pipeInput(
                "bob", GalleryKeys.bytes(disguised)); // renamed and naming bob's key: bob's key does not open it
        assertThat(metrics.gallerySkipped(DeadLetters.Reason.DECRYPTION_FAILED)).isEqualTo(1);

        enroll("bob", bob);
        gallery.pipeInput(
                "bob", GalleryKeys.bytes(alices.withSubjectId("bob"))); // renamed only: it names a key bob never has
        assertThat(metrics.galleryAwaitingKey()).isEqualTo(1);

        assertThat(index.contains("bob")).isFalse();
        assertThat(decide(Embeddings.atCosine(alice, 0.9, random))).isEqualTo("alice");
        assertThat(decide(Embeddings.atCosine(alice, 0.9, random))).isEqualTo("alice");
    }

    @Test
    void unusableKeyRecordsAreRefusedAndCounted() {
        enroll("alice", alice);
        SubjectKeyRecord foreign = MasterKeys.ephemeral().wrap(keys.key("alice"), GalleryKeys.CREATED);
        subjectKeys.pipeInput("alice", EventSerdes.subjectKeys().serialize(Topics.SUBJECT_KEYS, foreign));
        assertThat(metrics.gallerySkipped(DeadLetters.Reason.KEY_UNREADABLE)).isEqualTo(1);
        assertThat(index.contains("alice")).isFalse();
        assertThat(metrics.galleryAwaitingKey())
                .as("the sealed record waits for a usable key")
                .isEqualTo(1);

        subjectKeys.pipeInput("alice", "not a key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        subjectKeys.pipeInput("bob", keys.keyBytes("alice"));
        assertThat(metrics.gallerySkipped(DeadLetters.Reason.KEY_UNREADABLE)).isEqualTo(3);

        subjectKeys.pipeInput("alice", keys.keyBytes("alice"));
        assertThat(index.contains("alice")).isTrue();
    }

    @Test
    void theStoreHoldsOnlyCiphertextAndTheKeysNeverReachTheDisk() throws Exception {
        enroll("alice", alice);

        SealedGalleryRecord stored = store().get("alice");
        assertThat(stored).isEqualTo(EventSerdes.gallery().deserialize(Topics.GALLERY, GalleryKeys.bytes(stored)));
        assertThat(stored.toString()).doesNotContain("embedding");
        try (Stream<Path> files = Files.walk(stateDir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .contains(GalleryStoreNames.TEMPLATES_BY_SUBJECT)
                    .doesNotContain(GalleryStoreNames.KEYS_BY_SUBJECT);
        }
    }
}
