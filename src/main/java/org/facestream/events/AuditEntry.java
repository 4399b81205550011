package org.facestream.events;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What happened, before it is chained: the content of an {@link AuditRecord} without chain id, sequence and
 * hashes, which only the writer knows ({@link AuditChain#seal}).
 *
 * @param at when it happened (truncated to milliseconds)
 * @param actor who: use {@link #apiKey}, {@link #user} or {@link #service}
 * @param action what, one of the {@link AuditRecord} constants
 * @param subject the subject id concerned, or null
 * @param details further facts, sorted by key
 */
public record AuditEntry(Instant at, String actor, String action, String subject, SortedMap<String, String> details) {
    public AuditEntry {
        at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.MILLIS);
        AuditRecord.requireText("actor", actor, 256);
        Objects.requireNonNull(action, "action");
        if (subject != null) {
            Validation.requireId("subject", subject);
        }
        details = AuditRecord.copyDetails(details);
    }

    /** An entry of now. */
    public static AuditEntry of(String actor, String action, String subject, Map<String, String> details) {
        return new AuditEntry(Instant.now(), actor, action, subject, new TreeMap<>(details));
    }

    /** The same entry with one more detail (e.g. the gallery offset, known only once written). */
    public AuditEntry withDetail(String key, String value) {
        TreeMap<String, String> d = new TreeMap<>(details);
        d.put(key, value);
        return new AuditEntry(at, actor, action, subject, d);
    }

    /** The actor of a request made with API key {@code keyId}. */
    public static String apiKey(String keyId) {
        return "api-key:" + keyId;
    }

    /** The actor of a command run by person {@code name} (the OS user, or {@code --actor}). */
    public static String user(String name) {
        return "user:" + name;
    }

    /** The actor of an automatic action of application {@code name} (e.g. the threshold aggregator). */
    public static String service(String name) {
        return "service:" + name;
    }
}
