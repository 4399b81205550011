package org.facestream.enroll;

import java.util.Objects;
import org.facestream.events.JsonSerde;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;

/**
 * What the gallery processor holds of one subject, in its {@value GalleryCommandTopology#GALLERY_BY_SUBJECT} store:
 * the subject's data key, wrapped under the master key, and its record sealed under that key, exactly as they were
 * written to {@code facestream.subject-keys.v1} and {@code facestream.gallery.v1}. Nothing in the clear, so the store
 * and its changelog topic hold what the two topics hold; an erasure deletes the entry.
 *
 * @param key the subject's wrapped data key
 * @param record the subject's current record, sealed under {@code key}
 */
public record SubjectEntry(SubjectKeyRecord key, SealedGalleryRecord record) {
    public SubjectEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(record, "record");
        if (!key.subjectId().equals(record.subjectId()) || !key.keyId().equals(record.keyId())) {
            throw new IllegalArgumentException("expected a record sealed under its subject's key " + key.subjectId()
                    + "/" + key.keyId() + ", found one of " + record.subjectId() + " under " + record.keyId());
        }
    }

    /** The JSON serde of the store's values (and its changelog). */
    public static JsonSerde<SubjectEntry> serde() {
        return new JsonSerde<>(SubjectEntry.class);
    }
}
