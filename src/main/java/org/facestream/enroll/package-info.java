/**
 * Enrollment and erasure, the one use case every entry point calls: {@link
 * org.facestream.enroll.EnrollmentService} serves {@code POST} and {@code DELETE /api/v1/subjects/{id}},
 * {@code facestream enroll} (also {@code --dir}) and {@code erase}, and the demo and {@code bench} pipelines.
 * Photos become templates through the production detect-align-embed path ({@link
 * org.facestream.enroll.Enroller} on a {@link org.facestream.vision.FaceAnalyzer}); a photo must show exactly
 * one face. The service clusters a subject's new templates with its current ones, keeps the dominant
 * cluster's sub-centres and reports the outliers, and writes the record with its audit record.
 *
 * <p>Writes, through {@link org.facestream.enroll.GalleryPublisher} (the one writer, behind the {@link
 * org.facestream.enroll.GalleryWriter} port): {@code facestream.subject-keys.v1} (the subject's data key,
 * wrapped), {@code facestream.gallery.v1} (the record sealed under that key), both keyed by subject id, and
 * the change's record on {@code facestream.audit.v1}, in one transaction of the writer's audit chain; erasure
 * writes the key's tombstone, then the gallery's, then its audit record, in one transaction too. Reads the
 * subjects' current records through the {@link org.facestream.enroll.SubjectRecords} port (the API's gallery
 * view, or {@link org.facestream.enroll.GallerySnapshot}: both topics read once to their end, read_committed).
 * No stores.
 *
 * <p>{@link org.facestream.enroll.PhotoFolder} is the one rule for a folder of people's photos ({@code enroll
 * --dir} and the adaptive threshold's cohort, {@link org.facestream.enroll.CohortPhotos}).
 */
package org.facestream.enroll;
