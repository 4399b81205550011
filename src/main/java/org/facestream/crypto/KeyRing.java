package org.facestream.crypto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A current key and the earlier ones a rotation keeps, by id: what master keys and audit keys share (the current
 * one makes every new seal or wrap, the earlier ones still open what was made before the rotation).
 *
 * @param <K> the key type
 */
final class KeyRing<K> {
    private final K current;
    private final Function<K, String> idOf;
    private final Map<String, K> byId;

    /** {@code what} ("audit keys") names the keys in the error for two keys with one id. */
    KeyRing(K current, List<K> previous, Function<K, String> idOf, String what) {
        this.current = Objects.requireNonNull(current, "current");
        this.idOf = Objects.requireNonNull(idOf, "idOf");
        Map<String, K> m = new LinkedHashMap<>();
        m.put(idOf.apply(current), current);
        for (K k : previous) {
            if (m.putIfAbsent(idOf.apply(k), k) != null) {
                throw new IllegalArgumentException("expected distinct " + what + ", found " + idOf.apply(k) + " twice");
            }
        }
        this.byId = Map.copyOf(m);
    }

    K current() {
        return current;
    }

    /** The key of {@code id}, or null when none is configured (or the id is null). */
    K byId(String id) {
        return id == null ? null : byId.get(id);
    }

    /** Ids of every key, the current one first, then the others sorted. */
    List<String> ids() {
        String currentId = idOf.apply(current);
        List<String> ids = new ArrayList<>();
        ids.add(currentId);
        byId.keySet().stream().filter(id -> !id.equals(currentId)).sorted().forEach(ids::add);
        return ids;
    }
}
