package org.facestream.crypto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.facestream.events.AuditKeyring;

/**
 * The configured audit keys: the current one, which seals every new record and checkpoint, and earlier ones
 * that still verify records sealed before a rotation. Records name their key by id.
 */
public final class AuditKeys implements AuditKeyring {
    private final AuditKey current;
    private final Map<String, AuditKey> byId;

    public AuditKeys(AuditKey current, List<AuditKey> previous) {
        this.current = Objects.requireNonNull(current, "current");
        Map<String, AuditKey> m = new LinkedHashMap<>();
        m.put(current.id(), current);
        for (AuditKey k : previous) {
            if (m.putIfAbsent(k.id(), k) != null) {
                throw new IllegalArgumentException("expected distinct audit keys, found " + k.id() + " twice");
            }
        }
        this.byId = Map.copyOf(m);
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
        return current;
    }

    /** Ids of every configured audit key, the current one first. */
    public List<String> ids() {
        List<String> ids = new ArrayList<>();
        ids.add(current.id());
        byId.keySet().stream().filter(id -> !id.equals(current.id())).sorted().forEach(ids::add);
        return ids;
    }

    @Override
    public String currentKeyId() {
        return current.id();
    }

    @Override
    public String mac(byte[] bytes) {
        return current.mac(bytes);
    }

    @Override
    public boolean verifies(String keyId, byte[] bytes, String mac) {
        AuditKey k = keyId == null ? null : byId.get(keyId);
        return k != null && mac != null && k.verifies(bytes, mac);
    }

    @Override
    public boolean holds(String keyId) {
        return keyId != null && byId.containsKey(keyId);
    }
}
