package org.facestream.events;

/**
 * The audit key writers seal records with and verifiers check them against: HMAC-SHA256 under a secret key
 * that only FaceStream's processes hold (configuration, a key file like the master key), so a writer of the
 * audit topic without it can neither forge a chain nor append to one. Implemented by
 * {@code org.facestream.crypto.AuditKeys}; thread-safe.
 */
public interface AuditKeyring {
    /** The id of the key new records are sealed under ({@code audit-} and 16 hex digits, derived from the key). */
    String currentKeyId();

    /** HMAC-SHA256 of {@code bytes} under the current key, 64 lower-case hex digits. */
    String mac(byte[] bytes);

    /** Whether {@code mac} is the HMAC-SHA256 of {@code bytes} under key {@code keyId} (false for an unknown id). */
    boolean verifies(String keyId, byte[] bytes, String mac);

    /** Whether a key of this id is held (current or previous). */
    boolean holds(String keyId);
}
