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
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file form of FaceStream's 256-bit keys (master keys, audit keys): one line of base64, lines starting with
 * {@code #} are comments, written readable by its owner only and never overwritten. Every problem is an
 * {@link IllegalArgumentException} naming the file and never quoting the key.
 */
final class KeyFiles {
    private static final Logger LOG = LoggerFactory.getLogger(KeyFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int KEY_BYTES = 32;

    private KeyFiles() {}

    /** 32 fresh random bytes. */
    static byte[] random() {
        byte[] material = new byte[KEY_BYTES];
        RANDOM.nextBytes(material);
        return material;
    }

    /** The key of base64 text (32 bytes once decoded); {@code what} ("master key") and {@code where} name it. */
    static byte[] fromBase64(String base64, String what, String where) {
        byte[] material;
        try {
            material = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            // the message would quote a character of the key: say only what is wrong
            throw new IllegalArgumentException(
                    "expected base64 in " + what + " " + where + ", found text that is not base64");
        }
        if (material.length != KEY_BYTES) {
            throw new IllegalArgumentException("expected a 256-bit " + what + " (" + KEY_BYTES + " bytes as base64) in "
                    + where + ", found " + material.length + " bytes");
        }
        return material;
    }

    /** Reads a key file of {@code what} ("master key"); warns when others may read it. */
    static byte[] read(Path file, String what) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("expected a " + what + " file at " + file
                    + ", found nothing there (facestream keys create makes one)");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + e, e);
        }
        if (lines.size() != 1) {
            throw new IllegalArgumentException("expected one line of base64 (32 random bytes) in " + what + " file "
                    + file + ", found " + (lines.isEmpty() ? "no key line" : lines.size() + " lines"));
        }
        byte[] material = fromBase64(lines.get(0), what, "file " + file);
        warnIfOthersCanRead(file, what);
        return material;
    }

    /** Writes {@code material} to a new file readable only by its owner, after a comment line; never overwrites. */
    static void write(Path file, String comment, byte[] material, String what) {
        String text = "# " + comment + "\n" + Base64.getEncoder().encodeToString(material) + "\n";
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                // a missing directory is made owner-only too: it will hold secrets
                Path existing = dir;
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                if (existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix")) {
                    Files.createDirectories(
                            dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createDirectories(dir);
                }
            }
            if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(
                    "expected no file at " + file + " (a " + what + " is never overwritten), found one");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + what + " file " + file + ": " + e, e);
        }
    }

    /** SHA-256 of {@code label} then {@code material}. */
    static byte[] sha256(byte[] label, byte[] material) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(label);
            return d.digest(material);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private static void warnIfOthersCanRead(Path file, String what) {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn(
                        "{} file {} is readable by every user; restrict it (chmod 600) or mount it as a secret",
                        what,
                        file);
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("cannot check the permissions of {}: {}", file, e.toString());
        }
    }
}
