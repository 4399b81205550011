package org.facestream.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the gallery processor did with one {@link GalleryCommand}: the value of {@link Topics#GALLERY_OUTCOMES}
 * (key: the subject id), committed in the same transaction as the change itself, so an outcome that can be read
 * is a change that happened (or, refused and expired, a command that changed nothing). Entry points wait for the
 * outcome carrying their request id. Holds counts, ids and photo names, never templates. Schema:
 * {@code topologies/schemas/gallery-outcome.md}.
 *
 * @param requestId the command's request id
 * @param subjectId the subject
 * @param action the command's action, {@link GalleryCommand#ENROLL} or {@link GalleryCommand#ERASE}
 * @param status {@value #ENROLLED}, {@value #ERASED}, {@value #REFUSED} or {@value #EXPIRED}
 * @param message why a command was refused or expired; null otherwise
 * @param appliedAt when the processor decided
 * @param command where the command was read: {@code topic-partition@offset}
 * @param keyId enrolled: the data key the record is sealed under; erased: the data key destroyed (null when the
 *     processor held none for the subject); null otherwise
 * @param enrolledAt enrolled: the written record's {@code enrolledAt} (with the key id, it names that version of the
 *     record); null otherwise
 * @param modelPackId enrolled: the record's model pack; erased: the erased record's, when there was one
 * @param templates enrolled: templates the record now holds; erased: templates the erased record held
 * @param added enrolled: templates of the command's new photos
 * @param dropped enrolled: templates of the dominant cluster left out beyond the command's {@code maxTemplates}
 * @param outliers enrolled: the photos (template sources) left out because they look like someone else
 * @param hadRecord whether the subject had a record when the command was applied (enrolled: the photos joined it;
 *     erased: there was something to erase)
 * @param audit the audit record committed with the change, {@code chainId#sequence}; null when nothing changed
 */
public record GalleryOutcome(
        String requestId,
        String subjectId,
        String action,
        String status,
        String message,
        Instant appliedAt,
        String command,
        String keyId,
        Instant enrolledAt,
        String modelPackId,
        int templates,
        int added,
        int dropped,
        List<String> outliers,
        boolean hadRecord,
        String audit) {
    /** The photos were added (or the subject created) and the record written. */
    public static final String ENROLLED = "enrolled";
    /** The subject's data key was destroyed and its record tombstoned. */
    public static final String ERASED = "erased";
    /** The command could not be applied (photos that do not open, a key that does not unwrap, ...): nothing changed. */
    public static final String REFUSED = "refused";
    /** An enrollment the processor reached after its {@code expiresAt}: nothing changed. */
    public static final String EXPIRED = "expired";

    private static final Set<String> STATUSES = Set.of(ENROLLED, ERASED, REFUSED, EXPIRED);

    public GalleryOutcome {
        Validation.requireId("requestId", requestId);
        Validation.requireId("subjectId", subjectId);
        if (!GalleryCommand.ENROLL.equals(action) && !GalleryCommand.ERASE.equals(action)) {
            throw new IllegalArgumentException("expected action enroll or erase, found " + action);
        }
        if (status == null || !STATUSES.contains(status)) {
            throw new IllegalArgumentException("expected status " + STATUSES + ", found " + status);
        }
        Objects.requireNonNull(appliedAt, "appliedAt");
        AuditRecord.requireText("command", command, 300);
        outliers = outliers == null ? List.of() : List.copyOf(outliers);
        if (templates < 0 || added < 0 || dropped < 0) {
            throw new IllegalArgumentException("expected template counts >= 0, found templates " + templates
                    + ", added " + added + ", dropped " + dropped);
        }
        boolean changed = ENROLLED.equals(status) || ERASED.equals(status);
        if (changed == (message != null)) {
            throw new IllegalArgumentException("expected a message exactly when nothing changed, found status " + status
                    + " and message " + message);
        }
        if (message != null) {
            AuditRecord.requireText("message", message, 2000);
        }
        if (keyId != null) {
            Validation.requireId("keyId", keyId);
        }
        if (modelPackId != null) {
            Validation.requireId("modelPackId", modelPackId);
        }
        if (ENROLLED.equals(status)) {
            if (!GalleryCommand.ENROLL.equals(action)
                    || keyId == null
                    || enrolledAt == null
                    || modelPackId == null
                    || templates < 1) {
                throw new IllegalArgumentException(
                        "expected an enrolled outcome of an enrollment with key, enrolledAt, pack and templates, found "
                                + action + ", " + keyId + ", " + enrolledAt + ", " + modelPackId + ", " + templates);
            }
        }
        if (ERASED.equals(status) && !GalleryCommand.ERASE.equals(action)) {
            throw new IllegalArgumentException("expected an erased outcome of an erasure, found one of " + action);
        }
    }

    /** A command that changed nothing: refused or expired, with why. */
    public static GalleryOutcome unapplied(GalleryCommand c, String status, String message, Instant at, String where) {
        return new GalleryOutcome(
                c.requestId(),
                c.subjectId(),
                c.action(),
                status,
                message,
                at,
                where,
                null,
                null,
                null,
                0,
                0,
                0,
                List.of(),
                false,
                null);
    }

    /** This outcome naming the audit record committed with it. */
    public GalleryOutcome withAudit(AuditRecord record) {
        return new GalleryOutcome(
                requestId,
                subjectId,
                action,
                status,
                message,
                appliedAt,
                command,
                keyId,
                enrolledAt,
                modelPackId,
                templates,
                added,
                dropped,
                outliers,
                hadRecord,
                record.chainId() + "#" + record.sequence());
    }

    /** True when the command changed the gallery (enrolled or erased). */
    public boolean applied() {
        return message == null;
    }
}
