package org.facestream.testing;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.facestream.audit.AuditLog;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SubjectKey;
import org.facestream.enroll.SubjectKeyLookup;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;

/**
 * Writes gallery and key records directly, as the gallery processor writes them (a record sealed under its subject's
 * data key, a new subject's key first, each with its audit record in one transaction of the caller's {@link
 * AuditLog}), but without the processor: for tests of the readers (matcher, API view) that need a gallery, and for
 * writing what a replay or a raw topic writer would. Production changes the gallery only through the gallery
 * processor ({@code org.facestream.enroll.GalleryCommandTopology}).
 *
 * <p>Enrollment reuses the subject's data key when the lookup has one, or makes one; erasure sends the key
 * tombstone, then the gallery tombstone. The audit records name the data key ({@code details.key.id}) and where
 * each record went ({@code details.gallery}, {@code details.subject-key}). Thread-safe: writes are serialized.
 */
public final class GalleryPublisher {
    private final AuditLog audit;
    private final MasterKeys masterKeys;
    private final SubjectKeyLookup lookup;
    private final GalleryCipher cipher = new GalleryCipher();
    /** Keys this publisher made (and committed) that the lookup may not have read back yet. */
    private final Map<String, SubjectKey> made = new HashMap<>();
    /** Keys this publisher destroyed (or tried to), which a lagging lookup may still show: never reused. */
    private final Set<String> destroyed = new HashSet<>();

    /**
     * What an enrollment wrote.
     *
     * @param subjectId the enrolled subject
     * @param keyRecord where its new data key landed on {@code facestream.subject-keys.v1}, or null when its
     *     existing key was reused
     * @param galleryRecord where the sealed record landed on {@code facestream.gallery.v1}
     * @param audit the {@code subject-enrolled} record committed with them
     */
    public record Publication(
            String subjectId, RecordMetadata keyRecord, RecordMetadata galleryRecord, AuditRecord audit) {}

    /**
     * What an erasure wrote.
     *
     * @param subjectId the erased subject
     * @param keyTombstone where the key tombstone landed on {@code facestream.subject-keys.v1}
     * @param galleryTombstone where the gallery tombstone landed on {@code facestream.gallery.v1}
     * @param audit the {@code subject-erased} record committed with them
     */
    public record Erasure(
            String subjectId, RecordMetadata keyTombstone, RecordMetadata galleryTombstone, AuditRecord audit) {}

    /**
     * @param audit the chain whose transactions carry the writes (the caller's; one per process)
     * @param masterKeys wraps new data keys and unwraps the ones reused (null: erasure only)
     * @param lookup the subjects' current keys (the API's gallery view, or a snapshot of the key topic)
     */
    public GalleryPublisher(AuditLog audit, MasterKeys masterKeys, SubjectKeyLookup lookup) {
        this.audit = Objects.requireNonNull(audit, "audit");
        this.masterKeys = masterKeys;
        this.lookup = Objects.requireNonNull(lookup, "lookup");
    }

    /** A publisher that only erases: erasure destroys keys and needs no master key to do it. */
    public static GalleryPublisher forErasure(AuditLog audit, SubjectKeyLookup lookup) {
        return new GalleryPublisher(audit, null, lookup);
    }

    /**
     * Seals {@code record} under its subject's data key (made and written first when it has none) and writes it
     * with {@code entry} (action {@code subject-enrolled}, the same subject), in one transaction.
     *
     * @throws AuditLog.AuditWriteException when the transaction did not commit
     */
    public synchronized Publication publish(GalleryRecord record, AuditEntry entry) {
        if (masterKeys == null) {
            throw new IllegalStateException("expected master keys to enroll " + record.subjectId()
                    + ", found none (this publisher only erases)");
        }
        String subjectId = record.subjectId();
        requireEntry(entry, AuditRecord.SUBJECT_ENROLLED, subjectId);
        SubjectKey key = reusableKey(subjectId);
        boolean newKey = key == null;
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2);
        if (newKey) {
            key = SubjectKey.generate(subjectId);
            records.add(record(
                    Topics.SUBJECT_KEYS,
                    subjectId,
                    EventSerdes.subjectKeys().serialize(Topics.SUBJECT_KEYS, masterKeys.wrap(key, Instant.now()))));
        }
        records.add(record(
                Topics.GALLERY, subjectId, EventSerdes.gallery().serialize(Topics.GALLERY, cipher.seal(record, key))));
        List<RecordMetadata> written = new ArrayList<>();
        String keyId = key.keyId();
        AuditRecord audited = audit.appendWith(records, md -> {
            written.addAll(md);
            return withWhere(entry, keyId, md);
        });
        if (newKey) {
            made.put(subjectId, key); // only once committed: an aborted key never reached a reader
        }
        return new Publication(subjectId, newKey ? written.get(0) : null, written.get(written.size() - 1), audited);
    }

    /**
     * Erases a subject: destroys its data key (key tombstone), then writes the gallery tombstone, with
     * {@code entry} (action {@code subject-erased}, the same subject), in one transaction. Once it commits, every
     * copy of the subject's gallery records, on the topic, in stores or in backups, is undecryptable, and the
     * gallery tombstone removes the ciphertext from the compacted topic and the matchers' stores.
     *
     * @throws AuditLog.AuditWriteException when the transaction did not commit (then nothing was destroyed,
     *     unless the outcome of the commit is unknown)
     */
    public synchronized Erasure erase(String subjectId, AuditEntry entry) {
        GalleryRecord.requireSubjectId(subjectId);
        requireEntry(entry, AuditRecord.SUBJECT_ERASED, subjectId);
        // never reuse these keys, even if this erasure fails: a later enrollment then makes a new key, which is safe
        Optional<String> current = lookup.current(subjectId).map(SubjectKeyRecord::keyId);
        current.ifPresent(destroyed::add);
        SubjectKey mine = made.remove(subjectId);
        if (mine != null) {
            destroyed.add(mine.keyId());
        }
        String keyId = mine != null ? mine.keyId() : current.orElse(null);
        List<RecordMetadata> written = new ArrayList<>();
        AuditRecord audited = audit.appendWith(
                List.of(record(Topics.SUBJECT_KEYS, subjectId, null), record(Topics.GALLERY, subjectId, null)), md -> {
                    written.addAll(md);
                    return withWhere(entry, keyId, md);
                });
        return new Erasure(subjectId, written.get(0), written.get(1), audited);
    }

    private static void requireEntry(AuditEntry entry, String action, String subjectId) {
        Objects.requireNonNull(entry, "entry");
        if (!entry.action().equals(action) || !subjectId.equals(entry.subject())) {
            throw new IllegalArgumentException("expected an audit entry " + action + " of subject " + subjectId
                    + ", found " + entry.action() + " of " + entry.subject());
        }
    }

    /**
     * The entry naming the data key ({@code key.id}: sealed under, or destroyed; absent when the erasing writer
     * does not know it) and where its records landed: {@code gallery} and, when one was written, {@code subject-key}.
     */
    private static AuditEntry withWhere(AuditEntry entry, String keyId, List<RecordMetadata> written) {
        AuditEntry e = keyId == null ? entry : entry.withDetail("key.id", keyId);
        for (RecordMetadata md : written) {
            e = e.withDetail(
                    md.topic().equals(Topics.GALLERY) ? "gallery" : "subject-key",
                    md.topic() + "-" + md.partition() + "@" + md.offset());
        }
        return e;
    }

    /** The subject's current key, or null when it has none (or only one this publisher destroyed). */
    private SubjectKey reusableKey(String subjectId) {
        Optional<SubjectKeyRecord> seen = lookup.current(subjectId).filter(k -> !destroyed.contains(k.keyId()));
        SubjectKey mine = made.get(subjectId);
        if (mine != null) {
            if (seen.isEmpty()) {
                return mine; // the lookup has not read it back yet
            }
            made.remove(subjectId); // read back (or replaced by another writer): the lookup is the truth again
        }
        if (seen.isEmpty()) {
            return null;
        }
        try {
            return masterKeys.unwrap(seen.get());
        } catch (DecryptionException e) {
            // re-keying would leave every matcher with the right master key unable to read the subject: fail loudly
            throw new IllegalStateException(
                    "cannot reuse the data key of subject " + subjectId + ": " + e.getMessage()
                            + "; configure that master key (security.master.key.previous.files) or erase the subject first",
                    e);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String subjectId, byte[] value) {
        return new ProducerRecord<>(topic, subjectId.getBytes(StandardCharsets.UTF_8), value);
    }
}
