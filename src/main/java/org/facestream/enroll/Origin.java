package org.facestream.enroll;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who asks for a gallery change and through which entry point, as its audit record says: the actor
 * ({@code api-key:<id>}, {@code user:<name>}, ...) and details such as {@code via} ({@code api}, {@code cli},
 * {@code cli-bulk}, {@code demo}) and the API client's {@code remote} address.
 *
 * @param actor the audit record's actor
 * @param details facts the audit record carries besides those of the change; {@code via} among them
 */
public record Origin(String actor, Map<String, String> details) {
    public Origin {
        Objects.requireNonNull(actor, "actor");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        if (!details.containsKey("via")) {
            throw new IllegalArgumentException("expected the entry point in details.via, found " + details.keySet());
        }
    }

    /** {@code actor} through entry point {@code via}. */
    public static Origin of(String actor, String via) {
        return new Origin(actor, Map.of("via", via));
    }

    /** This origin with one more detail. */
    public Origin with(String key, String value) {
        Map<String, String> d = new LinkedHashMap<>(details);
        d.put(key, value);
        return new Origin(actor, d);
    }
}
