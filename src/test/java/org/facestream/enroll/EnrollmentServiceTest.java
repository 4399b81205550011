package org.facestream.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.facestream.audit.AuditLog;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Template;
import org.facestream.events.WireFixtures;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

/**
 * The one enrollment, without Kafka or models: new photos join the subject's current templates of the same
 * pack, the dominant cluster's sub-centres are kept, outliers are reported, and every write carries the audit
 * details the entry points rely on.
 */
class EnrollmentServiceTest {
    private static final String PACK = "yunet-w600k-int8";
    private static final Instant AT = Instant.parse("2026-04-01T10:00:00Z");
    private final Random random = new Random(11);
    private final float[] obama = Embeddings.unit(random, Embeddings.DIMENSION);
    private final Map<String, GalleryRecord> gallery = new HashMap<>();
    private final List<AuditEntry> audited = new ArrayList<>();

    /** Applies each write to {@link #gallery} at once and keeps its audit entry. */
    private final GalleryWriter writer = (subjectId, record, audit) -> {
        audited.add(audit);
        if (record == null) {
            gallery.remove(subjectId);
        } else {
            gallery.put(subjectId, record);
        }
        return new GalleryWriter.Written(0, audited.size() - 1);
    };

    private final EnrollmentService service =
            new EnrollmentService(id -> Optional.ofNullable(gallery.get(id)), writer, 3);

    private Template photo(String source, float[] embedding) {
        return new Template(embedding, source, WireFixtures.quality());
    }

    /** Photos of obama: each at cosine 0.7 to the same face. */
    private GalleryRecord photos(String pack, String... sources) {
        List<Template> t = new ArrayList<>();
        for (String s : sources) {
            t.add(photo(s, Embeddings.atCosine(obama, 0.7, random)));
        }
        return new GalleryRecord("obama", "obama", t, pack, AT);
    }

    @Test
    void aNewSubjectGetsItsPhotosAsSubCentresItsIdAsNameAndTheAuditDetailsOfTheEntryPoint() {
        EnrollmentService.Enrolled e =
                service.enroll(photos(PACK, "a.jpg", "b.jpg"), null, Origin.of("user:alice", "cli"));
        assertThat(e.hadRecord()).isFalse();
        assertThat(e.added()).isEqualTo(2);
        assertThat(e.dropped()).isZero();
        assertThat(e.outliers()).isEmpty();
        assertThat(e.record().displayName()).isEqualTo("obama");
        assertThat(e.record().templates()).extracting(Template::source).containsExactlyInAnyOrder("a.jpg", "b.jpg");
        assertThat(e.record().enrolledAt()).isEqualTo(AT);
        AuditEntry a = audited.getLast();
        assertThat(a.actor()).isEqualTo("user:alice");
        assertThat(a.action()).isEqualTo(AuditRecord.SUBJECT_ENROLLED);
        assertThat(a.subject()).isEqualTo("obama");
        assertThat(a.details())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "via",
                        "cli",
                        "templates.added",
                        "2",
                        "templates",
                        "2",
                        "templates.dropped",
                        "0",
                        "templates.outliers",
                        "",
                        "model.pack",
                        PACK));
    }

    @Test
    void newPhotosJoinTheCurrentTemplatesAndTheSubjectKeepsItsNameUnlessGivenANewOne() {
        service.enroll(photos(PACK, "a.jpg"), "Barack Obama", Origin.of("api-key:op-1", "api"));
        EnrollmentService.Enrolled second = service.enroll(photos(PACK, "b.jpg"), null, Origin.of("user:bob", "cli"));
        assertThat(second.hadRecord()).isTrue();
        assertThat(second.record().templates())
                .extracting(Template::source)
                .containsExactlyInAnyOrder("a.jpg", "b.jpg");
        assertThat(second.record().displayName()).isEqualTo("Barack Obama");
        assertThat(audited.getLast().details())
                .containsEntry("templates.added", "1")
                .containsEntry("templates", "2");

        EnrollmentService.Enrolled renamed =
                service.enroll(photos(PACK, "c.jpg"), "B. Obama", Origin.of("user:bob", "cli"));
        assertThat(renamed.record().displayName()).isEqualTo("B. Obama");
        assertThat(renamed.record().templates()).hasSize(3);
    }

    @Test
    void beyondTheLimitTheMostDiverseAreKeptAndTheRestDropped() {
        service.enroll(photos(PACK, "a.jpg", "b.jpg"), null, Origin.of("user:bob", "cli"));
        EnrollmentService.Enrolled e =
                service.enroll(photos(PACK, "c.jpg", "d.jpg"), null, Origin.of("user:bob", "cli"));
        assertThat(e.record().templates()).hasSize(3);
        assertThat(e.dropped()).isEqualTo(1);
        assertThat(audited.getLast().details())
                .containsEntry("templates.dropped", "1")
                .containsEntry("templates", "3");
    }

    @Test
    void aPhotoOfSomeoneElseIsLeftOutAndNamedNeverEnrolled() {
        service.enroll(photos(PACK, "a.jpg", "b.jpg"), null, Origin.of("user:bob", "cli"));
        float[] biden = Embeddings.unit(random, Embeddings.DIMENSION);
        GalleryRecord mislabelled = new GalleryRecord("obama", "obama", List.of(photo("biden.jpg", biden)), PACK, AT);
        EnrollmentService.Enrolled e = service.enroll(mislabelled, null, Origin.of("user:bob", "cli"));
        assertThat(e.outliers()).containsExactly("biden.jpg");
        assertThat(e.record().templates()).extracting(Template::source).containsExactlyInAnyOrder("a.jpg", "b.jpg");
        assertThat(audited.getLast().details()).containsEntry("templates.outliers", "biden.jpg");
    }

    @Test
    void templatesOfAnotherModelPackAreReplacedNotMerged() {
        service.enroll(photos("scrfd-arcface-r50", "old.jpg"), null, Origin.of("user:bob", "cli"));
        EnrollmentService.Enrolled e = service.enroll(photos(PACK, "new.jpg"), null, Origin.of("user:bob", "cli"));
        assertThat(e.hadRecord()).isTrue();
        assertThat(e.record().modelPackId()).isEqualTo(PACK);
        assertThat(e.record().templates()).extracting(Template::source).containsExactly("new.jpg");
    }

    @Test
    void erasureTombstonesTheSubjectWithWhatItsRecordSaysAndTheOrigin() {
        service.enroll(photos(PACK, "a.jpg", "b.jpg"), null, Origin.of("user:bob", "cli"));
        EnrollmentService.Erased e =
                service.erase("obama", Origin.of("api-key:admin-1", "api").with("remote", "10.0.0.7"));
        assertThat(e.subjectId()).isEqualTo("obama");
        assertThat(gallery).doesNotContainKey("obama");
        AuditEntry a = audited.getLast();
        assertThat(a.action()).isEqualTo(AuditRecord.SUBJECT_ERASED);
        assertThat(a.details())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("via", "api", "remote", "10.0.0.7", "templates", "2", "model.pack", PACK));

        // a reader that cannot open the record (the erase command has no master key) gives its clear fields
        SubjectRecords sealedOnly = new SubjectRecords() {
            @Override
            public Optional<GalleryRecord> subject(String subjectId) {
                return Optional.empty();
            }

            @Override
            public Optional<Summary> summary(String subjectId) {
                return Optional.of(new Summary(4, PACK));
            }
        };
        new EnrollmentService(sealedOnly, writer, 3).erase("biden", Origin.of("user:dpo", "cli"));
        assertThat(audited.getLast().details())
                .containsExactlyInAnyOrderEntriesOf(Map.of("via", "cli", "templates", "4", "model.pack", PACK));
    }

    @Test
    void aWriteThatFailsLeavesNothingAndSaysSo() {
        GalleryWriter failing = (subjectId, record, audit) -> {
            throw new AuditLog.AuditWriteException("audit log api-1 is closed; nothing was written", null);
        };
        EnrollmentService broken = new EnrollmentService(SubjectRecords.NONE, failing, 3);
        assertThatThrownBy(() -> broken.enroll(photos(PACK, "a.jpg"), null, Origin.of("user:bob", "cli")))
                .isInstanceOf(AuditLog.AuditWriteException.class)
                .hasMessageContaining("nothing was written");
    }

    @Test
    void anOriginNamesItsEntryPoint() {
        assertThatThrownBy(() -> new Origin("user:bob", Map.of("remote", "10.0.0.7")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected the entry point in details.via, found [remote]");
        assertThat(Origin.of("api-key:op-1", "api").with("remote", "10.0.0.7").details())
                .containsExactlyInAnyOrderEntriesOf(Map.of("via", "api", "remote", "10.0.0.7"));
    }
}
