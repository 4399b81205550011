package org.facestream.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A request to change one subject of the gallery, the value of {@link Topics#GALLERY_COMMANDS} (key: the subject
 * id). Entry points (the API, {@code facestream enroll} and {@code erase}, the demo) only submit commands; the
 * gallery processor applies them one at a time per subject, in the order they landed on the subject's partition,
 * against the subject's current record, and answers each on {@link Topics#GALLERY_OUTCOMES} under the same
 * request id. Schema: {@code topologies/schemas/gallery-command.md}.
 *
 * <p>An enrollment carries the templates of the new photos (one per photo, computed by the entry point through
 * the production detect-align-embed path: the processor never runs a model), sealed like a gallery record under a
 * one-time key that travels beside them wrapped under the master key, so no template is ever on a topic in the
 * clear. It expires: a processor that reaches it after {@code expiresAt} refuses it, so an entry point that gave up
 * waiting can say for certain that it will not be applied later. An erasure never expires.
 *
 * @param requestId unique per request (a random UUID); the outcome carries it
 * @param action {@value #ENROLL} or {@value #ERASE}
 * @param subjectId the subject (the record key)
 * @param submittedAt when the entry point submitted it
 * @param expiresAt an enrollment's deadline; null for an erasure
 * @param actor who asks, as the audit record will name it ({@code api-key:<id>}, {@code user:<name>}, ...)
 * @param details facts the audit record carries besides those of the change ({@code via}, {@code remote}, ...)
 * @param rename enrollment: the photos' display name replaces the subject's; false keeps the subject's (its id for
 *     a new subject)
 * @param maxTemplates enrollment: most sub-centre templates the subject keeps; 0 for an erasure
 * @param photos enrollment: one template per new photo, sealed under {@code photosKey}; null for an erasure
 * @param photosKey enrollment: the one-time key {@code photos} is sealed under, wrapped under a master key; null
 *     for an erasure
 */
public record GalleryCommand(
        String requestId,
        String action,
        String subjectId,
        Instant submittedAt,
        Instant expiresAt,
        String actor,
        SortedMap<String, String> details,
        boolean rename,
        int maxTemplates,
        SealedGalleryRecord photos,
        SubjectKeyRecord photosKey) {
    /** Adds photos to a subject (a new subject when it has no record). */
    public static final String ENROLL = "enroll";
    /** Erases a subject: its data key destroyed, its record tombstoned. */
    public static final String ERASE = "erase";
    /** Most sub-centre templates an enrollment may ask a subject to keep. */
    public static final int MAX_TEMPLATES = 100;

    private static final Set<String> ACTIONS = Set.of(ENROLL, ERASE);

    public GalleryCommand {
        Validation.requireId("requestId", requestId);
        if (action == null || !ACTIONS.contains(action)) {
            throw new IllegalArgumentException("expected action " + ENROLL + " or " + ERASE + ", found "
                    + (action == null ? "null" : "'" + action + "'"));
        }
        Validation.requireId("subjectId", subjectId);
        Objects.requireNonNull(submittedAt, "submittedAt");
        AuditRecord.requireText("actor", actor, 256);
        details = AuditRecord.copyDetails(details == null ? Map.of() : details);
        if (ENROLL.equals(action)) {
            if (expiresAt == null || !expiresAt.isAfter(submittedAt)) {
                throw new IllegalArgumentException("expected an enrollment to expire after it was submitted ("
                        + submittedAt + "), found " + expiresAt);
            }
            if (maxTemplates < 1 || maxTemplates > MAX_TEMPLATES) {
                throw new IllegalArgumentException(
                        "expected maxTemplates in [1, " + MAX_TEMPLATES + "], found " + maxTemplates);
            }
            Objects.requireNonNull(photos, "photos");
            Objects.requireNonNull(photosKey, "photosKey");
            if (!photos.subjectId().equals(subjectId) || !photosKey.subjectId().equals(subjectId)) {
                throw new IllegalArgumentException("expected photos and their key of subject " + subjectId
                        + ", found photos of " + photos.subjectId() + " and a key of " + photosKey.subjectId());
            }
            if (!photos.keyId().equals(photosKey.keyId())) {
                throw new IllegalArgumentException("expected photos sealed under the key that travels with them ("
                        + photosKey.keyId() + "), found " + photos.keyId());
            }
        } else if (expiresAt != null || rename || maxTemplates != 0 || photos != null || photosKey != null) {
            throw new IllegalArgumentException(
                    "expected an erasure without expiry, rename, maxTemplates or photos, found expiresAt " + expiresAt
                            + ", rename " + rename + ", maxTemplates " + maxTemplates + ", photos "
                            + (photos == null ? "none" : photos.templateCount()));
        }
    }

    /** An enrollment of {@code photos} (sealed under {@code photosKey}) into their subject. */
    public static GalleryCommand enroll(
            String requestId,
            Instant submittedAt,
            Instant expiresAt,
            String actor,
            Map<String, String> details,
            boolean rename,
            int maxTemplates,
            SealedGalleryRecord photos,
            SubjectKeyRecord photosKey) {
        return new GalleryCommand(
                requestId,
                ENROLL,
                photos.subjectId(),
                submittedAt,
                expiresAt,
                actor,
                new TreeMap<>(details),
                rename,
                maxTemplates,
                photos,
                photosKey);
    }

    /** An erasure of {@code subjectId}. */
    public static GalleryCommand erase(
            String requestId, String subjectId, Instant submittedAt, String actor, Map<String, String> details) {
        return new GalleryCommand(
                requestId, ERASE, subjectId, submittedAt, null, actor, new TreeMap<>(details), false, 0, null, null);
    }

    /** True for an enrollment (not a bean property: the JSON holds only the components). */
    public boolean enrolls() {
        return ENROLL.equals(action);
    }

    @Override
    public String toString() {
        return "GalleryCommand[" + action + " " + subjectId + ", request " + requestId + ", by " + actor
                + (photos == null ? "" : ", " + photos.templateCount() + " photo(s)") + "]";
    }
}
