package org.facestream.crypto;

import java.util.List;
import org.facestream.events.AuditKeyring;

/**
 * The configured audit keys: the current one, which seals every new record and checkpoint, and earlier ones
 * that still verify records sealed before a rotation. Records name their key by id.
 */
public final class AuditKeys implements AuditKeyring {
    private final KeyRing<AuditKey> ring;

    public AuditKeys(AuditKey current, List<AuditKey> previous) {
        this.ring = new KeyRing<>(current, previous, AuditKey::id, "audit keys");
    }

    /** Just {@code current}. */
    public static AuditKeys of(AuditKey current) {
        return new AuditKeys(current, List.of());
    }

    /**
     * A random audit key that lives as long as this process (the demo, whose log dies with its broker, and tests):
     * what it seals can never be verified later.
     */
    public static AuditKeys ephemeral() {
        return of(AuditKey.generate());
    }

    public AuditKey current() {
        return ring.current();
    }

    /** Ids of every configured audit key, the current one first. */
    public List<String> ids() {
        return ring.ids();
    }

    @Override
    public String currentKeyId() {
        return ring.current().id();
    }

    @Override
    public String mac(byte[] bytes) {
        return ring.current().mac(bytes);
    }

    @Override
    public boolean verifies(String keyId, byte[] bytes, String mac) {
        AuditKey k = ring.byId(keyId);
        return k != null && mac != null && k.verifies(bytes, mac);
    }

    @Override
    public boolean holds(String keyId) {
        return ring.byId(keyId) != null;
    }
}
