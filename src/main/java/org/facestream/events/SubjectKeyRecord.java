package org.facestream.events;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The value of the compacted {@link Topics#SUBJECT_KEYS} topic: one subject's 256-bit data key, wrapped
 * (AES-256-GCM) under a master key-encryption key that never leaves configuration. The subject id, the
 * key id and the master key's id are bound to the wrapped key as additional authenticated data, so a
 * wrapped key cannot be moved to another subject. A tombstone (null value) destroys the key: every copy of
 * the subject's gallery records, wherever it lies, becomes undecryptable. Schema:
 * {@code topologies/schemas/subject-key.md}.
 *
 * @param subjectId the subject's id (the record key)
 * @param keyId the data key's id, random per key; gallery records name it
 * @param kekId the id of the master key that wraps it (rotation: several may be configured)
 * @param cipher the wrapping algorithm, {@value SealedGalleryRecord#CIPHER}
 * @param nonce the 96-bit GCM nonce of the wrapping, random per record
 * @param wrappedKey the wrapped 32-byte key followed by the 16-byte GCM tag
 * @param createdAt when the data key was made
 */
public record SubjectKeyRecord(
        String subjectId,
        String keyId,
        String kekId,
        String cipher,
        byte[] nonce,
        byte[] wrappedKey,
        Instant createdAt) {
    /** Length of a data key in bytes (AES-256). */
    public static final int KEY_BYTES = 32;
    /** Length of a wrapped data key: the key and the GCM tag. */
    public static final int WRAPPED_BYTES = KEY_BYTES + SealedGalleryRecord.TAG_BYTES;

    public SubjectKeyRecord {
        Validation.requireId("subjectId", subjectId);
        Validation.requireId("keyId", keyId);
        Validation.requireId("kekId", kekId);
        if (!SealedGalleryRecord.CIPHER.equals(cipher)) {
            throw new IllegalArgumentException("expected cipher " + SealedGalleryRecord.CIPHER + ", found " + cipher);
        }
        nonce = Validation.requireLength("nonce", nonce, SealedGalleryRecord.NONCE_BYTES);
        wrappedKey = Validation.requireLength("wrappedKey", wrappedKey, WRAPPED_BYTES);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] wrappedKey() {
        return wrappedKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubjectKeyRecord k
                && subjectId.equals(k.subjectId)
                && keyId.equals(k.keyId)
                && kekId.equals(k.kekId)
                && cipher.equals(k.cipher)
                && Arrays.equals(nonce, k.nonce)
                && Arrays.equals(wrappedKey, k.wrappedKey)
                && createdAt.equals(k.createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subjectId, keyId, kekId) * 31 + Arrays.hashCode(wrappedKey);
    }

    @Override
    public String toString() {
        return "SubjectKeyRecord[subject=" + subjectId + ", key=" + keyId + ", kek=" + kekId + "]";
    }
}
