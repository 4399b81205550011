package org.facestream.crypto;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import javax.crypto.AEADBadTagException;
import org.facestream.events.SealedGalleryRecord;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;

/**
 * The configured master keys: the current one, which wraps every new data key, and earlier ones that still
 * unwrap keys wrapped before a rotation ({@code facestream keys rewrap} moves those under the current key,
 * after which an earlier master key can be destroyed). A wrapped key names its master key by id.
 */
public final class MasterKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final KeyRing<MasterKey> ring;

    public MasterKeys(MasterKey current, List<MasterKey> previous) {
        this.ring = new KeyRing<>(current, previous, MasterKey::id, "master keys");
    }

    /** Just {@code current}. */
    public static MasterKeys of(MasterKey current) {
        return new MasterKeys(current, List.of());
    }

    /** A random master key that lives as long as this process (the demo and tests; never for real subjects). */
    public static MasterKeys ephemeral() {
        return of(MasterKey.generate());
    }

    public MasterKey current() {
        return ring.current();
    }

    /** Ids of every configured master key, the current one first. */
    public List<String> ids() {
        return ring.ids();
    }

    /** {@code key} wrapped under the current master key, ready for {@code facestream.subject-keys.v1}. */
    public SubjectKeyRecord wrap(SubjectKey key, Instant createdAt) {
        byte[] nonce = new byte[SealedGalleryRecord.NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] wrapped = AesGcm.seal(
                current().secret(),
                nonce,
                aad(key.subjectId(), key.keyId(), current().id()),
                key.material());
        return new SubjectKeyRecord(
                key.subjectId(), key.keyId(), current().id(), SealedGalleryRecord.CIPHER, nonce, wrapped, createdAt);
    }

    /**
     * The data key inside {@code record}.
     *
     * @throws DecryptionException when its master key is not configured, or it does not authenticate
     */
    public SubjectKey unwrap(SubjectKeyRecord record) {
        MasterKey kek = ring.byId(record.kekId());
        if (kek == null) {
            throw new DecryptionException(
                    "data key " + record.keyId() + " of subject " + record.subjectId() + " is wrapped under master key "
                            + record.kekId() + ", which is not configured (found " + String.join(", ", ids()) + ")");
        }
        try {
            byte[] material = AesGcm.open(
                    kek.secret(),
                    record.nonce(),
                    aad(record.subjectId(), record.keyId(), record.kekId()),
                    record.wrappedKey());
            return new SubjectKey(record.subjectId(), record.keyId(), material);
        } catch (AEADBadTagException e) {
            throw new DecryptionException("data key " + record.keyId() + " of subject " + record.subjectId()
                    + " does not authenticate under master key " + record.kekId()
                    + ": it was changed, or wrapped for another subject");
        }
    }

    /** What a wrapped key is bound to: topic version, subject, key id and master key id. */
    static byte[] aad(String subjectId, String keyId, String kekId) {
        return (Topics.SUBJECT_KEYS + "\n" + subjectId + "\n" + keyId + "\n" + kekId).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "MasterKeys" + ids();
    }
}
