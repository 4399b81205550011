package org.facestream.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The enrolled templates of one subject, in the clear: what enrollment computes, what the matcher's
 * in-memory index and the API hold. It never travels or rests as is: the compacted {@link Topics#GALLERY}
 * topic (and the matcher's RocksDB store) carry it sealed under the subject's data key as a {@link
 * SealedGalleryRecord}. A later record replaces an earlier one; a tombstone (null value) erases the subject.
 *
 * @param subjectId the subject's id (the record key)
 * @param displayName a human-readable name, may equal the id
 * @param templates one or more templates, all of the same dimension
 * @param modelPackId the model pack the templates were computed with; the matcher ignores other packs
 * @param enrolledAt when this version of the subject was written
 */
public record GalleryRecord(
        String subjectId, String displayName, List<Template> templates, String modelPackId, Instant enrolledAt) {
    public GalleryRecord {
        Validation.requireId("subjectId", subjectId);
        displayName = displayName == null || displayName.isBlank() ? subjectId : displayName;
        Objects.requireNonNull(templates, "templates");
        if (templates.isEmpty()) {
            throw new IllegalArgumentException(
                    "expected at least one template for subject " + subjectId + ", found none");
        }
        templates = List.copyOf(templates);
        int dim = templates.get(0).embedding().length;
        for (Template t : templates) {
            if (t.embedding().length != dim) {
                throw new IllegalArgumentException("expected every template of " + subjectId + " to have length " + dim
                        + ", found " + t.embedding().length);
            }
        }
        Validation.requireId("modelPackId", modelPackId);
        Objects.requireNonNull(enrolledAt, "enrolledAt");
    }

    /** What a subject id is, in words: {@value Validation#ID_RULE}. */
    public static final String SUBJECT_ID_RULE = Validation.ID_RULE;

    /** Whether {@code subjectId} is one a record may carry: the one rule of every entry point (API, CLI, records). */
    public static boolean isSubjectId(String subjectId) {
        return Validation.isId(subjectId);
    }

    /**
     * Checks a subject id ({@value Validation#ID_RULE}) for writers that have no record, such as erasure.
     *
     * @return the id
     * @throws IllegalArgumentException naming what was found
     */
    public static String requireSubjectId(String subjectId) {
        Validation.requireId("subjectId", subjectId);
        return subjectId;
    }

    /** Embedding dimension of the templates. */
    public int dimension() {
        return templates.get(0).embedding().length;
    }
}
