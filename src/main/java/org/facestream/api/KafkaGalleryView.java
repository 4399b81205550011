package org.facestream.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.enroll.SubjectKeyLookup;
import org.facestream.events.ErasureRecord;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;
import org.facestream.kafka.TopicTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link GalleryView} from Kafka: one {@link TopicTail} thread reads every partition of the compacted
 * {@code facestream.gallery.v1} and {@code facestream.subject-keys.v1} and of the append-only {@code
 * facestream.erasures.v1} from the beginning (assigned, no consumer group: every API instance needs the whole
 * gallery), read_committed, and keeps the subjects whose sealed record opens under the data key it names, decrypted
 * (the API lists their sources and display names; embeddings never leave the process). The topics arrive in no
 * order: a record whose key has not been read yet is held sealed and opened when the key comes. A tombstone on either
 * gallery topic, an unreadable record and one that does not authenticate remove the subject (the matcher treats them
 * as erasures too, so both show the same gallery).
 *
 * <p>Erasures are remembered for good: every destroyed key id (a key record or gallery record that names one, a
 * replay or a restored backup, is refused and removes the subject, also after a restart, since the erasure topic is
 * read to its end before anything else) and each subject's last erasure time, which {@link #hides} the subject's
 * identity events by. Each erasure is handed to the {@link #onErasure} listeners (the live feed drops the subject's
 * events, thumbnails and queued server-sent events) before {@link #awaitErased} sees it applied. Also the
 * {@link SubjectKeyLookup} of the keys it holds. Thread-safe.
 */
public final class KafkaGalleryView implements GalleryView, SubjectKeyLookup, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaGalleryView.class);
    /** Versions and erasures remembered for waiters: far more than can be applied while one request waits. */
    private static final int RECENT = 10_000;

    private final TopicTail tail;
    private final MasterKeys masterKeys;
    private final GalleryCipher cipher = new GalleryCipher();
    private final Object lock = new Object();
    private final Map<String, SealedGalleryRecord> sealed = new HashMap<>();
    private final Map<String, SubjectKeyRecord> keys = new HashMap<>();
    private final Map<String, GalleryRecord> subjects = new HashMap<>();
    private final Set<String> destroyedKeyIds = new HashSet<>();
    private final Map<String, Instant> erasedAt = new HashMap<>();
    private final Set<String> recentVersions = recent();
    private final Set<String> recentErasures = recent();
    private final List<Consumer<String>> erasureListeners = new CopyOnWriteArrayList<>();

    private KafkaGalleryView(Map<String, Object> kafkaSettings, MasterKeys masterKeys) {
        this.masterKeys = masterKeys;
        Map<String, TopicTail.Start> topics = new LinkedHashMap<>();
        topics.put(Topics.ERASURES, TopicTail.Start.BEGINNING);
        topics.put(Topics.GALLERY, TopicTail.Start.BEGINNING);
        topics.put(Topics.SUBJECT_KEYS, TopicTail.Start.BEGINNING);
        tail = TopicTail.of(kafkaSettings, "facestream-api-gallery", topics);
    }

    private static Set<String> recent() {
        return Collections.newSetFromMap(new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > RECENT;
            }
        });
    }

    /**
     * Reads {@code facestream.erasures.v1} to its end (so no replayed key is ever shown, not even while starting),
     * then starts reading all three topics; the view fills as it catches up (see {@link #caughtUp()}).
     */
    public static KafkaGalleryView start(Map<String, Object> kafkaSettings, MasterKeys masterKeys) {
        KafkaGalleryView v = new KafkaGalleryView(kafkaSettings, masterKeys);
        TopicTail.of(kafkaSettings, "facestream-api-erasures", Topics.ERASURES, TopicTail.Start.BEGINNING)
                .readToEnd(Duration.ofSeconds(60), r -> {
                    synchronized (v.lock) {
                        v.apply(r, new ArrayList<>());
                    }
                });
        v.tail.start("api-gallery-view", v::applyBatch);
        return v;
    }

    /** Calls {@code listener} with the subject of every erasure read from now on. */
    public void onErasure(Consumer<String> listener) {
        erasureListeners.add(listener);
    }

    /**
     * Applies a poll's records and then its positions; erasures are handed to the listeners before they count as
     * applied, so a waiter never sees an erasure applied whose subject the live feed still shows.
     */
    private void applyBatch(TopicTail.Batch batch) {
        List<ErasureRecord> erased = new ArrayList<>();
        synchronized (lock) {
            batch.records().forEach(r -> apply(r, erased));
        }
        for (ErasureRecord e : erased) {
            for (Consumer<String> l : erasureListeners) {
                l.accept(e.subjectId());
            }
        }
        synchronized (lock) {
            erased.forEach(e -> recentErasures.add(e.requestId()));
            lock.notifyAll();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r, List<ErasureRecord> erased) {
        String subject = r.key();
        if (subject == null || Topics.SEGMENT_ROLL_KEY.equals(subject)) {
            if (subject == null) {
                LOG.warn("record without a key at {}-{}@{}: skipped", r.topic(), r.partition(), r.offset());
            }
            return;
        }
        if (r.topic().equals(Topics.ERASURES)) {
            applyErasure(r, erased);
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
                if (!s.subjectId().equals(subject)) {
                    warn(r, "names subject " + s.subjectId() + " under key " + subject);
                } else if (destroyedKeyIds.contains(s.keyId())) {
                    warn(r, "is sealed under data key " + s.keyId() + ", destroyed by an erasure (a replay)");
                } else {
                    sealed.put(subject, s);
                    refresh(subject);
                    return;
                }
            } else {
                SubjectKeyRecord k = EventSerdes.subjectKeys().deserialize(r.topic(), r.value());
                if (!k.subjectId().equals(subject)) {
                    warn(r, "names subject " + k.subjectId() + " under key " + subject);
                } else if (destroyedKeyIds.contains(k.keyId())) {
                    warn(r, "is data key " + k.keyId() + ", destroyed by an erasure (a replay)");
                } else {
                    keys.put(subject, k);
                    refresh(subject);
                    return;
                }
            }
        } catch (SerializationException e) {
            warn(r, "does not read (" + e.getMessage() + ")");
        }
        target.remove(subject);
        refresh(subject);
    }

    private static void warn(ConsumerRecord<String, byte[]> r, String what) {
        LOG.warn("record at {}-{}@{} {}: treated as erasure", r.topic(), r.partition(), r.offset(), what);
    }

    private void applyErasure(ConsumerRecord<String, byte[]> r, List<ErasureRecord> erased) {
        ErasureRecord e;
        try {
            e = EventSerdes.erasures().deserialize(r.topic(), r.value());
        } catch (SerializationException ex) {
            LOG.warn(
                    "erasure record at {}-{}@{} does not read: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    ex.getMessage());
            return;
        }
        if (e == null || !e.subjectId().equals(r.key())) {
            LOG.warn(
                    "erasure record at {}-{}@{} is not one of subject {}: skipped",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    r.key());
            return;
        }
        String subject = e.subjectId();
        erasedAt.merge(subject, e.erasedAt(), (a, b) -> a.isAfter(b) ? a : b);
        if (e.keyId() != null) {
            // only what the erasure destroyed: a later enrollment's fresh key may have been read before this record
            destroyedKeyIds.add(e.keyId());
            SubjectKeyRecord k = keys.get(subject);
            if (k != null && k.keyId().equals(e.keyId())) {
                keys.remove(subject);
            }
            SealedGalleryRecord s = sealed.get(subject);
            if (s != null && s.keyId().equals(e.keyId())) {
                sealed.remove(subject);
            }
            refresh(subject);
        }
        erased.add(e);
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
            recentVersions.add(version(subject, s.keyId(), s.enrolledAt()));
        } catch (DecryptionException e) {
            LOG.warn("gallery record of subject {} cannot be opened ({}): treated as erasure", subject, e.getMessage());
            subjects.remove(subject);
        }
    }

    private static String version(String subject, String keyId, Instant enrolledAt) {
        return subject + "|" + keyId + "|" + enrolledAt;
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

    @Override
    public boolean hides(String subjectId, Instant decidedAt) {
        synchronized (lock) {
            Instant at = erasedAt.get(subjectId);
            return at != null && (!decidedAt.isAfter(at) || !subjects.containsKey(subjectId));
        }
    }

    /** Whether an erasure destroyed data key {@code keyId}. */
    public boolean destroyed(String keyId) {
        synchronized (lock) {
            return destroyedKeyIds.contains(keyId);
        }
    }

    @Override
    public boolean awaitEnrolled(GalleryOutcome enrolled, Duration timeout) throws InterruptedException {
        String v = version(enrolled.subjectId(), enrolled.keyId(), enrolled.enrolledAt());
        return await(() -> recentVersions.contains(v), timeout);
    }

    @Override
    public boolean awaitErased(GalleryOutcome erased, Duration timeout) throws InterruptedException {
        return await(() -> recentErasures.contains(erased.requestId()), timeout);
    }

    private boolean await(BooleanSupplier applied, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!applied.getAsBoolean()) {
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
