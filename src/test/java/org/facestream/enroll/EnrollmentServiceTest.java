package org.facestream.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Json;
import org.facestream.events.Template;
import org.facestream.events.Topics;
import org.facestream.events.WireFixtures;
import org.facestream.testing.Embeddings;
import org.junit.jupiter.api.Test;

/**
 * The one enrollment and erasure, without Kafka or models: the entry point's half ({@link EnrollmentService}: the
 * command it submits, how it reads the outcome) against the gallery processor's rules ({@link GalleryChanges}) applied
 * in memory. New photos join the subject's current templates of the same pack, the dominant cluster's sub-centres are
 * kept, outliers are reported, an erasure is final, and every change carries the audit details the entry points
 * rely on.
 */
class EnrollmentServiceTest {
    private static final String PACK = "yunet-w600k-int8";
    private static final Instant AT = Instant.parse("2026-04-01T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final Random random = new Random(11);
    private final float[] obama = Embeddings.unit(random, Embeddings.DIMENSION);
    private final MasterKeys masterKeys = MasterKeys.ephemeral();
    private final Clock clock = Clock.fixed(AT.plusSeconds(1), ZoneOffset.UTC);
    private final InMemoryGalleryProcessor processor = new InMemoryGalleryProcessor(masterKeys, clock);
    private final EnrollmentService service = new EnrollmentService(processor, masterKeys, 3, WAIT, clock);

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

    private GalleryRecord opened() {
        return processor.opened("obama").orElseThrow();
    }

    @Test
    void aNewSubjectGetsItsPhotosAsSubCentresItsIdAsNameAFreshKeyAndTheAuditDetailsOfTheEntryPoint() throws Exception {
        GalleryOutcome e = service.enroll(photos(PACK, "a.jpg", "b.jpg"), null, Origin.of("user:alice", "cli"));
        assertThat(e.status()).isEqualTo(GalleryOutcome.ENROLLED);
        assertThat(e.hadRecord()).isFalse();
        assertThat(e.added()).isEqualTo(2);
        assertThat(e.dropped()).isZero();
        assertThat(e.outliers()).isEmpty();
        assertThat(e.templates()).isEqualTo(2);
        assertThat(e.enrolledAt()).isEqualTo(AT);
        assertThat(e.keyId())
                .startsWith("dek-")
                .isEqualTo(processor.entry("obama").orElseThrow().key().keyId());
        assertThat(e.audit()).isEqualTo("gallery-0-test#0");
        assertThat(opened().displayName()).isEqualTo("obama");
        assertThat(opened().templates()).extracting(Template::source).containsExactlyInAnyOrder("a.jpg", "b.jpg");
        AuditEntry a = processor.audited().getLast();
        assertThat(a.actor()).isEqualTo("user:alice");
        assertThat(a.action()).isEqualTo(AuditRecord.SUBJECT_ENROLLED);
        assertThat(a.subject()).isEqualTo("obama");
        assertThat(a.details())
                .containsAllEntriesOf(Map.of(
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
                        PACK,
                        "key.id",
                        e.keyId(),
                        "command",
                        Topics.GALLERY_COMMANDS + "-0@0"))
                .containsEntry("request.id", processor.commands().getLast().requestId());
    }

    @Test
    void theCommandCarriesThePhotosSealedNeverAsPlaintextAndExpiresWhenTheWaitEnds() throws Exception {
        GalleryRecord photos = photos(PACK, "secret-name.jpg");
        service.enroll(photos, "Barack Obama", Origin.of("api-key:op-1", "api").with("remote", "10.0.0.7"));
        GalleryCommand c = processor.commands().getLast();
        assertThat(c.action()).isEqualTo(GalleryCommand.ENROLL);
        assertThat(c.submittedAt()).isEqualTo(clock.instant());
        assertThat(c.expiresAt()).isEqualTo(clock.instant().plus(WAIT));
        assertThat(c.rename()).isTrue();
        assertThat(c.maxTemplates()).isEqualTo(3);
        assertThat(c.details()).containsExactlyInAnyOrderEntriesOf(Map.of("via", "api", "remote", "10.0.0.7"));
        String json =
                new String(EventSerdes.galleryCommands().serialize(Topics.GALLERY_COMMANDS, c), StandardCharsets.UTF_8);
        float[] e = photos.templates().get(0).embedding();
        assertThat(json)
                .doesNotContain("secret-name")
                .doesNotContain("Barack")
                .doesNotContain(Json.MAPPER.writeValueAsString(e[0]))
                .contains(c.photosKey().keyId());
        assertThat(c.photosKey().keyId())
                .as("a one-time key, never the subject's")
                .isNotEqualTo(processor.entry("obama").orElseThrow().key().keyId());
    }

    @Test
    void newPhotosJoinTheCurrentTemplatesUnderTheSameKeyAndTheSubjectKeepsItsNameUnlessGivenANewOne() throws Exception {
        GalleryOutcome first = service.enroll(photos(PACK, "a.jpg"), "Barack Obama", Origin.of("api-key:op-1", "api"));
        GalleryOutcome second = service.enroll(photos(PACK, "b.jpg"), null, Origin.of("user:bob", "cli"));
        assertThat(second.hadRecord()).isTrue();
        assertThat(second.keyId()).isEqualTo(first.keyId());
        assertThat(opened().templates()).extracting(Template::source).containsExactlyInAnyOrder("a.jpg", "b.jpg");
        assertThat(opened().displayName()).isEqualTo("Barack Obama");
        assertThat(processor.audited().getLast().details())
                .containsEntry("templates.added", "1")
                .containsEntry("templates", "2");

        service.enroll(photos(PACK, "c.jpg"), "B. Obama", Origin.of("user:bob", "cli"));
        assertThat(opened().displayName()).isEqualTo("B. Obama");
        assertThat(opened().templates()).hasSize(3);
    }

    @Test
    void beyondTheLimitTheMostDiverseAreKeptAndTheRestDropped() throws Exception {
        service.enroll(photos(PACK, "a.jpg", "b.jpg"), null, Origin.of("user:bob", "cli"));
        GalleryOutcome e = service.enroll(photos(PACK, "c.jpg", "d.jpg"), null, Origin.of("user:bob", "cli"));
        assertThat(e.templates()).isEqualTo(3);
        assertThat(e.dropped()).isEqualTo(1);
        assertThat(processor.audited().getLast().details())
                .containsEntry("templates.dropped", "1")
                .containsEntry("templates", "3");
    }

    @Test
    void aPhotoOfSomeoneElseIsLeftOutAndNamedNeverEnrolled() throws Exception {
        service.enroll(photos(PACK, "a.jpg", "b.jpg"), null, Origin.of("user:bob", "cli"));
        float[] biden = Embeddings.unit(random, Embeddings.DIMENSION);
        GalleryRecord mislabelled = new GalleryRecord("obama", "obama", List.of(photo("biden.jpg", biden)), PACK, AT);
        GalleryOutcome e = service.enroll(mislabelled, null, Origin.of("user:bob", "cli"));
        assertThat(e.outliers()).containsExactly("biden.jpg");
        assertThat(opened().templates()).extracting(Template::source).containsExactlyInAnyOrder("a.jpg", "b.jpg");
        assertThat(processor.audited().getLast().details()).containsEntry("templates.outliers", "biden.jpg");
    }

    @Test
    void templatesOfAnotherModelPackAreReplacedNotMerged() throws Exception {
        service.enroll(photos("scrfd-arcface-r50", "old.jpg"), null, Origin.of("user:bob", "cli"));
        GalleryOutcome e = service.enroll(photos(PACK, "new.jpg"), null, Origin.of("user:bob", "cli"));
        assertThat(e.hadRecord()).isTrue();
        assertThat(e.modelPackId()).isEqualTo(PACK);
        assertThat(opened().templates()).extracting(Template::source).containsExactly("new.jpg");
    }

    @Test
    void erasureDestroysTheKeyWithWhatTheRecordSaidAndTheOrigin() throws Exception {
        GalleryOutcome enrolled = service.enroll(photos(PACK, "a.jpg", "b.jpg"), null, Origin.of("user:bob", "cli"));
        GalleryOutcome e =
                service.erase("obama", Origin.of("api-key:admin-1", "api").with("remote", "10.0.0.7"));
        assertThat(e.status()).isEqualTo(GalleryOutcome.ERASED);
        assertThat(e.hadRecord()).isTrue();
        assertThat(e.keyId()).isEqualTo(enrolled.keyId());
        assertThat(e.templates()).isEqualTo(2);
        assertThat(processor.entry("obama")).isEmpty();
        AuditEntry a = processor.audited().getLast();
        assertThat(a.action()).isEqualTo(AuditRecord.SUBJECT_ERASED);
        assertThat(a.actor()).isEqualTo("api-key:admin-1");
        assertThat(a.details())
                .containsAllEntriesOf(Map.of(
                        "via", "api",
                        "remote", "10.0.0.7",
                        "templates", "2",
                        "model.pack", PACK,
                        "found", "record",
                        "key.id", enrolled.keyId()));

        // a subject the processor holds nothing of (written before it existed): tombstoned all the same, and said so
        GalleryOutcome nothing = service.erase("biden", Origin.of("user:dpo", "cli"));
        assertThat(nothing.hadRecord()).isFalse();
        assertThat(nothing.keyId()).isNull();
        assertThat(processor.audited().getLast().details())
                .containsEntry("found", "nothing")
                .doesNotContainKey("key.id");
    }

    @Test
    void anEnrollmentAfterAnErasureStartsAfreshWithOnlyItsOwnPhotosUnderANewKey() throws Exception {
        GalleryOutcome before = service.enroll(photos(PACK, "a.jpg", "b.jpg"), "Barack", Origin.of("user:bob", "cli"));
        service.erase("obama", Origin.of("user:dpo", "cli"));
        GalleryOutcome after = service.enroll(photos(PACK, "c.jpg"), null, Origin.of("user:bob", "cli"));
        assertThat(after.hadRecord()).isFalse();
        assertThat(after.keyId()).isNotEqualTo(before.keyId());
        assertThat(opened().templates()).extracting(Template::source).containsExactly("c.jpg");
        assertThat(opened().displayName()).as("nothing of the erased subject").isEqualTo("obama");
    }

    @Test
    void anEntryNamingADestroyedKeyIsNeverReused() throws Exception {
        service.enroll(photos(PACK, "a.jpg"), null, Origin.of("user:bob", "cli"));
        SubjectEntry erased = processor.entry("obama").orElseThrow();
        service.erase("obama", Origin.of("user:dpo", "cli"));
        processor.put(erased); // a replay into the store's changelog

        GalleryOutcome e = service.enroll(photos(PACK, "b.jpg"), null, Origin.of("user:bob", "cli"));
        assertThat(e.hadRecord()).isFalse();
        assertThat(e.keyId()).isNotEqualTo(erased.key().keyId());
        assertThat(opened().templates()).extracting(Template::source).containsExactly("b.jpg");
    }

    @Test
    void anEnrollmentReachingTheProcessorAfterItExpiredChangesNothingAndSaysSo() {
        Clock late = Clock.fixed(AT.plus(WAIT).plusSeconds(2), ZoneOffset.UTC);
        EnrollmentService slow =
                new EnrollmentService(new InMemoryGalleryProcessor(masterKeys, late), masterKeys, 3, WAIT, clock);
        assertThatThrownBy(() -> slow.enroll(photos(PACK, "a.jpg"), null, Origin.of("user:bob", "cli")))
                .isInstanceOfSatisfying(
                        GalleryCommandException.class,
                        e -> assertThat(e.kind()).isEqualTo(GalleryCommandException.Kind.EXPIRED))
                .hasMessageContaining("after it expired at " + clock.instant().plus(WAIT))
                .hasMessageEndingWith(": not applied");
    }

    @Test
    void photosSealedUnderAnotherMasterKeyAreRefusedNotEnrolled() {
        EnrollmentService otherKey = new EnrollmentService(processor, MasterKeys.ephemeral(), 3, WAIT, clock);
        assertThatThrownBy(() -> otherKey.enroll(photos(PACK, "a.jpg"), null, Origin.of("user:bob", "cli")))
                .isInstanceOfSatisfying(
                        GalleryCommandException.class,
                        e -> assertThat(e.kind()).isEqualTo(GalleryCommandException.Kind.REFUSED))
                .hasMessageContaining("do not open")
                .hasMessageEndingWith("entry point and gallery processor need the same master key");
        assertThat(processor.entry("obama")).isEmpty();
    }

    @Test
    void withoutAnOutcomeAnEnrollmentIsSaidExpiredAndAnErasureQueued() {
        GalleryCommands silent = (command, timeout) -> {
            throw new GalleryCommandException(GalleryCommandException.Kind.TIMED_OUT, "no outcome within 30 s.");
        };
        EnrollmentService waiting = new EnrollmentService(silent, masterKeys, 3, WAIT, clock);
        assertThatThrownBy(() -> waiting.enroll(photos(PACK, "a.jpg"), null, Origin.of("user:bob", "cli")))
                .hasMessage("no outcome within 30 s. The enrollment expired at "
                        + clock.instant().plus(WAIT)
                        + ": the gallery processor refuses it after that, so it was not applied.");
        assertThatThrownBy(() -> waiting.erase("obama", Origin.of("user:dpo", "cli")))
                .hasMessage("no outcome within 30 s. The erasure stays queued on the commands topic and is applied"
                        + " when the gallery processor runs; check with 'facestream audit show --subject obama'.");
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
