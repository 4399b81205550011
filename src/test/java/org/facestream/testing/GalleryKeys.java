package org.facestream.testing;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.facestream.crypto.GalleryCipher;
import org.facestream.crypto.MasterKeys;
import org.facestream.crypto.SealedPayloads;
import org.facestream.crypto.SubjectKey;
import org.facestream.events.EventSerdes;
import org.facestream.events.GalleryRecord;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;

/**
 * The encrypted gallery for tests: one ephemeral master key and one data key per subject (made on first
 * use), sealed records and wrapped key records as the production writer makes them, and their topic bytes.
 * Not thread-safe.
 */
public final class GalleryKeys {
    public static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
    private final MasterKeys masterKeys;
    private final Map<String, SubjectKey> bySubject = new HashMap<>();
    private final GalleryCipher cipher = new GalleryCipher();

    public GalleryKeys() {
        this(MasterKeys.ephemeral());
    }

    public GalleryKeys(MasterKeys masterKeys) {
        this.masterKeys = masterKeys;
    }

    public MasterKeys masterKeys() {
        return masterKeys;
    }

    /** The subject's data key, made on first use. */
    public SubjectKey key(String subjectId) {
        return bySubject.computeIfAbsent(subjectId, SubjectKey::generate);
    }

    /** Forgets the subject's key (as erasure does): the next {@link #key} is a new one. */
    public void forget(String subjectId) {
        bySubject.remove(subjectId);
    }

    /** The subject's data key wrapped under the master key. */
    public SubjectKeyRecord keyRecord(String subjectId) {
        return masterKeys.wrap(key(subjectId), CREATED);
    }

    public byte[] keyBytes(String subjectId) {
        return EventSerdes.subjectKeys().serialize(Topics.SUBJECT_KEYS, keyRecord(subjectId));
    }

    /** {@code record} sealed under its subject's data key. */
    public SealedGalleryRecord seal(GalleryRecord record) {
        return cipher.seal(record, key(record.subjectId()));
    }

    public byte[] sealedBytes(GalleryRecord record) {
        return EventSerdes.gallery().serialize(Topics.GALLERY, seal(record));
    }

    /**
     * {@code plaintext} sealed under the subject's data key with the clear fields of {@code header} (subject,
     * pack, dimension, template count, enrolment time): what a broken writer holding the key could write, such
     * as templates with NaN or not of unit length, which {@link GalleryRecord} itself refuses to hold. It
     * authenticates; see {@link SealedPayloads#payload} for the plaintext of a valid record.
     */
    public byte[] sealedBytes(GalleryRecord header, byte[] plaintext) {
        return sealedBytes(header, header.templates().size(), plaintext);
    }

    /** As {@link #sealedBytes(GalleryRecord, byte[])}, declaring {@code templateCount} templates in the clear. */
    public byte[] sealedBytes(GalleryRecord header, int templateCount, byte[] plaintext) {
        return bytes(SealedPayloads.seal(
                key(header.subjectId()),
                header.modelPackId(),
                header.dimension(),
                templateCount,
                header.enrolledAt(),
                plaintext));
    }

    /** The bytes of a sealed record (for tampering with). */
    public static byte[] bytes(SealedGalleryRecord sealed) {
        return EventSerdes.gallery().serialize(Topics.GALLERY, sealed);
    }
}
