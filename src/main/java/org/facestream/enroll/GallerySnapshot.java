package org.facestream.enroll;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gallery and subject-keys topics read once to their end (read_committed): which subjects still have a
 * gallery record or a data key, and the clear fields of their sealed records (model pack, template count, key
 * id). Without a master key, for {@code facestream erase}, which needs none and refuses a subject that is not there
 * before submitting anything; with one, to open what a copy of the topics holds (tests, audits). Also the {@link
 * SubjectKeyLookup} of what it read. Immutable once read; thread-safe.
 */
public final class GallerySnapshot implements SubjectKeyLookup {
    private static final Logger LOG = LoggerFactory.getLogger(GallerySnapshot.class);
    private final Set<String> withRecord;
    private final Map<String, SealedGalleryRecord> sealed;
    private final SubjectKeySnapshot keys;
    private final MasterKeys masterKeys;

    private GallerySnapshot(
            Set<String> withRecord,
            Map<String, SealedGalleryRecord> sealed,
            SubjectKeySnapshot keys,
            MasterKeys masterKeys) {
        this.withRecord = Set.copyOf(withRecord);
        this.sealed = Map.copyOf(sealed);
        this.keys = keys;
        this.masterKeys = masterKeys;
    }

    /** Reads both topics from the beginning to the end offsets it finds; opens no record. */
    public static GallerySnapshot read(Map<String, Object> kafkaSettings, Duration timeout) {
        return read(kafkaSettings, null, timeout);
    }

    /** As {@link #read(Map, Duration)}, opening records with {@code masterKeys} (null: opens none). */
    public static GallerySnapshot read(Map<String, Object> kafkaSettings, MasterKeys masterKeys, Duration timeout) {
        Set<String> withRecord = new HashSet<>();
        Map<String, SealedGalleryRecord> sealed = new HashMap<>();
        SubjectKeySnapshot.readToEnd(
                kafkaSettings,
                Topics.GALLERY,
                timeout,
                "facestream-gallery-snapshot",
                r -> apply(withRecord, sealed, r));
        return new GallerySnapshot(withRecord, sealed, SubjectKeySnapshot.read(kafkaSettings, timeout), masterKeys);
    }

    private static void apply(
            Set<String> withRecord, Map<String, SealedGalleryRecord> sealed, ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        sealed.remove(r.key());
        if (r.value() == null) {
            withRecord.remove(r.key());
            return;
        }
        // any value counts as a record: erasure tombstones what is there, readable or not
        withRecord.add(r.key());
        try {
            sealed.put(r.key(), EventSerdes.gallery().deserialize(r.topic(), r.value()));
        } catch (SerializationException e) {
            LOG.warn(
                    "gallery record at {}-{}@{} does not read ({})",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
        }
    }

    /** Whether the subject has a gallery record or a data key: something erasure would destroy. */
    public boolean holds(String subjectId) {
        return withRecord.contains(subjectId) || keys.current(subjectId).isPresent();
    }

    /** The subject's sealed gallery record, if it has one that reads. */
    public Optional<SealedGalleryRecord> sealed(String subjectId) {
        return Optional.ofNullable(sealed.get(subjectId));
    }

    /**
     * The subject's record opened with the master keys; empty without them, and for a record that does not open
     * (its key destroyed or replaced, or it does not authenticate), which counts as erased as the API's view and
     * the matcher count it.
     */
    public Optional<GalleryRecord> subject(String subjectId) {
        Optional<SealedGalleryRecord> s = sealed(subjectId);
        if (masterKeys == null || s.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(keys.open(s.get(), masterKeys));
        } catch (DecryptionException e) {
            LOG.warn(
                    "gallery record of subject {} cannot be opened ({}): treated as erased", subjectId, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public Optional<SubjectKeyRecord> current(String subjectId) {
        return keys.current(subjectId);
    }

    /** Number of subjects with a gallery record or a data key. */
    public int size() {
        Set<String> all = new HashSet<>(withRecord);
        all.addAll(keys.subjects());
        return all.size();
    }
}
