/**
 * Enrollment and erasure: the use case every entry point calls, and the gallery processor that applies it.
 *
 * <p>{@link org.facestream.enroll.EnrollmentService} serves {@code POST} and {@code DELETE /api/v1/subjects/{id}},
 * {@code facestream enroll} (also {@code --dir}) and {@code erase}, and the demo and {@code bench} pipelines. Photos
 * become templates at the entry point, through the production detect-align-embed path ({@link
 * org.facestream.enroll.Enroller} on a {@link org.facestream.vision.FaceAnalyzer}; a photo must show exactly one
 * face). The service submits a gallery command (enroll: the templates sealed under a one-time key wrapped under the
 * master key; erase) to {@code facestream.gallery-commands.v1}, keyed by subject, and waits for its outcome on {@code
 * facestream.gallery-outcomes.v1} ({@link org.facestream.enroll.KafkaGalleryCommands}, behind the {@link
 * org.facestream.enroll.GalleryCommands} port).
 *
 * <p>The gallery processor ({@link org.facestream.enroll.GalleryCommandTopology}, application id {@code
 * facestream-gallery}, run by {@link org.facestream.enroll.GalleryService} for {@code facestream gallery} and the
 * demo; exactly-once v2) is the one writer of the gallery: one task per partition applies each subject's commands in
 * order against the subject's entry it alone holds, deciding with {@link org.facestream.enroll.GalleryChanges} (merge
 * with the current templates, sub-centre clustering, key creation, sealing, the audit record). Reads {@code
 * facestream.gallery-commands.v1}; writes {@code facestream.subject-keys.v1} (a new subject's wrapped data key, a
 * tombstone on erasure, a {@code #segment-roll} tombstone every 10 minutes), {@code facestream.gallery.v1} (the record
 * sealed under it, or a tombstone), {@code facestream.erasures.v1} (each erasure and the key it destroyed), {@code
 * facestream.audit.v1}, {@code facestream.gallery-outcomes.v1} and {@code facestream.deadletter.v1}, all in the
 * transaction of the command's offset. Stores (in memory, changelogged): {@code gallery-by-subject} (wrapped key and
 * sealed record per subject: {@link org.facestream.enroll.SubjectEntry}), {@code destroyed-keys}, {@code
 * audit-chain-by-writer}. {@link org.facestream.enroll.ErasureScope} says what an erasure leaves where, and for how
 * long.
 *
 * <p>{@link org.facestream.enroll.GallerySnapshot} and {@link org.facestream.enroll.SubjectKeySnapshot} read the
 * gallery and key topics once to their end (the erase command's check that a subject is there). {@link
 * org.facestream.enroll.PhotoFolder} is the one rule for a folder of people's photos ({@code enroll --dir} and the
 * adaptive threshold's cohort, {@link org.facestream.enroll.CohortPhotos}).
 */
package org.facestream.enroll;
