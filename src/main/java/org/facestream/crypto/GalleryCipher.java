package org.facestream.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Json;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.Topics;

/**
 * Seals a {@link GalleryRecord} under its subject's data key and opens it again. The ciphertext holds the
 * display name and the templates (embeddings, sources, quality) as JSON; the clear fields of the
 * {@link SealedGalleryRecord} (topic version, subject, pack, dimension, template count, enrolment time,
 * cipher, key id) are its additional authenticated data. Each seal draws a fresh random 96-bit nonce:
 * a subject's key seals a handful of records in its life, far below GCM's 2^32 random-nonce bound.
 */
public final class GalleryCipher {
    private final SecureRandom random;

    public GalleryCipher() {
        this(new SecureRandom());
    }

    /** With {@code random} drawing the nonces (a seeded one only in golden tests). */
    GalleryCipher(SecureRandom random) {
        this.random = random;
    }

    /** {@code record} sealed under {@code key}, which must be its subject's. */
    public SealedGalleryRecord seal(GalleryRecord record, SubjectKey key) {
        if (!record.subjectId().equals(key.subjectId())) {
            throw new IllegalArgumentException(
                    "expected the data key of subject " + record.subjectId() + ", found the key of " + key.subjectId());
        }
        byte[] plaintext;
        try {
            plaintext = Json.MAPPER.writeValueAsBytes(new SealedPayload(record.displayName(), record.templates()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the gallery payload of " + record.subjectId(), e);
        }
        byte[] nonce = new byte[SealedGalleryRecord.NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] aad = aad(
                record.subjectId(),
                record.modelPackId(),
                record.dimension(),
                record.templates().size(),
                record.enrolledAt().toString(),
                SealedGalleryRecord.CIPHER,
                key.keyId());
        byte[] ciphertext = AesGcm.seal(key.secret(), nonce, aad, plaintext);
        return new SealedGalleryRecord(
                record.subjectId(),
                record.modelPackId(),
                record.dimension(),
                record.templates().size(),
                record.enrolledAt(),
                SealedGalleryRecord.CIPHER,
                key.keyId(),
                nonce,
                ciphertext);
    }

    /**
     * The record inside {@code sealed}.
     *
     * @throws DecryptionException when {@code key} is not the key it names, or it does not authenticate
     * @throws InvalidPayloadException when it authenticates but holds no valid record (a broken writer)
     */
    public GalleryRecord open(SealedGalleryRecord sealed, SubjectKey key) {
        if (!sealed.subjectId().equals(key.subjectId()) || !sealed.keyId().equals(key.keyId())) {
            throw new DecryptionException(
                    "gallery record of subject " + sealed.subjectId() + " is sealed under data key " + sealed.keyId()
                            + ", found key " + key.keyId() + " of subject " + key.subjectId());
        }
        byte[] plaintext;
        try {
            plaintext = AesGcm.open(key.secret(), sealed.nonce(), aad(sealed), sealed.ciphertext());
        } catch (AEADBadTagException e) {
            throw new DecryptionException("gallery record of subject " + sealed.subjectId()
                    + " does not authenticate under its data key " + sealed.keyId()
                    + ": its ciphertext or a clear field was changed, or it was sealed for another subject");
        }
        SealedPayload payload;
        try {
            payload = Json.MAPPER.readValue(plaintext, SealedPayload.class);
        } catch (IOException | RuntimeException e) {
            // authentic but unreadable: written by a broken or incompatible writer
            throw new InvalidPayloadException("gallery record of subject " + sealed.subjectId()
                    + " authenticates but its payload does not read: " + e.getMessage());
        }
        GalleryRecord record;
        try {
            record = new GalleryRecord(
                    sealed.subjectId(),
                    payload.displayName(),
                    payload.templates(),
                    sealed.modelPackId(),
                    sealed.enrolledAt());
        } catch (RuntimeException e) {
            throw new InvalidPayloadException("gallery record of subject " + sealed.subjectId()
                    + " authenticates but is invalid: " + e.getMessage());
        }
        if (record.templates().size() != sealed.templateCount() || record.dimension() != sealed.dimension()) {
            throw new InvalidPayloadException(
                    "gallery record of subject " + sealed.subjectId() + " authenticates but declares "
                            + sealed.templateCount() + " templates of dimension " + sealed.dimension() + ", found "
                            + record.templates().size() + " of dimension " + record.dimension());
        }
        return record;
    }

    static byte[] aad(SealedGalleryRecord s) {
        return aad(
                s.subjectId(),
                s.modelPackId(),
                s.dimension(),
                s.templateCount(),
                s.enrolledAt().toString(),
                s.cipher(),
                s.keyId());
    }

    private static byte[] aad(
            String subjectId,
            String pack,
            int dimension,
            int templates,
            String enrolledAt,
            String cipher,
            String keyId) {
        return String.join(
                        "\n",
                        Topics.GALLERY,
                        subjectId,
                        pack,
                        Integer.toString(dimension),
                        Integer.toString(templates),
                        enrolledAt,
                        cipher,
                        keyId)
                .getBytes(StandardCharsets.UTF_8);
    }
}
