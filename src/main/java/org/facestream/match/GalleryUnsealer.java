package org.facestream.match;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.facestream.crypto.DecryptionException;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.InvalidPayloadException;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SubjectKey;
import org.facestream.events.DeadLetters;
import org.facestream.events.ErasureRecord;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GalleryStoreNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the two global stores, sealed records ({@code templates-by-subject}, RocksDB) and wrapped data keys
 * ({@code keys-by-subject}, in memory), and keeps the {@link GalleryIndex} equal to the subjects whose
 * sealed record opens under the data key it names: the only place templates exist in the clear. Shared by
 * {@code gallery-loader} and {@code subject-key-loader}, which both run on the single global stream thread,
 * so it needs no locks (the index it writes is itself safe for the stream threads that search it).
 *
 * <p>The two topics are read with no order between them, so every change of either store re-decides that
 * one subject ({@link #refresh}): a record whose key has not arrived waits in the store, not in the index,
 * and is indexed when the key arrives; a destroyed key drops the subject and deletes the ciphertext sealed
 * under it. A record that is unusable (unreadable, another pack or dimension, another subject's id, sealed
 * under a destroyed key, or failing authentication) supersedes the subject's earlier record on the compacted topic,
 * so the subject is erased, as it will be after compaction or a restart.
 *
 * <p>Destroyed keys: those of the erasures on {@code facestream.erasures.v1} ({@code destroyed-keys}, a durable
 * global store restored before the other two, so they are known after any restart), plus those this process saw
 * tombstoned or replaced. A key record or a sealed record naming one is refused ({@code key-destroyed}); an erasure
 * record drops the subject when its current key or record is the destroyed key, whichever of the erasure record and
 * the tombstones (other partitions) arrives first.
 */
final class GalleryUnsealer {
    private static final Logger LOG = LoggerFactory.getLogger(GalleryUnsealer.class);
    /**
     * Key ids this process saw tombstoned or replaced (erasures are also in {@code destroyed-keys}, for good); bounded,
     * since forgetting old ones only changes how a replay of a replaced key is labelled.
     */
    private static final int DESTROYED_REMEMBERED = 100_000;

    private final MatcherConfig cfg;
    private final MasterKeys masterKeys;
    private final GalleryIndex index;
    private final MatcherMetrics metrics;
    private final GalleryCipher cipher = new GalleryCipher();
    private final Set<String> awaitingKey = new HashSet<>();
    private final Set<String> destroyedKeyIds = Collections.newSetFromMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > DESTROYED_REMEMBERED;
        }
    });
    private KeyValueStore<String, SealedGalleryRecord> gallery;
    private KeyValueStore<String, SubjectKeyRecord> keys;
    private KeyValueStore<String, ErasureRecord> erasures;

    GalleryUnsealer(MatcherConfig cfg, MasterKeys masterKeys, GalleryIndex index, MatcherMetrics metrics) {
        this.cfg = cfg;
        this.masterKeys = masterKeys;
        this.index = index;
        this.metrics = metrics;
    }

    /** What a sealed record comes to, given the keys at hand. */
    private sealed interface Outcome {
        record Opened(GalleryRecord record) implements Outcome {}

        record AwaitingKey() implements Outcome {}

        record Refused(DeadLetters.Reason reason, String detail) implements Outcome {}
    }

    /**
     * Takes the stores from a global processor's context. While Kafka Streams restores the gallery store
     * (replaying records through a loader) the key store is not registered yet and reads as null: records
     * then wait for their keys, which the key store's own restore delivers next.
     */
    void attach(ProcessorContext<?, ?> context) {
        erasures = context.getStateStore(GalleryStoreNames.DESTROYED_KEYS);
        gallery = context.getStateStore(GalleryStoreNames.TEMPLATES_BY_SUBJECT);
        keys = context.getStateStore(GalleryStoreNames.KEYS_BY_SUBJECT);
    }

    /**
     * Whether data key {@code keyId} was destroyed: by an erasure ({@code destroyed-keys}, durable, restored
     * first), or replaced or tombstoned while this process ran.
     */
    private boolean destroyed(String keyId) {
        return destroyedKeyIds.contains(keyId) || (erasures != null && erasures.get(keyId) != null);
    }

    /**
     * A value of {@code facestream.erasures.v1}: the key it destroyed is remembered for good, and the subject leaves
     * the index and the stores when its key or record is that key (a later enrollment's fresh key, which a reader may
     * see first, is not touched). Tombstones and unreadable values are skipped.
     */
    void onErasureValue(String subjectId, LenientValue<ErasureRecord> value, String where) {
        switch (value) {
            case null -> LOG.warn("skipping a tombstone on {} at {}: erasures are never undone", where, subjectId);
            case LenientValue.Unreadable<ErasureRecord> u -> {
                metrics.gallerySkip(DeadLetters.Reason.DESERIALIZATION_FAILED);
                LOG.warn("skipping unreadable erasure record {} of subject {}: {}", where, subjectId, u.detail());
            }
            case LenientValue.Readable<ErasureRecord> r -> applyErasure(subjectId, r.value(), where);
        }
        updateSizes();
    }

    private void applyErasure(String subjectId, ErasureRecord erasure, String where) {
        if (!subjectId.equals(erasure.subjectId()) || erasure.keyId() == null) {
            return; // the tombstones written with it erase the subject; nothing to remember
        }
        String keyId = erasure.keyId();
        erasures.put(keyId, erasure);
        destroyedKeyIds.add(keyId);
        SubjectKeyRecord key = keys == null ? null : keys.get(subjectId);
        SealedGalleryRecord sealed = gallery == null ? null : gallery.get(subjectId);
        boolean held = false;
        if (key != null && key.keyId().equals(keyId)) {
            keys.delete(subjectId);
            held = true;
        }
        if (sealed != null && sealed.keyId().equals(keyId)) {
            gallery.delete(subjectId);
            awaitingKey.remove(subjectId);
            held = true;
        }
        if (held) {
            drop(subjectId);
            LOG.info(
                    "data key {} of subject {} destroyed by erasure {}: the subject is erased",
                    keyId,
                    subjectId,
                    where);
        }
    }

    /** Re-derives the whole index from the stores (the index is memory only; the stores survive restarts). */
    void rebuild() {
        List<GalleryRecord> opened = new ArrayList<>();
        Map<String, Outcome.Refused> refused = new LinkedHashMap<>();
        awaitingKey.clear();
        try (KeyValueIterator<String, SealedGalleryRecord> it = gallery.all()) {
            while (it.hasNext()) {
                KeyValue<String, SealedGalleryRecord> kv;
                try {
                    kv = it.next();
                } catch (SerializationException e) {
                    // only readable records are ever written, so this is a store from an incompatible build
                    metrics.gallerySkip(DeadLetters.Reason.DESERIALIZATION_FAILED);
                    LOG.error(
                            "skipping unreadable entry of store {}: {}",
                            GalleryStoreNames.TEMPLATES_BY_SUBJECT,
                            e.getMessage());
                    continue;
                }
                switch (tryOpen(kv.key, kv.value)) {
                    case Outcome.Opened o -> opened.add(o.record());
                    case Outcome.AwaitingKey a -> awaitingKey.add(kv.key);
                    case Outcome.Refused r -> refused.put(kv.key, r);
                }
            }
        }
        index.replaceAll(opened);
        refused.forEach((subject, r) ->
                skip(r.reason(), subject, r.detail(), "in store " + GalleryStoreNames.TEMPLATES_BY_SUBJECT));
        updateSizes();
        LOG.info(
                "gallery index rebuilt from store {}: {} subjects, {} templates, {} awaiting their data key",
                GalleryStoreNames.TEMPLATES_BY_SUBJECT,
                index.subjectCount(),
                index.templateCount(),
                awaitingKey.size());
    }

    /** A value of {@code facestream.gallery.v1} for {@code subjectId}; {@code where} is topic-partition@offset. */
    void onGalleryValue(String subjectId, LenientValue<SealedGalleryRecord> value, String where) {
        switch (value) {
            case null -> {
                gallery.delete(subjectId);
                drop(subjectId);
                metrics.galleryErasure();
            }
            case LenientValue.Unreadable<SealedGalleryRecord> u ->
                skip(DeadLetters.Reason.DESERIALIZATION_FAILED, subjectId, u.detail(), where);
            case LenientValue.Readable<SealedGalleryRecord> r -> apply(subjectId, r.value(), where);
        }
        updateSizes();
    }

    private void apply(String subjectId, SealedGalleryRecord sealed, String where) {
        if (!subjectId.equals(sealed.subjectId())) {
            skip(
                    DeadLetters.Reason.SUBJECT_KEY_MISMATCH,
                    subjectId,
                    "expected subject id " + subjectId + " (the key), found " + sealed.subjectId(),
                    where);
            return;
        }
        if (!cfg.modelPackId().equals(sealed.modelPackId())) {
            skip(
                    DeadLetters.Reason.MODEL_PACK_MISMATCH,
                    subjectId,
                    "expected model pack " + cfg.modelPackId() + ", found " + sealed.modelPackId(),
                    where);
            return;
        }
        int expected = cfg.dimension() > 0 ? cfg.dimension() : index.dimension();
        if (expected > 0 && sealed.dimension() != expected) {
            skip(
                    DeadLetters.Reason.EMBEDDING_DIMENSION_MISMATCH,
                    subjectId,
                    "expected embedding length " + expected + ", found " + sealed.dimension(),
                    where);
            return;
        }
        if (destroyed(sealed.keyId())) {
            skip(
                    DeadLetters.Reason.KEY_DESTROYED,
                    subjectId,
                    "sealed under data key " + sealed.keyId()
                            + ", destroyed by an erasure: a restored backup or replayed copy, which can never be decrypted",
                    where);
            return;
        }
        gallery.put(subjectId, sealed);
        refresh(subjectId, where);
    }

    /** A value of {@code facestream.subject-keys.v1} for {@code subjectId}. */
    void onKeyValue(String subjectId, LenientValue<SubjectKeyRecord> value, String where) {
        switch (value) {
            case null -> destroyKey(subjectId, where);
            case LenientValue.Unreadable<SubjectKeyRecord> u -> skipKey(subjectId, u.detail(), where);
            case LenientValue.Readable<SubjectKeyRecord> r -> applyKey(subjectId, r.value(), where);
        }
        updateSizes();
    }

    private void applyKey(String subjectId, SubjectKeyRecord key, String where) {
        if (!subjectId.equals(key.subjectId())) {
            skipKey(
                    subjectId,
                    "expected a data key of subject " + subjectId + " (the key), found one of " + key.subjectId(),
                    where);
            return;
        }
        if (destroyed(key.keyId())) {
            metrics.gallerySkip(DeadLetters.Reason.KEY_DESTROYED);
            keys.delete(subjectId);
            drop(subjectId);
            if (gallery.get(subjectId) != null) {
                awaitingKey.add(subjectId);
            }
            LOG.warn(
                    "skipping data key record {} for subject {} ({}): data key {} was destroyed by an erasure (a replay"
                            + " or a restored backup); the subject is erased until a usable key arrives",
                    where,
                    subjectId,
                    DeadLetters.Reason.KEY_DESTROYED,
                    key.keyId());
            return;
        }
        try {
            masterKeys.unwrap(key);
        } catch (DecryptionException e) {
            skipKey(subjectId, e.getMessage(), where);
            return;
        }
        SubjectKeyRecord previous = keys.get(subjectId);
        if (previous != null && !previous.keyId().equals(key.keyId())) {
            // replaced without a tombstone: the old key is gone from the topic once compacted
            destroyedKeyIds.add(previous.keyId());
        }
        keys.put(subjectId, key);
        metrics.keyUpsert();
        refresh(subjectId, where);
    }

    private void destroyKey(String subjectId, String where) {
        SubjectKeyRecord previous = keys.get(subjectId);
        keys.delete(subjectId);
        metrics.keyDestruction();
        if (previous == null) {
            return;
        }
        destroyedKeyIds.add(previous.keyId());
        SealedGalleryRecord sealed = gallery.get(subjectId);
        if (sealed != null && sealed.keyId().equals(previous.keyId())) {
            // undecryptable from now on: no reason to keep the ciphertext until the gallery tombstone arrives
            gallery.delete(subjectId);
            awaitingKey.remove(subjectId);
        }
        drop(subjectId);
        LOG.info(
                "data key {} of subject {} destroyed ({}): the subject is erased from the index",
                previous.keyId(),
                subjectId,
                where);
    }

    /** Re-decides one subject from the two stores. */
    private void refresh(String subjectId, String where) {
        SealedGalleryRecord sealed = gallery.get(subjectId);
        if (sealed == null) {
            drop(subjectId);
            return;
        }
        switch (tryOpen(subjectId, sealed)) {
            case Outcome.Opened o -> {
                index.upsert(o.record());
                awaitingKey.remove(subjectId);
                metrics.galleryUpsert();
            }
            case Outcome.AwaitingKey a -> {
                index.remove(subjectId);
                if (awaitingKey.add(subjectId)) {
                    LOG.info(
                            "gallery record of subject {} ({}) waits for its data key {}",
                            subjectId,
                            where,
                            sealed.keyId());
                }
            }
            case Outcome.Refused r -> skip(r.reason(), subjectId, r.detail(), where);
        }
    }

    private Outcome tryOpen(String subjectId, SealedGalleryRecord sealed) {
        SubjectKeyRecord wrapped = keys == null ? null : keys.get(subjectId);
        if (wrapped == null || !wrapped.keyId().equals(sealed.keyId())) {
            return new Outcome.AwaitingKey();
        }
        try {
            SubjectKey key = masterKeys.unwrap(wrapped);
            return new Outcome.Opened(cipher.open(sealed, key));
        } catch (InvalidPayloadException e) {
            return new Outcome.Refused(DeadLetters.Reason.INVALID_RECORD, e.getMessage());
        } catch (DecryptionException e) {
            return new Outcome.Refused(DeadLetters.Reason.DECRYPTION_FAILED, e.getMessage());
        }
    }

    /** A gallery value without a key: it cannot be attributed to any subject. */
    void skipKeyless(String where) {
        metrics.gallerySkip(DeadLetters.Reason.MISSING_KEY);
        LOG.warn("skipping record {} without a subject id key ({})", where, DeadLetters.Reason.MISSING_KEY);
    }

    private void skip(DeadLetters.Reason reason, String subjectId, String detail, String where) {
        metrics.gallerySkip(reason);
        gallery.delete(subjectId);
        awaitingKey.remove(subjectId);
        drop(subjectId);
        LOG.warn(
                "skipping gallery record {} for subject {} ({}): {}; the subject is erased until a usable record arrives",
                where,
                subjectId,
                reason,
                detail);
    }

    private void skipKey(String subjectId, String detail, String where) {
        metrics.gallerySkip(DeadLetters.Reason.KEY_UNREADABLE);
        keys.delete(subjectId);
        drop(subjectId);
        if (gallery.get(subjectId) != null) {
            awaitingKey.add(subjectId);
        }
        LOG.warn(
                "skipping data key record {} for subject {} ({}): {}; the subject is erased until a usable key arrives",
                where,
                subjectId,
                DeadLetters.Reason.KEY_UNREADABLE,
                detail);
    }

    private void drop(String subjectId) {
        index.remove(subjectId);
        if (gallery.get(subjectId) == null) {
            awaitingKey.remove(subjectId);
        }
    }

    private void updateSizes() {
        metrics.gallerySize(index.subjectCount(), index.templateCount());
        metrics.galleryAwaitingKey(awaitingKey.size());
    }
}
