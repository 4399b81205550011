package org.facestream.api;

import java.util.Objects;
import org.facestream.events.AuditEntry;

/**
 * Who made a request: the id of the API key it presented and that key's role. Handlers receive it, so what
 * they change is audited under this key id.
 *
 * @param keyId the key's id from the key file (never the secret)
 * @param role the key's role
 */
public record Principal(String keyId, Role role) {
    public Principal {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(role, "role");
    }

    /** The actor of audit records: {@code api-key:<key id>}. */
    public String actor() {
        return AuditEntry.apiKey(keyId);
    }
}
