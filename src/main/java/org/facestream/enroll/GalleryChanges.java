package org.facestream.enroll;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SubjectKey;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.ErasureRecord;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Template;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one gallery command does to its subject, decided from the subject's current entry alone: the gallery
 * processor's logic, kept apart from Kafka Streams (the processor reads the entry from its store, calls {@link
 * #apply}, and writes what comes back, in one transaction). Because one task applies every command of a subject in
 * the order they landed, and nothing else writes the subject, the entry it passes is always the subject's true
 * current state: an enrollment can no longer merge templates an erasure has destroyed.
 *
 * <p>Enrollment: the photos are opened (their one-time key unwrapped with the master keys); the subject's current
 * templates of the same model pack and dimension are opened too (another pack's are not comparable, so a
 * re-enrollment with a new pack replaces them); both are clustered together, the dominant cluster kept as up to the
 * command's {@code maxTemplates} sub-centres, and photos outside it reported as outliers, never enrolled ({@link
 * Enroller#subCenters}). The subject keeps its data key and display name (unless the command renames it); a subject
 * without an entry gets a fresh data key. An entry whose key id has been destroyed is never reused: the subject
 * starts afresh, with only the new photos, under a new key (an entry can only come back by a replay into the store's
 * changelog, never by a command).
 *
 * <p>Erasure: the entry is deleted, and the change destroys its key (key tombstone), tombstones the record and
 * records the erasure; it is applied whether or not the processor holds the subject (a gallery written before
 * the processor existed is erased all the same), and says which.
 *
 * <p>Thread-safe (stateless but for the cipher's random source).
 */
public final class GalleryChanges {
    private static final Logger LOG = LoggerFactory.getLogger(GalleryChanges.class);

    private final MasterKeys masterKeys;
    private final GalleryCipher cipher = new GalleryCipher();

    /** What a command changes; its outcome is answered in the same transaction. */
    public sealed interface Change {
        GalleryOutcome outcome();
    }

    /**
     * The subject's new entry; its new data key, when it got one (written before the record); the audit entry.
     *
     * @param entry the subject's entry from now on (its record goes to the gallery topic)
     * @param newKey the key record to write first, or null when the subject kept its key
     * @param audit the {@code subject-enrolled} entry, to be chained
     * @param outcome the answer (its audit reference is filled once the entry is chained)
     */
    public record Enrolled(SubjectEntry entry, SubjectKeyRecord newKey, AuditEntry audit, GalleryOutcome outcome)
            implements Change {}

    /**
     * The subject erased: its entry deleted, key and record tombstoned, the erasure recorded.
     *
     * @param erasure the erasure record (names the destroyed key when there was one)
     * @param audit the {@code subject-erased} entry, to be chained
     * @param outcome the answer
     */
    public record Erased(ErasureRecord erasure, AuditEntry audit, GalleryOutcome outcome) implements Change {}

    /** Nothing changes: the command was refused or expired, and the outcome says why. */
    public record Unapplied(GalleryOutcome outcome) implements Change {}

    /**
     * A subject's templates after new photos joined them.
     *
     * @param record the subject's record, its templates the chosen sub-centres
     * @param added templates of the new photos
     * @param dropped templates of the dominant cluster left out beyond the maximum
     * @param outliers the photos (template sources) left out as looking like someone else
     */
    public record Merged(GalleryRecord record, int added, int dropped, List<String> outliers) {
        public Merged {
            Objects.requireNonNull(record, "record");
            outliers = List.copyOf(outliers);
        }
    }

    /** @param masterKeys unwrap the photos' one-time keys and the subjects' data keys, wrap new data keys */
    public GalleryChanges(MasterKeys masterKeys) {
        this.masterKeys = Objects.requireNonNull(masterKeys, "masterKeys");
    }

    /**
     * What {@code command} does to its subject.
     *
     * @param where where the command was read ({@code topic-partition@offset}): outcome and audit record name it
     * @param current the subject's entry, or null when the processor holds none
     * @param destroyed whether a data key id was destroyed by an erasure
     * @param now the processor's time: expiry, {@code erasedAt}, audit time
     */
    public Change apply(
            GalleryCommand command, String where, SubjectEntry current, Predicate<String> destroyed, Instant now) {
        return command.enrolls()
                ? enroll(command, where, current, destroyed, now)
                : erase(command, where, current, now);
    }

    private Change enroll(
            GalleryCommand c, String where, SubjectEntry current, Predicate<String> destroyed, Instant now) {
        if (now.isAfter(c.expiresAt())) {
            return new Unapplied(GalleryOutcome.unapplied(
                    c,
                    GalleryOutcome.EXPIRED,
                    "enrollment of " + c.subjectId() + " reached the gallery processor at " + now
                            + ", after it expired at " + c.expiresAt() + ": not applied",
                    now,
                    where));
        }
        GalleryRecord photos;
        try {
            photos = cipher.open(c.photos(), masterKeys.unwrap(c.photosKey()));
        } catch (DecryptionException e) {
            return refused(
                    c,
                    "the photos of enrollment " + c.requestId() + " do not open (" + e.getMessage()
                            + "): entry point and gallery processor need the same master key",
                    now,
                    where);
        }
        Optional<GalleryRecord> existing = Optional.empty();
        SubjectKey key = null;
        if (current != null && destroyed.test(current.key().keyId())) {
            LOG.warn(
                    "gallery entry of subject {} names data key {}, destroyed by an erasure: never reused; the subject"
                            + " starts afresh under a new key",
                    c.subjectId(),
                    current.key().keyId());
            current = null;
        }
        if (current != null) {
            try {
                key = masterKeys.unwrap(current.key());
                existing = Optional.of(cipher.open(current.record(), key));
            } catch (DecryptionException e) {
                // re-keying would leave every matcher with the right master key unable to read the subject
                return refused(
                        c,
                        "cannot reuse the data key of subject " + c.subjectId() + ": " + e.getMessage()
                                + "; configure that master key (security.master.key.previous.files) or erase the subject first",
                        now,
                        where);
            }
        }
        Merged merged = merge(existing, photos, c.rename(), c.maxTemplates());
        GalleryRecord record = merged.record();
        SubjectKeyRecord newKey = null;
        SubjectKeyRecord wrapped;
        if (key == null) {
            key = SubjectKey.generate(c.subjectId());
            newKey = masterKeys.wrap(key, now);
            wrapped = newKey;
        } else {
            wrapped = current.key();
        }
        SealedGalleryRecord sealed = cipher.seal(record, key);
        Map<String, String> details = commandDetails(c, where);
        details.put("templates.added", Integer.toString(merged.added()));
        details.put("templates", Integer.toString(record.templates().size()));
        details.put("templates.dropped", Integer.toString(merged.dropped()));
        details.put("templates.outliers", String.join(" ", merged.outliers()));
        details.put("model.pack", record.modelPackId());
        details.put("key.id", key.keyId());
        AuditEntry audit =
                new AuditEntry(now, c.actor(), AuditRecord.SUBJECT_ENROLLED, c.subjectId(), new TreeMap<>(details));
        GalleryOutcome outcome = new GalleryOutcome(
                c.requestId(),
                c.subjectId(),
                c.action(),
                GalleryOutcome.ENROLLED,
                null,
                now,
                where,
                key.keyId(),
                record.enrolledAt(),
                record.modelPackId(),
                record.templates().size(),
                merged.added(),
                merged.dropped(),
                merged.outliers(),
                existing.isPresent(),
                null);
        return new Enrolled(new SubjectEntry(wrapped, sealed), newKey, audit, outcome);
    }

    private static Change erase(GalleryCommand c, String where, SubjectEntry current, Instant now) {
        String keyId = current == null ? null : current.key().keyId();
        Map<String, String> details = commandDetails(c, where);
        details.put("found", current == null ? "nothing" : "record");
        if (current != null) {
            details.put("key.id", keyId);
            details.put("templates", Integer.toString(current.record().templateCount()));
            details.put("model.pack", current.record().modelPackId());
        }
        AuditEntry audit =
                new AuditEntry(now, c.actor(), AuditRecord.SUBJECT_ERASED, c.subjectId(), new TreeMap<>(details));
        GalleryOutcome outcome = new GalleryOutcome(
                c.requestId(),
                c.subjectId(),
                c.action(),
                GalleryOutcome.ERASED,
                null,
                now,
                where,
                keyId,
                null,
                current == null ? null : current.record().modelPackId(),
                current == null ? 0 : current.record().templateCount(),
                0,
                0,
                List.of(),
                current != null,
                null);
        return new Erased(new ErasureRecord(c.subjectId(), keyId, now, c.requestId()), audit, outcome);
    }

    private static Unapplied refused(GalleryCommand c, String why, Instant now, String where) {
        LOG.warn("gallery command {} refused: {}", c, why);
        return new Unapplied(GalleryOutcome.unapplied(c, GalleryOutcome.REFUSED, why, now, where));
    }

    /** The origin's details (who, through which entry point) and where the command came from. */
    private static Map<String, String> commandDetails(GalleryCommand c, String where) {
        Map<String, String> details = new LinkedHashMap<>(c.details());
        details.put("request.id", c.requestId());
        details.put("command", where);
        return details;
    }

    /**
     * {@code photos} (one template per new photo) clustered with the subject's current templates of the same model
     * pack and dimension; the dominant cluster's sub-centres kept, up to {@code maxTemplates}.
     *
     * @param existing the subject's current record, opened
     * @param rename the photos' display name replaces the subject's; otherwise the subject keeps its own (a new
     *     subject: the photos' one)
     */
    public static Merged merge(
            Optional<GalleryRecord> existing, GalleryRecord photos, boolean rename, int maxTemplates) {
        String id = photos.subjectId();
        List<Template> templates = new ArrayList<>();
        existing.filter(r -> r.modelPackId().equals(photos.modelPackId()) && r.dimension() == photos.dimension())
                .ifPresent(r -> templates.addAll(r.templates()));
        templates.addAll(photos.templates());
        String name = rename
                ? photos.displayName()
                : existing.map(GalleryRecord::displayName).orElse(photos.displayName());
        Enroller.Enrollment chosen =
                Enroller.subCenters(id, name, templates, photos.modelPackId(), maxTemplates, photos.enrolledAt());
        int dropped = templates.size()
                - chosen.record().templates().size()
                - chosen.outliers().size();
        return new Merged(chosen.record(), photos.templates().size(), dropped, chosen.outlierSources());
    }
}
