package org.facestream.enroll;

import java.util.Objects;
import java.util.Optional;
import org.facestream.events.GalleryRecord;

/**
 * What the {@link EnrollmentService} reads of the gallery: each subject's current record, as far as the
 * reader has read {@code facestream.gallery.v1} and {@code facestream.subject-keys.v1}. Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface SubjectRecords {
    /** No subject has a record (a gallery that starts empty: the in-process pipeline's fresh broker). */
    SubjectRecords NONE = subjectId -> Optional.empty();

    /**
     * The subject's current record, opened: the templates new photos are clustered with. Empty when it has
     * none, or none that opens (its key destroyed, or a master key this reader lacks): then it counts as erased.
     */
    Optional<GalleryRecord> subject(String subjectId);

    /**
     * What an erasure records of the subject's record: its template count and model pack. By default those of
     * {@link #subject}; a reader without the master key (erasure needs none) gives the clear fields of the
     * sealed record.
     */
    default Optional<Summary> summary(String subjectId) {
        return subject(subjectId).map(r -> new Summary(r.templates().size(), r.modelPackId()));
    }

    /**
     * The clear facts of a gallery record.
     *
     * @param templates how many templates it holds
     * @param modelPackId the model pack they were computed with
     */
    record Summary(int templates, String modelPackId) {
        public Summary {
            Objects.requireNonNull(modelPackId, "modelPackId");
            if (templates < 0) {
                throw new IllegalArgumentException("expected a template count >= 0, found " + templates);
            }
        }
    }
}
