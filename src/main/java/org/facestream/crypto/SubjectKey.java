package org.facestream.crypto;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.facestream.events.SubjectKeyRecord;

/**
 * One subject's data key: 256 random bits and a random id that the subject's sealed gallery records name.
 * A subject has one key at a time; erasure destroys it. {@link #toString()} never shows the key.
 */
public final class SubjectKey {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final String subjectId;
    private final String keyId;
    private final SecretKey secret;

    SubjectKey(String subjectId, String keyId, byte[] material) {
        this.subjectId = Objects.requireNonNull(subjectId, "subjectId");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        if (material.length != SubjectKeyRecord.KEY_BYTES) {
            throw new IllegalArgumentException(
                    "expected a data key of " + SubjectKeyRecord.KEY_BYTES + " bytes, found " + material.length);
        }
        this.secret = new SecretKeySpec(material, "AES");
    }

    /** A fresh key for {@code subjectId}. */
    public static SubjectKey generate(String subjectId) {
        byte[] material = new byte[SubjectKeyRecord.KEY_BYTES];
        RANDOM.nextBytes(material);
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return new SubjectKey(subjectId, "dek-" + HexFormat.of().formatHex(id), material);
    }

    public String subjectId() {
        return subjectId;
    }

    public String keyId() {
        return keyId;
    }

    SecretKey secret() {
        return secret;
    }

    byte[] material() {
        return secret.getEncoded();
    }

    @Override
    public String toString() {
        return "SubjectKey[subject=" + subjectId + ", key=" + keyId + "]";
    }
}
