package org.facestream.enroll;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.facestream.audit.ChainVerifier;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SubjectKey;
import org.facestream.events.AuditHead;
import org.facestream.events.AuditRecord;
import org.facestream.events.DeadLetters;
import org.facestream.events.ErasureRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Template;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.events.WireFixtures;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Embeddings;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gallery processor on {@link TopologyTestDriver} (exactly-once v2): what each command writes, to which topic, in
 * which order, with which audit record and outcome; what it keeps in its stores; dead letters; the segment-roll
 * tombstones. The race of enrollments and erasures from several processes runs on the real broker
 * ({@code org.facestream.fault.ErasureIsFinalFaultTest}).
 */
class GalleryCommandTopologyTest {
    private static final String PACK = "yunet-w600k-int8";
    private static final Instant T0 = Instant.parse("2026-05-01T08:00:00Z");
    private static final String CHANGELOG =
            GalleryService.APPLICATION_ID + "-" + GalleryCommandTopology.GALLERY_BY_SUBJECT + "-changelog";

    @TempDir
    Path stateDir;

    private final Random random = new Random(5);
    private final float[] face = Embeddings.unit(random, Embeddings.DIMENSION);
    private final MasterKeys masterKeys = MasterKeys.ephemeral();
    private final GalleryCipher cipher = new GalleryCipher();
    private final MetricsRegistry registry = new MetricsRegistry();
    private final GalleryMetrics metrics = new GalleryMetrics(registry);
    private final MovableClock clock = new MovableClock(T0);
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> commands;

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void start() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, GalleryService.APPLICATION_ID);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(
                GalleryCommandTopology.build(new GalleryCommandTopology.Spec(
                        masterKeys, metrics, clock, GalleryCommandTopology.ROLL_EVERY, TestAuditKeys.keys())),
                p,
                T0);
        commands = driver.createInputTopic(Topics.GALLERY_COMMANDS, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private GalleryCommand enroll(String subject, String... sources) {
        List<Template> t = new ArrayList<>();
        for (String s : sources) {
            t.add(new Template(Embeddings.atCosine(face, 0.7, random), s, WireFixtures.quality()));
        }
        GalleryRecord photos = new GalleryRecord(subject, subject, t, PACK, clock.instant());
        SubjectKey once = SubjectKey.generate(subject);
        return GalleryCommand.enroll(
                UUID.randomUUID().toString(),
                clock.instant(),
                clock.instant().plusSeconds(30),
                "user:alice",
                Map.of("via", "test"),
                false,
                5,
                cipher.seal(photos, once),
                masterKeys.wrap(once, clock.instant()));
    }

    private GalleryCommand erase(String subject) {
        return GalleryCommand.erase(
                UUID.randomUUID().toString(), subject, clock.instant(), "user:dpo", Map.of("via", "test"));
    }

    private void pipe(GalleryCommand c) {
        commands.pipeInput(c.subjectId(), EventSerdes.galleryCommands().serialize(Topics.GALLERY_COMMANDS, c));
    }

    private <V> TestOutputTopic<String, V> out(String topic, Deserializer<V> d) {
        return driver.createOutputTopic(topic, new StringDeserializer(), d);
    }

    private List<TestRecord<String, SubjectKeyRecord>> keys() {
        return out(Topics.SUBJECT_KEYS, EventSerdes.subjectKeys()).readRecordsToList();
    }

    private List<TestRecord<String, SealedGalleryRecord>> gallery() {
        return out(Topics.GALLERY, EventSerdes.gallery()).readRecordsToList();
    }

    private List<GalleryOutcome> outcomes() {
        return out(Topics.GALLERY_OUTCOMES, EventSerdes.galleryOutcomes()).readValuesToList();
    }

    private List<AuditRecord> audit() {
        return out(Topics.AUDIT, EventSerdes.audit()).readValuesToList();
    }

    private GalleryRecord open(SealedGalleryRecord sealed, SubjectKeyRecord key) {
        return cipher.open(sealed, masterKeys.unwrap(key));
    }

    @Test
    void aNewSubjectGetsAFreshKeyThenItsRecordSealedUnderItItsAuditRecordAndTheOutcome() {
        GalleryCommand c = enroll("obama", "a.jpg", "b.jpg");
        pipe(c);

        List<TestRecord<String, SubjectKeyRecord>> keys = keys();
        List<TestRecord<String, SealedGalleryRecord>> gallery = gallery();
        assertThat(keys).singleElement().satisfies(k -> assertThat(k.key()).isEqualTo("obama"));
        assertThat(gallery).singleElement().satisfies(g -> assertThat(g.key()).isEqualTo("obama"));
        SubjectKeyRecord key = keys.get(0).value();
        SealedGalleryRecord sealed = gallery.get(0).value();
        assertThat(sealed.keyId())
                .isEqualTo(key.keyId())
                .isNotEqualTo(c.photosKey().keyId());
        assertThat(open(sealed, key).templates())
                .extracting(Template::source)
                .containsExactlyInAnyOrder("a.jpg", "b.jpg");
        List<AuditRecord> audit = audit();
        assertThat(audit)
                .extracting(AuditRecord::action)
                .containsExactly(AuditRecord.CHAIN_STARTED, AuditRecord.SUBJECT_ENROLLED);
        AuditRecord enrolled = audit.get(1);
        assertThat(enrolled.chainId()).startsWith("gallery-0-");
        assertThat(enrolled.actor()).isEqualTo("user:alice");
        assertThat(enrolled.at()).isEqualTo(T0);
        assertThat(enrolled.details())
                .containsEntry("key.id", key.keyId())
                .containsEntry("request.id", c.requestId())
                .containsEntry("command", Topics.GALLERY_COMMANDS + "-0@0")
                .containsEntry("templates", "2")
                .containsEntry("via", "test");
        assertThat(outcomes()).singleElement().satisfies(o -> {
            assertThat(o.requestId()).isEqualTo(c.requestId());
            assertThat(o.status()).isEqualTo(GalleryOutcome.ENROLLED);
            assertThat(o.keyId()).isEqualTo(key.keyId());
            assertThat(o.enrolledAt()).isEqualTo(sealed.enrolledAt());
            assertThat(o.hadRecord()).isFalse();
            assertThat(o.audit()).isEqualTo(enrolled.chainId() + "#1");
        });
        KeyValueStore<String, SubjectEntry> store = driver.getKeyValueStore(GalleryCommandTopology.GALLERY_BY_SUBJECT);
        assertThat(store.get("obama")).isEqualTo(new SubjectEntry(key, sealed));
        assertThat(metrics.commands(GalleryCommand.ENROLL, GalleryOutcome.ENROLLED))
                .isEqualTo(1);
    }

    @Test
    void laterPhotosJoinTheSubjectUnderItsKeyWithoutANewKeyRecord() {
        pipe(enroll("obama", "a.jpg"));
        SubjectKeyRecord key = keys().get(0).value();
        gallery();
        pipe(enroll("obama", "b.jpg"));
        assertThat(keys()).as("the subject keeps its key").isEmpty();
        SealedGalleryRecord second = gallery().get(0).value();
        assertThat(second.keyId()).isEqualTo(key.keyId());
        assertThat(open(second, key).templates())
                .extracting(Template::source)
                .containsExactlyInAnyOrder("a.jpg", "b.jpg");
        assertThat(outcomes()).extracting(GalleryOutcome::hadRecord).containsExactly(false, true);
    }

    @Test
    void anErasureIsFinalAndAnEnrollmentLandingAfterItMakesANewSubjectOfOnlyItsPhotos() {
        pipe(enroll("obama", "a.jpg"));
        pipe(enroll("obama", "b.jpg"));
        pipe(erase("obama"));
        pipe(enroll("obama", "c.jpg"));

        List<TestRecord<String, SubjectKeyRecord>> keys = keys();
        assertThat(keys).hasSize(3);
        String first = keys.get(0).value().keyId();
        assertThat(keys.get(1).value()).as("the key tombstone").isNull();
        SubjectKeyRecord fresh = keys.get(2).value();
        assertThat(fresh.keyId()).isNotEqualTo(first);
        List<TestRecord<String, SealedGalleryRecord>> gallery = gallery();
        assertThat(gallery).extracting(TestRecord::value).hasSize(4);
        assertThat(gallery.get(2).value()).as("the gallery tombstone").isNull();
        assertThat(open(gallery.get(3).value(), fresh).templates())
                .extracting(Template::source)
                .containsExactly("c.jpg");
        List<ErasureRecord> erasures =
                out(Topics.ERASURES, EventSerdes.erasures()).readValuesToList();
        assertThat(erasures).singleElement().satisfies(e -> {
            assertThat(e.subjectId()).isEqualTo("obama");
            assertThat(e.keyId()).isEqualTo(first);
            assertThat(e.erasedAt()).isEqualTo(T0);
        });
        List<GalleryOutcome> outcomes = outcomes();
        assertThat(outcomes)
                .extracting(GalleryOutcome::status)
                .containsExactly(
                        GalleryOutcome.ENROLLED,
                        GalleryOutcome.ENROLLED,
                        GalleryOutcome.ERASED,
                        GalleryOutcome.ENROLLED);
        assertThat(outcomes.get(2).keyId()).isEqualTo(first);
        assertThat(outcomes.get(2).templates()).isEqualTo(2);
        assertThat(outcomes.get(3).hadRecord()).isFalse();
        KeyValueStore<String, ErasureRecord> destroyed = driver.getKeyValueStore(GalleryCommandTopology.DESTROYED_KEYS);
        assertThat(destroyed.get(first)).isEqualTo(erasures.get(0));
        List<AuditRecord> audit = audit();
        assertThat(audit)
                .extracting(AuditRecord::action)
                .containsExactly(
                        AuditRecord.CHAIN_STARTED,
                        AuditRecord.SUBJECT_ENROLLED,
                        AuditRecord.SUBJECT_ENROLLED,
                        AuditRecord.SUBJECT_ERASED,
                        AuditRecord.SUBJECT_ENROLLED);
        assertThat(audit.get(3).details()).containsEntry("key.id", first).containsEntry("found", "record");
        ChainVerifier verifier = new ChainVerifier(TestAuditKeys.keys());
        // the processor checkpoints the chain's head after each record but the genesis, in the same transaction
        List<TestRecord<String, AuditHead>> heads =
                out(Topics.AUDIT_HEADS, EventSerdes.auditHeads()).readRecordsToList();
        assertThat(heads).extracting(h -> h.value().sequence()).containsExactly(1L, 2L, 3L, 4L);
        for (int i = 0; i < heads.size(); i++) {
            verifier.acceptCheckpoint(
                    new ChainVerifier.Position(Topics.AUDIT_HEADS, 0, i),
                    heads.get(i).key(),
                    EventSerdes.auditHeads()
                            .serialize(Topics.AUDIT_HEADS, heads.get(i).value()));
        }
        for (int i = 0; i < audit.size(); i++) {
            AuditRecord r = audit.get(i);
            verifier.accept(
                    new ChainVerifier.Position(Topics.AUDIT, 0, i),
                    r.chainId(),
                    EventSerdes.audit().serialize(Topics.AUDIT, r));
        }
        assertThat(verifier.result().verified())
                .as(verifier.result().problems().toString())
                .isTrue();
    }

    @Test
    void anEntryNamingADestroyedKeyIsNeverReused() {
        pipe(enroll("obama", "a.jpg"));
        KeyValueStore<String, SubjectEntry> store = driver.getKeyValueStore(GalleryCommandTopology.GALLERY_BY_SUBJECT);
        SubjectEntry erased = store.get("obama");
        pipe(erase("obama"));
        keys();
        gallery();
        store.put("obama", erased); // a replay into the changelog, restored into the store

        pipe(enroll("obama", "b.jpg"));
        SubjectKeyRecord fresh = keys().get(0).value();
        assertThat(fresh.keyId()).isNotEqualTo(erased.key().keyId());
        assertThat(open(gallery().get(0).value(), fresh).templates())
                .extracting(Template::source)
                .containsExactly("b.jpg");
        assertThat(metrics.destroyedKeysRefused()).isEqualTo(1);
    }

    @Test
    void anEnrollmentReachingTheProcessorAfterItExpiredChangesNothing() {
        GalleryCommand c = enroll("obama", "a.jpg");
        clock.now = c.expiresAt().plusMillis(1);
        pipe(c);
        assertThat(keys()).isEmpty();
        assertThat(gallery()).isEmpty();
        assertThat(audit()).isEmpty();
        assertThat(outcomes()).singleElement().satisfies(o -> {
            assertThat(o.status()).isEqualTo(GalleryOutcome.EXPIRED);
            assertThat(o.message()).endsWith(": not applied");
        });
        assertThat(metrics.commands(GalleryCommand.ENROLL, GalleryOutcome.EXPIRED))
                .isEqualTo(1);
    }

    @Test
    void aCommandOnAnotherSubjectsKeyIsRefusedAndOneThatDoesNotReadIsDeadLettered() {
        GalleryCommand c = enroll("obama", "a.jpg");
        commands.pipeInput("biden", EventSerdes.galleryCommands().serialize(Topics.GALLERY_COMMANDS, c));
        commands.pipeInput("obama", "{\"requestId\":".getBytes(StandardCharsets.UTF_8));
        pipe(enroll("obama", "b.jpg"));

        List<GalleryOutcome> outcomes = outcomes();
        assertThat(outcomes).hasSize(2);
        assertThat(outcomes.get(0).status()).isEqualTo(GalleryOutcome.REFUSED);
        assertThat(outcomes.get(0).message())
                .isEqualTo("expected a command keyed by its subject id obama, found key biden");
        assertThat(outcomes.get(1).status()).as("the stream goes on").isEqualTo(GalleryOutcome.ENROLLED);
        List<TestRecord<byte[], byte[]>> dead = driver.createOutputTopic(
                        Topics.DEADLETTER, new ByteArrayDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList();
        assertThat(dead).singleElement().satisfies(d -> {
            assertThat(DeadLetters.header(d.headers(), DeadLetters.HEADER_STAGE))
                    .isEqualTo("gallery");
            assertThat(DeadLetters.header(d.headers(), DeadLetters.HEADER_REASON))
                    .isEqualTo(DeadLetters.Reason.DESERIALIZATION_FAILED.code());
            assertThat(DeadLetters.header(d.headers(), DeadLetters.HEADER_OFFSET))
                    .isEqualTo("1");
        });
        assertThat(registry.byLabel("deadletter_total")).containsEntry("reason=\"deserialization-failed\"", 1L);
    }

    @Test
    void everyTenMinutesATombstoneOfTheRollKeyGoesToTheKeyTopicAndTheEntryChangelog() {
        pipe(enroll("obama", "a.jpg"));
        keys();
        driver.advanceWallClockTime(GalleryCommandTopology.ROLL_EVERY);
        List<TestRecord<String, SubjectKeyRecord>> keys = keys();
        assertThat(keys).singleElement().satisfies(k -> {
            assertThat(k.key()).isEqualTo(Topics.SEGMENT_ROLL_KEY);
            assertThat(k.value()).isNull();
        });
        List<TestRecord<String, byte[]>> changelog =
                out(CHANGELOG, new ByteArrayDeserializer()).readRecordsToList();
        assertThat(changelog).extracting(TestRecord::key).endsWith(Topics.SEGMENT_ROLL_KEY);
        assertThat(changelog.getLast().value()).isNull();
    }

    @Test
    void theEntryChangelogHoldsOnlyWhatTheTopicsHoldAndIsCleanedLikeTheKeyTopic() {
        pipe(enroll("obama", "secret-photo.jpg"));
        List<TestRecord<String, byte[]>> changelog =
                out(CHANGELOG, new ByteArrayDeserializer()).readRecordsToList();
        assertThat(changelog)
                .singleElement()
                .satisfies(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8))
                        .doesNotContain("secret-photo")
                        .contains("\"wrappedKey\""));
        TopicCatalogue.TopicSpec keyTopic = TopicCatalogue.load().topics().stream()
                .filter(t -> t.name().equals(Topics.SUBJECT_KEYS))
                .findFirst()
                .orElseThrow();
        assertThat(GalleryCommandTopology.ENTRY_CHANGELOG)
                .containsAllEntriesOf(keyTopic.configs().entrySet().stream()
                        .filter(e -> !e.getKey().equals("retention.ms")
                                && !e.getKey().equals("max.message.bytes"))
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }
}
