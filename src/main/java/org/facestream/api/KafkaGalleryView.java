package org.facestream.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.GalleryWriter;
import org.facestream.enroll.SubjectKeyLookup;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;
import org.facestream.kafka.TopicTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GalleryView} from Kafka: one {@link TopicTail} thread reads every partition of the compacted
 * {@code facestream.gallery.v1} and {@code facestream.subject-keys.v1} from the beginning (assigned, no
 * consumer group: every API instance needs the whole gallery), read_committed, and keeps the subjects whose
 * sealed record opens under the data key it names, decrypted (the API merges new templates into a subject's
 * existing ones and lists their sources; embeddings never leave the process). The two topics arrive in no
 * order: a record whose key has not been read yet is held sealed and opened when the key comes. A tombstone
 * on either topic, an unreadable record and one that does not authenticate remove the subject (the matcher
 * treats them as erasures too, so both show the same gallery). Also the writer's {@link SubjectKeyLookup}.
 * Thread-safe.
 */
public final class KafkaGalleryView implements GalleryView, SubjectKeyLookup, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGalleryView.class);
    private final TopicTail tail;
    private final MasterKeys masterKeys;
    private final GalleryCipher cipher = new GalleryCipher();
    private final Object lock = new Object();
    private final Map<String, SealedGalleryRecord> sealed = new HashMap<>();
    private final Map<String, SubjectKeyRecord> keys = new HashMap<>();
    private final Map<String, GalleryRecord> subjects = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    private KafkaGalleryView(Map<String, Object> kafkaSettings, MasterKeys masterKeys) {
        this.masterKeys = masterKeys;
        Map<String, TopicTail.Start> topics = new LinkedHashMap<>();
        topics.put(Topics.GALLERY, TopicTail.Start.BEGINNING);
        topics.put(Topics.SUBJECT_KEYS, TopicTail.Start.BEGINNING);
        tail = TopicTail.of(kafkaSettings, "facestream-api-gallery", topics);
    }

    /** Starts reading the gallery and key topics; the view fills as it catches up (see {@link #caughtUp()}). */
    public static KafkaGalleryView start(Map<String, Object> kafkaSettings, MasterKeys masterKeys) {
        KafkaGalleryView v = new KafkaGalleryView(kafkaSettings, masterKeys);
        v.tail.start("api-gallery-view", v::applyBatch);
        return v;
    }

    /** Applies a poll's records and then its positions, together, so a waiter sees both or neither. */
    private void applyBatch(TopicTail.Batch batch) {
        synchronized (lock) {
            batch.records().forEach(this::apply);
            positions.putAll(batch.positions());
            lock.notifyAll();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        String subject = r.key();
        if (subject == null) {
            LOG.warn("record without a key at {}-{}@{}: skipped", r.topic(), r.partition(), r.offset());
            return;
        }
        boolean gallery = r.topic().equals(Topics.GALLERY);
        Map<String, ?> target = gallery ? sealed : keys;
        if (r.value() == null) {
            target.remove(subject);
            refresh(subject);
            return;
        }
        try {
            if (gallery) {
                SealedGalleryRecord s = EventSerdes.gallery().deserialize(r.topic(), r.value());
                if (s.subjectId().equals(subject)) {
                    sealed.put(subject, s);
                    refresh(subject);
                    return;
                }
                LOG.warn(
                        "gallery record at {}-{}@{} names subject {} under key {}: treated as erasure",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        s.subjectId(),
                        subject);
            } else {
                SubjectKeyRecord k = EventSerdes.subjectKeys().deserialize(r.topic(), r.value());
                if (k.subjectId().equals(subject)) {
                    keys.put(subject, k);
                    refresh(subject);
                    return;
                }
                LOG.warn(
                        "data key record at {}-{}@{} names subject {} under key {}: treated as erasure",
                        r.topic(),
                        r.partition(),
                        r.offset(),
                        k.subjectId(),
                        subject);
            }
        } catch (SerializationException e) {
            LOG.warn(
                    "record at {}-{}@{} does not read ({}): treated as erasure",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.getMessage());
        }
        target.remove(subject);
        refresh(subject);
    }

    /** Re-decides one subject: listed when its sealed record opens under the key it names. */
    private void refresh(String subject) {
        SealedGalleryRecord s = sealed.get(subject);
        SubjectKeyRecord k = keys.get(subject);
        if (s == null || k == null || !k.keyId().equals(s.keyId())) {
            subjects.remove(subject); // erased, or waiting for its key
            return;
        }
        try {
            subjects.put(subject, cipher.open(s, masterKeys.unwrap(k)));
        } catch (DecryptionException e) {
            LOG.warn("gallery record of subject {} cannot be opened ({}): treated as erasure", subject, e.getMessage());
            subjects.remove(subject);
        }
    }

    @Override
    public SortedMap<String, GalleryRecord> subjects() {
        synchronized (lock) {
            return new TreeMap<>(subjects);
        }
    }

    @Override
    public Optional<GalleryRecord> subject(String subjectId) {
        synchronized (lock) {
            return Optional.ofNullable(subjects.get(subjectId));
        }
    }

    @Override
    public Optional<SubjectKeyRecord> current(String subjectId) {
        synchronized (lock) {
            return Optional.ofNullable(keys.get(subjectId));
        }
    }

    /** Waits until the view has read past the gallery record and the key record of {@code written}. */
    @Override
    public boolean awaitApplied(GalleryWriter.Written written, Duration timeout) throws InterruptedException {
        TopicPartition tp = new TopicPartition(Topics.GALLERY, written.partition());
        TopicPartition keyTp =
                written.keyPartition() < 0 ? null : new TopicPartition(Topics.SUBJECT_KEYS, written.keyPartition());
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (positions.getOrDefault(tp, 0L) <= written.offset()
                    || (keyTp != null && positions.getOrDefault(keyTp, 0L) <= written.keyOffset())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** True once the view has applied every record before the end offsets its reader found when it started. */
    @Override
    public boolean caughtUp() {
        return tail.caughtUp();
    }

    @Override
    public void close() {
        tail.close();
    }
}
