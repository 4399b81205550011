package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.facestream.audit.AuditTopic;
import org.facestream.crypto.MasterKey;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.GalleryService;
import org.facestream.enroll.GallerySnapshot;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.events.TopicCatalogue;
import org.facestream.events.Topics;
import org.facestream.kafka.EmbeddedKafkaBroker;
import org.facestream.metrics.MetricsRegistry;
import org.facestream.testing.CliRun;
import org.facestream.testing.SharedData;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code facestream enroll} on the real broker with the real models and the gallery processor enrolls as the API
 * does: a second run adds its photos to the subject's current templates (same data key), and {@code --dir} reads a
 * photo folder by the one rule (a photo in the folder is one subject, a sub-folder one subject's photos).
 */
class EnrollCommandTest {
    @TempDir
    Path dir;

    @Test
    void aSecondEnrollmentAddsToTheFirstAndTheFolderRuleNamesSubjectsByFileAndFolder() throws Exception {
        Path keyFile = dir.resolve("master.key");
        MasterKey key = MasterKey.generate();
        key.write(keyFile);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrapServers();
            Map<String, Object> kafka = Map.of("bootstrap.servers", bootstrap);
            try (Admin admin = Admin.create(kafka)) {
                TopicCatalogue.load().ensureTopics(admin);
            }
            // the gallery processor applies what the command submits ('facestream gallery' in a deployment)
            GalleryService gallery =
                    new GalleryService(kafka, MasterKeys.of(key), TestAuditKeys.keys(), "test", new MetricsRegistry());
            gallery.start(Duration.ofSeconds(60));
            String[] common = {
                "enroll",
                "--bootstrap",
                bootstrap,
                "--models",
                SharedData.models().toString(),
                "-D",
                "security.master.key.file=" + keyFile,
                "--actor",
                "alice"
            };
            CliRun first = CliRun.run(concat(
                    common,
                    "--subject",
                    "obama",
                    SharedData.face("people/obama/obama.jpg").toString()));
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.err())
                    .contains("facestream enroll: obama enrolled with 1 template(s), pack yunet-w600k-int8");
            String dataKey = GallerySnapshot.read(kafka, Duration.ofSeconds(60))
                    .current("obama")
                    .orElseThrow()
                    .keyId();

            CliRun second = CliRun.run(concat(
                    common,
                    "--subject",
                    "obama",
                    SharedData.face("probes/obama1.jpg").toString()));
            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.err()).contains("facestream enroll: obama enrolled with 2 template(s)");
            GallerySnapshot after = GallerySnapshot.read(kafka, MasterKeys.of(key), Duration.ofSeconds(60));
            GalleryRecord obama = after.subject("obama").orElseThrow();
            assertThat(obama.templates())
                    .extracting(Template::source)
                    .containsExactlyInAnyOrder("obama.jpg", "obama1.jpg");
            assertThat(after.current("obama").orElseThrow().keyId())
                    .as("the subject keeps its data key")
                    .isEqualTo(dataKey);

            // a folder: lin's photo directly in it, biden's sub-folder (a link to the shared photos)
            Path root = Files.createDirectories(dir.resolve("people"));
            Files.createSymbolicLink(
                    root.resolve("lin.png"), SharedData.face("people/lin_manuel_miranda/lin-manuel-miranda.png"));
            Files.createSymbolicLink(
                    root.resolve("biden"), SharedData.faces().resolve("people").resolve("biden"));
            CliRun bulk = CliRun.run(concat(common, "--dir", root.toString()));
            assertThat(bulk.exit()).as(bulk.err()).isZero();
            GallerySnapshot bulkRead = GallerySnapshot.read(kafka, MasterKeys.of(key), Duration.ofSeconds(60));
            assertThat(bulkRead.subject("lin").orElseThrow().templates())
                    .extracting(Template::source)
                    .containsExactly("lin.png");
            assertThat(bulkRead.subject("biden").orElseThrow().templates())
                    .isNotEmpty()
                    .allSatisfy(t -> assertThat(t.source()).startsWith("biden"));

            List<AuditRecord> enrolled = new ArrayList<>();
            AuditTopic.readAll(kafka, Topics.AUDIT, r -> {
                AuditRecord a = EventSerdes.audit().deserialize(r.topic(), r.value());
                if (a.action().equals(AuditRecord.SUBJECT_ENROLLED)) {
                    enrolled.add(a);
                }
            });
            assertThat(enrolled)
                    .extracting(AuditRecord::subject)
                    .containsExactlyInAnyOrder("obama", "obama", "biden", "lin");
            assertThat(enrolled)
                    .filteredOn(a -> a.subject().equals("obama")
                            && a.details().get("templates").equals("2"))
                    .singleElement()
                    .satisfies(a -> assertThat(a.details())
                            .containsEntry("via", "cli")
                            .containsEntry("templates.added", "1")
                            .containsEntry("templates.outliers", "")
                            .containsEntry("key.id", dataKey));
            assertThat(enrolled)
                    .filteredOn(a -> a.subject().equals("lin"))
                    .singleElement()
                    .satisfies(a -> assertThat(a.details())
                            .containsEntry("via", "cli-bulk")
                            .containsEntry("templates", "1"));
            gallery.close();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
