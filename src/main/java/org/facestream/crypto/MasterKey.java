package org.facestream.crypto;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A master key-encryption key (KEK): 256 random bits that wrap the subjects' data keys. It lives in a file
 * (one line of base64; lines starting with {@code #} are comments), never on a topic. Its id is derived
 * from the key itself ({@code kek-} and 16 hex digits of a SHA-256 over a label and the key), so a file
 * alone defines both and wrapped keys name the KEK that opens them. {@link #toString()} shows only the id.
 */
public final class MasterKey {
    private static final int KEY_BYTES = KeyFiles.KEY_BYTES;
    private static final byte[] ID_LABEL = "facestream master key id v1\n".getBytes(StandardCharsets.UTF_8);

    private final String id;
    private final SecretKey secret;

    private MasterKey(byte[] material) {
        if (material.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "expected a 256-bit master key (" + KEY_BYTES + " bytes), found " + material.length + " bytes");
        }
        this.secret = new SecretKeySpec(material, "AES");
        this.id = "kek-" + HexFormat.of().formatHex(KeyFiles.sha256(ID_LABEL, material), 0, 8);
    }

    /** A fresh random master key. */
    public static MasterKey generate() {
        return new MasterKey(KeyFiles.random());
    }

    /** The master key of base64 text (32 bytes once decoded); {@code where} names its origin in messages. */
    public static MasterKey fromBase64(String base64, String where) {
        return new MasterKey(KeyFiles.fromBase64(base64, "master key", where));
    }

    /** Reads a master key file; every problem is an {@link IllegalArgumentException} naming the file. */
    public static MasterKey read(Path file) {
        return new MasterKey(KeyFiles.read(file, "master key"));
    }

    /**
     * Writes this key to a new file readable only by its owner; refuses to overwrite an existing file. Missing
     * parent directories are made, accessible to the owner only ({@code secrets/} of a fresh clone).
     */
    public void write(Path file) {
        KeyFiles.write(
                file,
                "FaceStream master key " + id + ", created " + Instant.now()
                        + ". Keep it secret and apart from backups.",
                secret.getEncoded(),
                "master key");
    }

    /** {@code kek-} and 16 hex digits, derived from the key. */
    public String id() {
        return id;
    }

    SecretKey secret() {
        return secret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MasterKey k && id.equals(k.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "MasterKey[" + id + "]";
    }
}
