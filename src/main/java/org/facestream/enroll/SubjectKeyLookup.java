package org.facestream.enroll;

import java.util.Optional;
import org.facestream.events.SubjectKeyRecord;

/**
 * Where a gallery writer finds a subject's current wrapped data key: what {@code facestream.subject-keys.v1}
 * holds for it, as far as the reader has read. Implementations are thread-safe.
 */
@FunctionalInterface
public interface SubjectKeyLookup {
    /** The subject's current key record, if it has one. */
    Optional<SubjectKeyRecord> current(String subjectId);
}
