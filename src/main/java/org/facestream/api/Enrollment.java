package org.facestream.api;

import java.util.Map;
import org.facestream.events.GalleryRecord;

/**
 * Turns uploaded images into templates through the production detect-align-embed path (in production
 * {@code org.facestream.enroll.Enroller::everyTemplate}; the {@link org.facestream.enroll.EnrollmentService}
 * then clusters them with the subject's current templates). Each image must show exactly one face; an image
 * that does not is refused with {@code Enroller.EnrollmentException}. The server calls it from one thread at
 * a time, so implementations need not be thread-safe.
 */
@FunctionalInterface
public interface Enrollment {
    /** A record holding one template per image, in the order of {@code imagesBySource}. */
    GalleryRecord enroll(String subjectId, Map<String, byte[]> imagesBySource);
}
