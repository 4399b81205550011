package org.facestream.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.facestream.events.AuditRecord;

/**
 * A set of API keys as a key file declares them, one per line: {@code <key-id> <role> <sha256-hex-of-key>}
 * ({@code #} starts a comment, blank lines are skipped). Only hashes are stored: a key is 32 random bytes, so
 * an unsalted SHA-256 cannot be inverted, and a leaked file grants nothing. {@link #authenticate} hashes the
 * presented key once and compares it with every stored hash in constant time, without stopping at a match,
 * so its timing tells nothing about which key (or how much of one) matched. Immutable, thread-safe.
 */
public final class ApiKeys implements Credentials {
    /** Key ids travel in audit records and logs: a safe alphabet, no spaces. */
    public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    /** Prefix of minted keys, so a leaked one is recognisable (secret scanners, logs). */
    public static final String KEY_PREFIX = "fsk_";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final int MAX_PRESENTED = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry(String id, Role role, byte[] sha256) {}

    private final List<Entry> keys;
    private final String digest;

    private ApiKeys(List<Entry> keys, String digest) {
        this.keys = List.copyOf(keys);
        this.digest = digest;
    }

    /** A key file that cannot be used; the message names the file and line. */
    public static final class KeyFileException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public KeyFileException(String message) {
            super(message);
        }
    }

    /** Reads and parses the key file {@code file}. */
    public static ApiKeys read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KeyFileException("api key file " + file + ": expected a readable file, found " + e);
        }
        return parse(new String(bytes, StandardCharsets.UTF_8), file.toString(), AuditRecord.sha256Hex(bytes));
    }

    /**
     * Parses key-file text.
     *
     * @param origin named in errors (the file path)
     * @param digest the digest of the text as stored (audited with key changes)
     * @throws KeyFileException naming the first bad line: wrong field count, unknown role, a malformed hash, a
     *     repeated id or hash, or a file without keys
     */
    public static ApiKeys parse(String text, String origin, String digest) {
        List<Entry> keys = new ArrayList<>();
        Map<String, Integer> idLines = new HashMap<>();
        Map<String, Integer> hashLines = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String line = lines[i];
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] f = content.split("\\s+");
            String where = "api key file " + origin + " line " + n + ": ";
            if (f.length != 3) {
                throw new KeyFileException(
                        where + "expected <key-id> <role> <sha256-hex-of-key>, found " + f.length + " field(s)");
            }
            if (!KEY_ID.matcher(f[0]).matches()) {
                throw new KeyFileException(where + "expected a key id of 1-64 characters [A-Za-z0-9._@-], found '"
                        + abbreviate(f[0]) + "'");
            }
            Role role;
            try {
                role = Role.parse(f[1]);
            } catch (IllegalArgumentException e) {
                throw new KeyFileException(where + e.getMessage());
            }
            if (!SHA256_HEX.matcher(f[2]).matches()) {
                throw new KeyFileException(
                        where + "expected the key's sha256 as 64 hex digits, found " + f[2].length() + " characters"
                                + (f[2].startsWith(KEY_PREFIX)
                                        ? " (a key itself: store its hash, facestream api-key create prints it)"
                                        : ""));
            }
            Integer earlier = idLines.putIfAbsent(f[0], n);
            if (earlier != null) {
                throw new KeyFileException(
                        where + "expected each key id once, found " + f[0] + " again (first on line " + earlier + ")");
            }
            String lower = f[2].toLowerCase(Locale.ROOT);
            earlier = hashLines.putIfAbsent(lower, n);
            if (earlier != null) {
                throw new KeyFileException(
                        where + "expected each key hash once, found the hash of line " + earlier + " again");
            }
            keys.add(new Entry(f[0], role, HexFormat.of().parseHex(lower)));
        }
        if (keys.isEmpty()) {
            throw new KeyFileException("api key file " + origin
                    + ": expected at least one key line <key-id> <role> <sha256-hex-of-key>, found none");
        }
        return new ApiKeys(keys, digest);
    }

    /** One key, held only in memory (the demo's ephemeral admin key). */
    public static ApiKeys single(String keyId, Role role, String secret) {
        return parse(line(keyId, role, secret), "(in memory)", "ephemeral");
    }

    @Override
    public Optional<Principal> authenticate(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > MAX_PRESENTED) {
            return Optional.empty();
        }
        byte[] presented = sha256(presentedKey);
        Entry found = null;
        for (Entry e : keys) {
            // no early exit: every stored hash is compared whatever matched before
            if (MessageDigest.isEqual(presented, e.sha256()) && found == null) {
                found = e;
            }
        }
        return found == null ? Optional.empty() : Optional.of(new Principal(found.id(), found.role()));
    }

    /** Key id to role, sorted by id. */
    public SortedMap<String, Role> roles() {
        SortedMap<String, Role> m = new TreeMap<>();
        keys.forEach(e -> m.put(e.id(), e.role()));
        return Collections.unmodifiableSortedMap(m);
    }

    /** SHA-256 of the key file as read ({@code ephemeral} for in-memory keys). */
    public String digest() {
        return digest;
    }

    /** A new random key: {@code fsk_} and 32 random bytes, base64url. */
    public static String mint() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The key-file line for {@code secret}. */
    public static String line(String keyId, Role role, String secret) {
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException(
                    "expected a key id of 1-64 characters [A-Za-z0-9._@-], found '" + abbreviate(keyId) + "'");
        }
        return keyId + " " + role.label() + " " + HexFormat.of().formatHex(sha256(secret));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
