package org.facestream.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master key-encryption key (KEK): 256 random bits that wrap the subjects' data keys. It lives in a file
 * (one line of base64; lines starting with {@code #} are comments), never on a topic. Its id is derived
 * from the key itself ({@code kek-} and 16 hex digits of a SHA-256 over a label and the key), so a file
 * alone defines both and wrapped keys name the KEK that opens them. {@link #toString()} shows only the id.
 */
public final class MasterKey {
    private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 32;
    private static final byte[] ID_LABEL = "facestream master key id v1\n".getBytes(StandardCharsets.UTF_8);

    private final String id;
    private final SecretKey secret;

    private MasterKey(byte[] material) {
        if (material.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "expected a 256-bit master key (" + KEY_BYTES + " bytes), found " + material.length + " bytes");
        }
        this.secret = new SecretKeySpec(material, "AES");
        this.id = "kek-" + HexFormat.of().formatHex(sha256(ID_LABEL, material), 0, 8);
    }

    /** A fresh random master key. */
    public static MasterKey generate() {
        byte[] material = new byte[KEY_BYTES];
        RANDOM.nextBytes(material);
        return new MasterKey(material);
    }

    /** The master key of base64 text (32 bytes once decoded); {@code where} names its origin in messages. */
    public static MasterKey fromBase64(String base64, String where) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            // the message would quote a character of the key: say only what is wrong
            throw new IllegalArgumentException(
                    "expected base64 in master key " + where + ", found text that is not base64");
        }
        if (material.length != KEY_BYTES) {
            throw new IllegalArgumentException("expected a 256-bit master key (" + KEY_BYTES + " bytes as base64) in "
                    + where + ", found " + material.length + " bytes");
        }
        return new MasterKey(material);
    }

    /** Reads a master key file; every problem is an {@link IllegalArgumentException} naming the file. */
    public static MasterKey read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("expected a master key file at " + file
                    + ", found nothing there (facestream keys create makes one)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read master key file " + file + ": " + e, e);
        }
        if (lines.size() != 1) {
            throw new IllegalArgumentException("expected one line of base64 (32 random bytes) in master key file "
                    + file + ", found " + (lines.isEmpty() ? "no key line" : lines.size() + " lines"));
        }
        MasterKey key = fromBase64(lines.get(0), "file " + file);
        warnIfOthersCanRead(file);
        return key;
    }

    /**
     * Writes this key to a new file readable only by its owner; refuses to overwrite an existing file. Missing
     * parent directories are made, accessible to the owner only ({@code secrets/} of a fresh clone).
     */
    public void write(Path file) {
        String text = "# FaceStream master key " + id + ", created " + Instant.now()
                + ". Keep it secret and apart from backups.\n"
                + Base64.getEncoder().encodeToString(secret.getEncoded()) + "\n";
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(parent)) {
                Path existing = parent;
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                if (existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix")) {
                    Files.createDirectories(
                            parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(parent);
                }
            }
            if (Files.getFileStore(parent).supportsFileAttributeView("posix")) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(
                    "expected no file at " + file + " (a master key is never overwritten), found one");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write master key file " + file + ": " + e, e);
        }
    }

    /** {@code kek-} and 16 hex digits, derived from the key. */
    public String id() {
        return id;
    }

    SecretKey secret() {
        return secret;
    }

    private static void warnIfOthersCanRead(Path file) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn(
                        "master key file {} is readable by every user; restrict it (chmod 600) or mount it as a secret",
                        file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("cannot check the permissions of {}: {}", file, e.toString());
        }
    }

    private static byte[] sha256(byte[] label, byte[] material) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(label);
            return d.digest(material);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
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
