package org.facestream.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.EnrollmentService;
import org.facestream.enroll.GalleryCommandTopology;
import org.facestream.enroll.GalleryService;
import org.facestream.enroll.KafkaGalleryCommands;
import org.facestream.enroll.Origin;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Template;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.events.WireFixtures;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.kafka.TopicTail;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.Await;
import org.facestream.testing.Bytes;
import org.facestream.testing.Embeddings;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After an erasure the destroyed data key, wrapped, leaves the broker's disk without any later enrollment: Kafka rolls a
 * segment (and can then compact the key away) only when something is appended, and the gallery processor appends a
 * segment-roll tombstone to the key topic and to its entry changelog on a timer. The broker, the two topics and the
 * timer run at seconds instead of the production hour and ten minutes, so the test takes seconds; the production
 * bound is stated in the README ({@code org.facestream.enroll.ErasureScope}).
 */
@Tag("fault")
class DestroyedKeyLeavesTheDiskFaultTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CHANGELOG =
            GalleryService.APPLICATION_ID + "-" + GalleryCommandTopology.GALLERY_BY_SUBJECT + "-changelog";

    @TempDir
    Path dir;

    @Test
    void theWrappedKeyOfAnErasedSubjectLeavesEveryLogSegmentWithoutAnotherWrite() throws Exception {
        Path data = dir.resolve("kafka");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
                data,
                0,
                0,
                Map.of(
                        "log.cleaner.backoff.ms", "200",
                        "log.segment.delete.delay.ms", "0",
                        "log.retention.check.interval.ms", "1000"))) {
            Map<String, Object> kafka = Map.of("bootstrap.servers", broker.bootstrapServers());
            try (Admin admin = Admin.create(kafka)) {
                TopicCatalogue.load().ensureTopics(admin);
                fastCompaction(admin, Topics.SUBJECT_KEYS);
            }
            MasterKeys masterKeys = MasterKeys.ephemeral();
            try (GalleryService processor = new GalleryService(
                            kafka,
                            masterKeys,
                            TestAuditKeys.keys(),
                            "test",
                            new MetricsRegistry(),
                            Duration.ofSeconds(1));
                    KafkaGalleryCommands commands = KafkaGalleryCommands.start(kafka, "test", WAIT)) {
                processor.start(WAIT);
                try (Admin admin = Admin.create(kafka)) {
                    fastCompaction(admin, CHANGELOG); // created by the processor with the key topic's hour
                }
                EnrollmentService service = new EnrollmentService(commands, masterKeys, 5, WAIT);
                Random random = new Random(3);
                GalleryRecord photos = new GalleryRecord(
                        "rose",
                        "rose",
                        List.of(new Template(
                                Embeddings.unit(random, Embeddings.DIMENSION), "rose.jpg", WireFixtures.quality())),
                        "yunet-w600k-int8",
                        Instant.now());
                GalleryOutcome enrolled = service.enroll(photos, null, Origin.of("user:test", "test"));
                SubjectKeyRecord key = keyRecord(kafka, enrolled.keyId());
                byte[] wrapped =
                        Base64.getEncoder().encodeToString(key.wrappedKey()).getBytes(StandardCharsets.US_ASCII);
                Await.until(
                        "the wrapped key on the broker's disk (key topic and changelog)",
                        WAIT,
                        () -> holding(data, wrapped).size() >= 2);

                service.erase("rose", Origin.of("user:dpo", "test"));
                long erased = System.nanoTime();

                // two walks in a row that find it nowhere: a file renamed during one walk is seen by the next
                int[] clean = {0};
                Await.until("no file of the broker holds the destroyed wrapped key, twice in a row", WAIT, () -> {
                    clean[0] = holding(data, wrapped).isEmpty() ? clean[0] + 1 : 0;
                    return clean[0] >= 2;
                });
                System.err.printf(
                        "destroyed key gone from the broker's disk %d ms after the erasure%n",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - erased));
            }
        }
    }

    /**
     * The broker's files holding {@code needle}. Segments roll every second here, so files come and go during a walk:
     * one that vanished before it was read is skipped (its content, renamed, is found by the next walk).
     */
    private static List<Path> holding(Path data, byte[] needle) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.toList()) {
                try {
                    if (Files.isRegularFile(f) && Bytes.indexOf(Files.readAllBytes(f), needle) >= 0) {
                        found.add(f);
                    }
                } catch (NoSuchFileException e) {
                    // rolled, cleaned or deleted since it was listed
                }
            }
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e;
            }
            return holding(data, needle);
        }
        return found;
    }

    /** Segments of a second, compaction due a second after a record: the production hour, scaled down. */
    private static void fastCompaction(Admin admin, String topic) throws Exception {
        admin.incrementalAlterConfigs(Map.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        List.of(
                                new AlterConfigOp(new ConfigEntry("segment.ms", "1000"), AlterConfigOp.OpType.SET),
                                new AlterConfigOp(
                                        new ConfigEntry("max.compaction.lag.ms", "1000"), AlterConfigOp.OpType.SET),
                                new AlterConfigOp(
                                        new ConfigEntry("min.cleanable.dirty.ratio", "0.01"),
                                        AlterConfigOp.OpType.SET))))
                .all()
                .get(30, TimeUnit.SECONDS);
    }

    private static SubjectKeyRecord keyRecord(Map<String, Object> kafka, String keyId) {
        SubjectKeyRecord[] found = new SubjectKeyRecord[1];
        TopicTail.of(kafka, "test-keys", Topics.SUBJECT_KEYS, TopicTail.Start.BEGINNING)
                .readToEnd(WAIT, r -> {
                    if ("rose".equals(r.key()) && r.value() != null) {
                        SubjectKeyRecord k = EventSerdes.subjectKeys().deserialize(r.topic(), r.value());
                        if (k.keyId().equals(keyId)) {
                            found[0] = k;
                        }
                    }
                });
        assertThat(found[0]).as("the key record of %s", keyId).isNotNull();
        return found[0];
    }
}
