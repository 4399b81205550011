/**
 * Enrollment: photos of a subject become gallery templates through the production detect-align-embed
 * path ({@link org.facestream.vision.FaceAnalyzer}); a photo must show exactly one face. {@link
 * org.facestream.enroll.GalleryPublisher} is the one writer of {@code facestream.subject-keys.v1} (the
 * subject's data key, wrapped) and {@code facestream.gallery.v1} (the record sealed under that key), both
 * keyed by subject id: the key record (when the subject has none), the sealed record and the change's record on
 * {@code facestream.audit.v1} go in one transaction of the writer's audit chain; erasure writes the key's tombstone,
 * then the gallery's, then its audit record, in one transaction too. Used by {@code
 * facestream enroll} and {@code erase}, the demo and {@code bench} pipelines, and the REST API.
 */
package org.facestream.enroll;
