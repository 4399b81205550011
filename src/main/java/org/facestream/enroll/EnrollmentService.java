package org.facestream.enroll;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.facestream.audit.AuditLog;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.GalleryRecord;
import org.facestream.events.IdentityEvent;
import org.facestream.events.Template;

/**
 * The one enrollment and erasure of FaceStream, whichever entry point asks ({@code POST
 * /api/v1/subjects/{id}/faces} and {@code DELETE /api/v1/subjects/{id}}, {@code facestream enroll} and
 * {@code erase}, the demo and bench pipelines).
 *
 * <p>Enrollment adds photos to a subject: the templates of the new photos (one per photo, made by
 * {@link Enroller} through the production detect-align-embed path) are clustered together with the
 * subject's current templates (those of the same model pack and dimension; another pack's are not
 * comparable, so a re-enrollment with a new pack replaces them), the dominant cluster is kept as up to
 * {@code maxTemplatesPerSubject} sub-centre templates, and photos outside it are reported as outliers, never
 * enrolled ({@link Enroller#subCenters}). The subject keeps its display name unless a new one is given. The
 * record goes to the gallery with its {@code subject-enrolled} audit record in one write: the origin's
 * details, {@code templates.added}, {@code templates}, {@code templates.dropped}, {@code templates.outliers}
 * and {@code model.pack}. Erasure writes the tombstone with its {@code subject-erased} audit record: the
 * origin's details and, when the reader knows them, the record's {@code templates} and {@code model.pack}.
 *
 * <p>Thread-safe as far as its collaborators are, but two enrollments of one subject must not overlap: the
 * second would cluster with a gallery that lacks the first one's templates. Callers serialize them until
 * each is read back (the API under one lock); one-shot writers enroll each subject once.
 */
public final class EnrollmentService {
    private final SubjectRecords current;
    private final GalleryWriter writer;
    private final int maxTemplatesPerSubject;

    /**
     * What an enrollment wrote.
     *
     * @param record the subject's record as written, its templates the chosen sub-centres
     * @param added templates of the new photos
     * @param dropped templates of the dominant cluster left out beyond {@code maxTemplatesPerSubject}
     * @param outliers the photos (template sources) left out as looking like someone else
     * @param hadRecord whether the subject had a record before (the new photos were added to it)
     * @param written where the record went
     */
    public record Enrolled(
            GalleryRecord record,
            int added,
            int dropped,
            List<String> outliers,
            boolean hadRecord,
            GalleryWriter.Written written) {
        public Enrolled {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(written, "written");
            outliers = List.copyOf(outliers);
        }
    }

    /**
     * What an erasure wrote.
     *
     * @param subjectId the erased subject
     * @param written where the tombstones went
     */
    public record Erased(String subjectId, GalleryWriter.Written written) {
        public Erased {
            Objects.requireNonNull(subjectId, "subjectId");
            Objects.requireNonNull(written, "written");
        }
    }

    /**
     * @param current the subjects' current records (the API's gallery view, a snapshot of the topics, or
     *     {@link SubjectRecords#NONE} for a gallery that starts empty)
     * @param writer writes each change with its audit record ({@link GalleryPublisher})
     * @param maxTemplatesPerSubject most sub-centre templates a subject keeps
     */
    public EnrollmentService(SubjectRecords current, GalleryWriter writer, int maxTemplatesPerSubject) {
        if (maxTemplatesPerSubject < 1) {
            throw new IllegalArgumentException(
                    "expected at least 1 template per subject, found " + maxTemplatesPerSubject);
        }
        this.current = Objects.requireNonNull(current, "current");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.maxTemplatesPerSubject = maxTemplatesPerSubject;
    }

    /**
     * Refuses the subject ids FaceStream keeps for itself: {@value IdentityEvent#UNKNOWN} (in any case) is the
     * CloudEvents {@code subject} of every identity event that matched no one, so a subject of that name could
     * not be told apart from a non-match. Every entry point checks it before any work; {@link #enroll} too.
     *
     * @throws IllegalArgumentException naming the id and why
     */
    public static void requireEnrollable(String subjectId) {
        if (IdentityEvent.UNKNOWN.equalsIgnoreCase(subjectId)) {
            throw new IllegalArgumentException("expected a subject id other than '" + IdentityEvent.UNKNOWN
                    + "', found '" + subjectId + "': it is reserved, identity events name faces that match no"
                    + " enrolled subject '" + IdentityEvent.UNKNOWN + "'");
        }
    }

    /**
     * Adds the templates of new photos to their subject's enrollment and writes the result.
     *
     * @param photos one template per new photo ({@link Enroller#everyTemplate}), of the subject to enroll
     * @param displayName the subject's name from now on, or null to keep its current one (its id for a new subject)
     * @param origin who asks, and through which entry point
     * @throws AuditLog.AuditWriteException when the record and its audit record could not be written (then neither was)
     * @throws IllegalArgumentException when the subject id is reserved ({@link #requireEnrollable})
     */
    public Enrolled enroll(GalleryRecord photos, String displayName, Origin origin) {
        String id = photos.subjectId();
        requireEnrollable(id);
        Optional<GalleryRecord> existing = current.subject(id);
        List<Template> templates = new ArrayList<>();
        existing.filter(r -> r.modelPackId().equals(photos.modelPackId()) && r.dimension() == photos.dimension())
                .ifPresent(r -> templates.addAll(r.templates()));
        templates.addAll(photos.templates());
        String name = displayName != null
                ? displayName
                : existing.map(GalleryRecord::displayName).orElse(id);
        Enroller.Enrollment chosen = Enroller.subCenters(
                id, name, templates, photos.modelPackId(), maxTemplatesPerSubject, photos.enrolledAt());
        GalleryRecord record = chosen.record();
        int dropped =
                templates.size() - record.templates().size() - chosen.outliers().size();
        Map<String, String> details = new LinkedHashMap<>(origin.details());
        details.put("templates.added", Integer.toString(photos.templates().size()));
        details.put("templates", Integer.toString(record.templates().size()));
        details.put("templates.dropped", Integer.toString(dropped));
        details.put("templates.outliers", String.join(" ", chosen.outlierSources()));
        details.put("model.pack", record.modelPackId());
        GalleryWriter.Written written =
                writer.write(id, record, AuditEntry.of(origin.actor(), AuditRecord.SUBJECT_ENROLLED, id, details));
        return new Enrolled(
                record, photos.templates().size(), dropped, chosen.outlierSources(), existing.isPresent(), written);
    }

    /**
     * Erases a subject: its data key destroyed and its record tombstoned, with the audit record. Whether the
     * subject is there to erase is the caller's question (the API answers 404, the command refuses every
     * subject before erasing any).
     *
     * @throws AuditLog.AuditWriteException when the tombstones and their audit record could not be written
     */
    public Erased erase(String subjectId, Origin origin) {
        Map<String, String> details = new LinkedHashMap<>(origin.details());
        current.summary(subjectId).ifPresent(s -> {
            details.put("templates", Integer.toString(s.templates()));
            details.put("model.pack", s.modelPackId());
        });
        GalleryWriter.Written written = writer.write(
                subjectId, null, AuditEntry.of(origin.actor(), AuditRecord.SUBJECT_ERASED, subjectId, details));
        return new Erased(subjectId, written);
    }
}
