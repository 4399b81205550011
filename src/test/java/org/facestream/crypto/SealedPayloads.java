package org.facestream.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Json;
import org.facestream.events.SealedGalleryRecord;

/**
 * What a broken writer that holds a subject's data key could put on the gallery topic: any plaintext sealed,
 * authentically, under the key, with any clear fields. {@link GalleryCipher#seal} only seals valid records,
 * so a template with NaN, of another length or not of unit length reaches the matcher's template checks only
 * this way: inside the ciphertext.
 */
public final class SealedPayloads {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SealedPayloads() {}

    /** The plaintext {@link GalleryCipher#seal} seals for {@code record}: {@code {"displayName", "templates"}} JSON. */
    public static byte[] payload(GalleryRecord record) {
        try {
            return Json.MAPPER.writeValueAsBytes(new SealedPayload(record.displayName(), record.templates()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code plaintext} sealed under {@code key}, with the given clear fields bound as additional authenticated
     * data exactly as {@link GalleryCipher#seal} binds them: it authenticates, whatever the plaintext holds.
     */
    public static SealedGalleryRecord seal(
            SubjectKey key,
            String modelPackId,
            int dimension,
            int templateCount,
            Instant enrolledAt,
            byte[] plaintext) {
        byte[] nonce = new byte[SealedGalleryRecord.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        // a placeholder ciphertext only to compute the AAD from the clear fields (the AAD does not cover the
        // ciphertext)
        SealedGalleryRecord header = new SealedGalleryRecord(
                key.subjectId(),
                modelPackId,
                dimension,
                templateCount,
                enrolledAt,
                SealedGalleryRecord.CIPHER,
                key.keyId(),
                nonce,
                new byte[SealedGalleryRecord.TAG_BYTES + 1]);
        byte[] ciphertext = AesGcm.seal(key.secret(), nonce, GalleryCipher.aad(header), plaintext);
        return new SealedGalleryRecord(
                key.subjectId(),
                modelPackId,
                dimension,
                templateCount,
                enrolledAt,
                SealedGalleryRecord.CIPHER,
                key.keyId(),
                nonce,
                ciphertext);
    }
}
