package org.facestream.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One record of the append-only audit log {@link Topics#AUDIT}, keyed by its chain id: who did what to which
 * subject, and when. Records are hash-chained per writer: {@code hash} is the SHA-256 of
 * {@link #canonicalBytes()}, which include {@code prevHash}, the hash of the previous record of the same
 * chain, so changing, removing or reordering a record breaks every later link of its chain
 * ({@code facestream audit verify}). And they are authenticated: {@code mac} is the HMAC-SHA256 of the same
 * bytes under the audit key {@code keyId} names ({@link AuditKeyring}), which only FaceStream's writers hold, so
 * a topic writer without it can compute a hash but not a mac: it can neither forge a chain nor append to one.
 * Each record's chain head is also checkpointed on {@link Topics#AUDIT_HEADS} ({@link AuditHead}), so a chain
 * cut at its tail shows.
 *
 * <p>The constructor checks form only (alphabets, lengths, hex): a record whose hash does not recompute is
 * still a record, so the verifier can name it. Every string is free of control characters, which keeps the
 * canonical form free of escapes other than {@code \"} and {@code \\} (see {@link #canonicalBytes()}).
 *
 * @param chainId the writer's chain (the record key): one per writer instance
 * @param sequence position in the chain, 0 for the genesis record
 * @param prevHash hash of the chain's previous record; {@link #GENESIS_PREV_HASH} for the genesis record
 * @param hash SHA-256 of {@link #canonicalBytes()}, 64 lower-case hex digits
 * @param at when the action happened, UTC, millisecond precision
 * @param actor who: {@code api-key:<key id>}, {@code user:<name>} or {@code service:<application>}
 * @param action what, kebab-case: one of the constants below (readers accept others)
 * @param subject the subject id the action concerns, or null
 * @param details further facts, string to string, sorted by key (keys {@code [a-z0-9][a-z0-9_.-]*})
 * @param keyId the audit key the record is sealed under ({@code audit-} and 16 hex digits), null in records
 *     written before audit keys (which verify as unauthenticated)
 * @param mac HMAC-SHA256 of {@link #canonicalBytes()} under {@code keyId}, 64 lower-case hex digits; null with it
 */
public record AuditRecord(
        String chainId,
        long sequence,
        String prevHash,
        String hash,
        Instant at,
        String actor,
        String action,
        String subject,
        SortedMap<String, String> details,
        String keyId,
        String mac) {
    /** The {@code prevHash} of a chain's first record: 64 zeros. */
    public static final String GENESIS_PREV_HASH = "0".repeat(64);

    /** First record of a chain: the writer, its host and process; {@code previous.*} when it replaces a broken chain. */
    public static final String CHAIN_STARTED = "chain-started";
    /** Last record of a chain whose writer stopped cleanly. */
    public static final String CHAIN_CLOSED = "chain-closed";
    /** A process's resolved configuration (secrets redacted) and its digest. */
    public static final String CONFIG_RESOLVED = "config-resolved";
    /** The API's keys as loaded at start (ids and roles, never secrets). */
    public static final String API_KEYS_LOADED = "api-keys-loaded";
    /** The API key file changed and was reloaded. */
    public static final String API_KEYS_CHANGED = "api-keys-changed";
    /** The API key file changed but was refused; the previous keys stay in force. */
    public static final String API_KEYS_REJECTED = "api-keys-rejected";
    /** Templates were written for a subject. */
    public static final String SUBJECT_ENROLLED = "subject-enrolled";
    /** A subject was erased (a tombstone on the gallery topic). */
    public static final String SUBJECT_ERASED = "subject-erased";
    /** The threshold aggregator published a threshold version. */
    public static final String THRESHOLD_PUBLISHED = "threshold-published";
    /** A cohort identity looks like an enrolled subject (cohort hygiene) and is left out of the null scores. */
    public static final String COHORT_IDENTITY_FLAGGED = "cohort-identity-flagged";
    /** A flagged cohort identity no longer looks like an enrolled subject and is back in the null scores. */
    public static final String COHORT_IDENTITY_CLEARED = "cohort-identity-cleared";
    /** Every action FaceStream writes (other writers may use others of the same form). */
    public static final List<String> ACTIONS = List.of(
            CHAIN_STARTED,
            CHAIN_CLOSED,
            CONFIG_RESOLVED,
            API_KEYS_LOADED,
            API_KEYS_CHANGED,
            API_KEYS_REJECTED,
            SUBJECT_ENROLLED,
            SUBJECT_ERASED,
            THRESHOLD_PUBLISHED,
            COHORT_IDENTITY_FLAGGED,
            COHORT_IDENTITY_CLEARED);

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9-]{0,63}");
    private static final Pattern DETAIL_KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,127}");
    private static final Pattern KEY_ID = Pattern.compile("audit-[0-9a-f]{16}");
    private static final int MAX_TEXT = 8192;

    public AuditRecord {
        Validation.requireId("chainId", chainId);
        if (sequence < 0) {
            throw new IllegalArgumentException("expected sequence >= 0, found " + sequence);
        }
        requireHex("prevHash", prevHash);
        requireHex("hash", hash);
        Objects.requireNonNull(at, "at");
        if (at.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("expected at with millisecond precision, found " + at);
        }
        requireText("actor", actor, 256);
        if (action == null || !ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException(
                    "expected a kebab-case action, found " + (action == null ? "null" : "'" + action + "'"));
        }
        if (subject != null) {
            Validation.requireId("subject", subject);
        }
        details = copyDetails(details);
        if ((keyId == null) != (mac == null)) {
            throw new IllegalArgumentException("expected keyId and mac together, found "
                    + (keyId == null ? "a mac without a keyId" : "a keyId without a mac"));
        }
        if (keyId != null) {
            requireKeyId(keyId);
            requireHex("mac", mac);
        }
    }

    static void requireKeyId(String keyId) {
        if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("expected an audit key id audit-<16 hex digits>, found "
                    + (keyId == null ? "null" : "'" + Printable.of(keyId, 80) + "'"));
        }
    }

    private static void requireHex(String what, String hex) {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw new IllegalArgumentException("expected " + what + " of 64 lower-case hex digits, found "
                    + (hex == null ? "null" : "'" + hex + "'"));
        }
    }

    static void requireText(String what, String s, int maxLength) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(
                    "expected a non-empty " + what + ", found " + (s == null ? "null" : "''"));
        }
        if (s.length() > maxLength) {
            throw new IllegalArgumentException(
                    "expected " + what + " of at most " + maxLength + " characters, found " + s.length());
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("expected " + what + " without control characters, found U+"
                        + String.format("%04X", (int) c) + " at index " + i);
            }
        }
    }

    /** Details validated and copied into an unmodifiable sorted map. */
    static SortedMap<String, String> copyDetails(Map<String, String> details) {
        Objects.requireNonNull(details, "details");
        TreeMap<String, String> copy = new TreeMap<>();
        details.forEach((k, v) -> {
            if (k == null || !DETAIL_KEY.matcher(k).matches()) {
                throw new IllegalArgumentException(
                        "expected detail keys [a-z0-9][a-z0-9_.-]*, found " + (k == null ? "null" : "'" + k + "'"));
            }
            if (v == null) {
                throw new IllegalArgumentException("expected a value for detail " + k + ", found null");
            }
            if (!v.isEmpty()) {
                requireText("detail " + k, v, MAX_TEXT);
            }
            copy.put(k, v);
        });
        return Collections.unmodifiableSortedMap(copy);
    }

    /**
     * The bytes {@link #hash} and {@link #mac} are computed over: UTF-8 of a JSON object of every field but
     * {@code hash} and {@code mac}, keys in lexicographic order ({@code action, actor, at, chainId, details,
     * keyId, prevHash, sequence, subject}), details' keys sorted too, no whitespace, {@code keyId} and
     * {@code subject} left out when null, {@code sequence} an integer, {@code at} as {@link Instant#toString()}
     * prints it ({@code 2026-01-01T09:00:00Z}, {@code 2026-01-01T09:00:00.120Z}), and strings escaping only
     * {@code "} and {@code \}. For these records it equals RFC 8785 (JCS), so the chain can be verified without
     * FaceStream.
     */
    public byte[] canonicalBytes() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"action\":");
        string(sb, action);
        sb.append(",\"actor\":");
        string(sb, actor);
        sb.append(",\"at\":");
        string(sb, at.toString());
        sb.append(",\"chainId\":");
        string(sb, chainId);
        sb.append(",\"details\":{");
        boolean first = true;
        for (Map.Entry<String, String> e : details.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            string(sb, e.getKey());
            sb.append(':');
            string(sb, e.getValue());
        }
        sb.append('}');
        if (keyId != null) {
            sb.append(",\"keyId\":");
            string(sb, keyId);
        }
        sb.append(",\"prevHash\":");
        string(sb, prevHash);
        sb.append(",\"sequence\":").append(sequence);
        if (subject != null) {
            sb.append(",\"subject\":");
            string(sb, subject);
        }
        sb.append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    /** SHA-256 of {@link #canonicalBytes()}, lower-case hex: what {@link #hash} must equal. */
    public String computeHash() {
        return sha256Hex(canonicalBytes());
    }

    /** Whether {@link #hash} recomputes from the record. */
    public boolean hashHolds() {
        return computeHash().equals(hash);
    }

    /** Whether the record is sealed ({@link #keyId} and {@link #mac}) and its mac verifies under {@code keys}. */
    public boolean macHolds(AuditKeyring keys) {
        return keyId != null && keys.verifies(keyId, canonicalBytes(), mac);
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
