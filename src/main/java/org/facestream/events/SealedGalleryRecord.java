package org.facestream.events;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * The value of the compacted {@link Topics#GALLERY} topic: one subject's {@link GalleryRecord}, encrypted
 * with AES-256-GCM under the subject's own data key (see {@link SubjectKeyRecord}). Only what the matcher
 * and the API must know before decrypting is in the clear (subject id, model pack, dimension, template
 * count, enrolment time, key id); every clear field is bound to the ciphertext as additional authenticated
 * data, so none can be changed, and the ciphertext cannot be moved to another subject, without the
 * authentication failing. Embeddings, sources, quality and the display name exist only as ciphertext.
 * A tombstone (null value) erases the subject. Schema: {@code topologies/schemas/gallery-record.md}.
 *
 * @param subjectId the subject's id (the record key)
 * @param modelPackId the model pack the templates were computed with; the matcher refuses other packs
 *     without decrypting
 * @param dimension embedding length of every template
 * @param templateCount number of templates inside the ciphertext
 * @param enrolledAt when this version of the subject was written
 * @param cipher the algorithm, {@value #CIPHER}
 * @param keyId the id of the subject data key the ciphertext is sealed under
 * @param nonce the 96-bit GCM nonce, random per record
 * @param ciphertext the sealed {@link GalleryRecord} payload followed by the 128-bit GCM tag
 */
public record SealedGalleryRecord(
        String subjectId,
        String modelPackId,
        int dimension,
        int templateCount,
        Instant enrolledAt,
        String cipher,
        String keyId,
        byte[] nonce,
        byte[] ciphertext) {
    /** The only cipher of v1. */
    public static final String CIPHER = "AES-256-GCM";
    /** GCM nonce length in bytes. */
    public static final int NONCE_BYTES = 12;
    /** GCM tag length in bytes; every ciphertext is at least this long. */
    public static final int TAG_BYTES = 16;

    public SealedGalleryRecord {
        Validation.requireId("subjectId", subjectId);
        Validation.requireId("modelPackId", modelPackId);
        if (dimension < 1) {
            throw new IllegalArgumentException(
                    "expected dimension >= 1 for subject " + subjectId + ", found " + dimension);
        }
        if (templateCount < 1) {
            throw new IllegalArgumentException(
                    "expected at least one template for subject " + subjectId + ", found " + templateCount);
        }
        Objects.requireNonNull(enrolledAt, "enrolledAt");
        if (!CIPHER.equals(cipher)) {
            throw new IllegalArgumentException("expected cipher " + CIPHER + ", found " + cipher);
        }
        Validation.requireId("keyId", keyId);
        nonce = Validation.requireLength("nonce", nonce, NONCE_BYTES);
        if (ciphertext == null || ciphertext.length <= TAG_BYTES) {
            throw new IllegalArgumentException("expected a ciphertext longer than the " + TAG_BYTES
                    + "-byte GCM tag, found " + (ciphertext == null ? "none" : ciphertext.length + " bytes"));
        }
        ciphertext = ciphertext.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public byte[] ciphertext() {
        return ciphertext.clone();
    }

    /** A copy claiming to be of {@code otherSubjectId} (what an attacker moving ciphertext would write). */
    public SealedGalleryRecord withSubjectId(String otherSubjectId) {
        return new SealedGalleryRecord(
                otherSubjectId, modelPackId, dimension, templateCount, enrolledAt, cipher, keyId, nonce, ciphertext);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedGalleryRecord s
                && subjectId.equals(s.subjectId)
                && modelPackId.equals(s.modelPackId)
                && dimension == s.dimension
                && templateCount == s.templateCount
                && enrolledAt.equals(s.enrolledAt)
                && cipher.equals(s.cipher)
                && keyId.equals(s.keyId)
                && Arrays.equals(nonce, s.nonce)
                && Arrays.equals(ciphertext, s.ciphertext);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subjectId, keyId, enrolledAt) * 31 + Arrays.hashCode(ciphertext);
    }

    @Override
    public String toString() {
        return "SealedGalleryRecord[subject=" + subjectId + ", pack=" + modelPackId + ", dim=" + dimension
                + ", templates=" + templateCount + ", key=" + keyId + ", " + ciphertext.length + " bytes]";
    }
}
