package org.facestream.enroll;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;
import org.facestream.kafka.TopicTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subject-keys topic read once to its end: the wrapped data key of every subject that has one. For
 * one-shot writers (the enroll command) and for checking what a copy of a gallery record still opens to.
 * Immutable once read; thread-safe.
 */
public final class SubjectKeySnapshot implements SubjectKeyLookup {
    private static final Logger LOG = LoggerFactory.getLogger(SubjectKeySnapshot.class);
    private final Map<String, SubjectKeyRecord> keys;

    private SubjectKeySnapshot(Map<String, SubjectKeyRecord> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** Reads {@code facestream.subject-keys.v1} from the beginning to the end offsets it finds (read_committed). */
    public static SubjectKeySnapshot read(Map<String, Object> kafkaSettings, Duration timeout) {
        Map<String, SubjectKeyRecord> keys = new HashMap<>();
        readToEnd(kafkaSettings, Topics.SUBJECT_KEYS, timeout, "facestream-subject-keys-snapshot", r -> apply(keys, r));
        return new SubjectKeySnapshot(keys);
    }

    /** Hands every record of {@code topic}, from the beginning to the end offsets found (read_committed), to {@code each}. */
    static void readToEnd(
            Map<String, Object> kafkaSettings,
            String topic,
            Duration timeout,
            String clientId,
            Consumer<ConsumerRecord<String, byte[]>> each) {
        TopicTail.of(kafkaSettings, clientId, topic, TopicTail.Start.BEGINNING).readToEnd(timeout, each);
    }

    private static void apply(Map<String, SubjectKeyRecord> keys, ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            keys.remove(r.key());
            return;
        }
        try {
            SubjectKeyRecord k = EventSerdes.subjectKeys().deserialize(r.topic(), r.value());
            if (k.subjectId().equals(r.key())) {
                keys.put(r.key(), k);
                return;
            }
            LOG.warn(
                    "data key record at {}-{}@{} names subject {} under key {}: ignored",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    k.subjectId(),
                    r.key());
        } catch (SerializationException e) {
            LOG.warn(
                    "data key record at {}-{}@{} does not read ({}): ignored",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
        }
        keys.remove(r.key());
    }

    @Override
    public Optional<SubjectKeyRecord> current(String subjectId) {
        return Optional.ofNullable(keys.get(subjectId));
    }

    /** Number of subjects with a key. */
    public int size() {
        return keys.size();
    }

    /** The subjects with a key. */
    public Set<String> subjects() {
        return keys.keySet();
    }

    /**
     * Opens a copy of a gallery record (a backup, a record read from an old segment) with the keys as they
     * are now.
     *
     * @throws DecryptionException when its key is destroyed or replaced, or it does not authenticate
     */
    public GalleryRecord open(SealedGalleryRecord sealed, MasterKeys masterKeys) {
        SubjectKeyRecord key = keys.get(sealed.subjectId());
        if (key == null) {
            throw new DecryptionException(
                    "gallery record of subject " + sealed.subjectId() + " is sealed under data key " + sealed.keyId()
                            + ", and " + Topics.SUBJECT_KEYS
                            + " holds no key for the subject: destroyed by erasure (or never written), so it cannot be decrypted");
        }
        if (!key.keyId().equals(sealed.keyId())) {
            throw new DecryptionException("gallery record of subject " + sealed.subjectId()
                    + " is sealed under data key " + sealed.keyId() + ", but the subject's key is now " + key.keyId()
                    + ": the old key was destroyed, so it cannot be decrypted");
        }
        return new GalleryCipher().open(sealed, masterKeys.unwrap(key));
    }
}
