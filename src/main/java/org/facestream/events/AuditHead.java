package org.facestream.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * The checkpoint of one audit chain's head on the compacted {@link Topics#AUDIT_HEADS} topic, keyed by chain id:
 * written by the chain's writer in the same transaction as the record it names, so it always names the chain's
 * last committed record. A chain on {@link Topics#AUDIT} that ends before its checkpoint was cut at its tail,
 * one that is missing was removed whole; {@code facestream audit verify} names both. Authenticated like the
 * records ({@code mac} under the audit key), so a topic writer without the key cannot move a checkpoint forward
 * to blame a genuine chain.
 *
 * @param chainId the chain (the record key)
 * @param sequence the sequence of the chain's last committed record
 * @param hash that record's hash
 * @param at that record's time
 * @param keyId the audit key the checkpoint is sealed under
 * @param mac HMAC-SHA256 of {@link #canonicalBytes()} under {@code keyId}
 */
public record AuditHead(String chainId, long sequence, String hash, Instant at, String keyId, String mac) {
    public AuditHead {
        Validation.requireId("chainId", chainId);
        if (sequence < 0) {
            throw new IllegalArgumentException("expected sequence >= 0, found " + sequence);
        }
        Objects.requireNonNull(hash, "hash");
        if (!hash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "expected hash of 64 lower-case hex digits, found '" + Printable.of(hash, 80) + "'");
        }
        Objects.requireNonNull(at, "at");
        AuditRecord.requireKeyId(keyId);
        if (mac == null || !mac.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("expected mac of 64 lower-case hex digits, found "
                    + (mac == null ? "null" : "'" + Printable.of(mac, 80) + "'"));
        }
    }

    /** The checkpoint of {@code record} as its chain's head, sealed under {@code keys}' current key. */
    public static AuditHead of(AuditRecord record, AuditKeyring keys) {
        String keyId = keys.currentKeyId();
        byte[] canonical = canonical(record.chainId(), record.sequence(), record.hash(), record.at(), keyId);
        return new AuditHead(
                record.chainId(), record.sequence(), record.hash(), record.at(), keyId, keys.mac(canonical));
    }

    /**
     * What {@code mac} is computed over: {@code {"at":…,"chainId":…,"hash":…,"keyId":…,"kind":"audit-head",
     * "sequence":N}} in UTF-8, keys sorted, no whitespace (JCS, as the records); the {@code kind} keeps a
     * checkpoint's mac from ever passing for a record's.
     */
    public byte[] canonicalBytes() {
        return canonical(chainId, sequence, hash, at, keyId);
    }

    private static byte[] canonical(String chainId, long sequence, String hash, Instant at, String keyId) {
        return ("{\"at\":\"" + at + "\",\"chainId\":\"" + chainId + "\",\"hash\":\"" + hash + "\",\"keyId\":\"" + keyId
                        + "\",\"kind\":\"audit-head\",\"sequence\":" + sequence + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Whether the mac verifies under {@code keys}. */
    public boolean macHolds(AuditKeyring keys) {
        return keys.verifies(keyId, canonicalBytes(), mac);
    }
}
