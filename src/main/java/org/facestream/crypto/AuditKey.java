package org.facestream.crypto;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An audit key: 256 random bits under which every audit record and checkpoint is authenticated (HMAC-SHA256),
 * held by FaceStream's writers in configuration ({@code security.audit.key.file}) and by whoever verifies the
 * log, never on a topic. The same file form as a master key ({@code facestream keys create --audit --out FILE});
 * its id ({@code audit-} and 16 hex digits of a SHA-256 over a label and the key) is derived from it, so records
 * name the key that checks them. Use a key of its own, not the master key. {@link #toString()} shows only the id.
 */
public final class AuditKey {
    private static final byte[] ID_LABEL = "facestream audit key id v1\n".getBytes(StandardCharsets.UTF_8);
    private static final String ALGORITHM = "HmacSHA256";

    private final String id;
    private final SecretKeySpec secret;

    private AuditKey(byte[] material) {
        this.secret = new SecretKeySpec(material, ALGORITHM);
        this.id = "audit-" + HexFormat.of().formatHex(KeyFiles.sha256(ID_LABEL, material), 0, 8);
    }

    /** A fresh random audit key. */
    public static AuditKey generate() {
        return new AuditKey(KeyFiles.random());
    }

    /** Reads an audit key file; every problem is an {@link IllegalArgumentException} naming the file. */
    public static AuditKey read(Path file) {
        return new AuditKey(KeyFiles.read(file, "audit key"));
    }

    /** Writes this key to a new file readable only by its owner; refuses to overwrite an existing file. */
    public void write(Path file) {
        KeyFiles.write(
                file,
                "FaceStream audit key " + id + ", created " + Instant.now()
                        + ". Every audit writer and verifier holds it; keep it secret.",
                secret.getEncoded(),
                "audit key");
    }

    /** {@code audit-} and 16 hex digits, derived from the key. */
    public String id() {
        return id;
    }

    /** HMAC-SHA256 of {@code bytes}, lower-case hex. */
    public String mac(byte[] bytes) {
        return HexFormat.of().formatHex(macBytes(bytes));
    }

    /** Whether {@code macHex} is the HMAC of {@code bytes}, compared in constant time. */
    public boolean verifies(byte[] bytes, String macHex) {
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(macHex);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(macBytes(bytes), presented);
    }

    private byte[] macBytes(byte[] bytes) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return mac.doFinal(bytes);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditKey k && id.equals(k.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "AuditKey[" + id + "]";
    }
}
