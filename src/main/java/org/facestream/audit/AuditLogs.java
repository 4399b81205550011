package org.facestream.audit;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.facestream.config.FaceStreamConfig;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditKeyring;
import org.facestream.events.AuditRecord;
import org.facestream.metrics.MetricsRegistry;

/** Opens a role's audit chain and records the configuration the process resolved (secrets redacted). */
public final class AuditLogs {
    private AuditLogs() {}

    /**
     * A new chain for {@code role}, sealed under {@code keys}, whose first record after the genesis is
     * {@code config-resolved}: the digest of the redacted configuration and every value ({@code config.<key>}).
     */
    public static AuditLog open(FaceStreamConfig cfg, String role, AuditKeyring keys, MetricsRegistry metrics) {
        AuditLog log = AuditLog.open(cfg.kafkaClientSettings(), role, keys, metrics);
        try {
            Map<String, String> d = new TreeMap<>();
            d.put("role", role);
            d.put("config.sha256", cfg.digest());
            cfg.redacted()
                    .forEach((k, v) -> d.put("config." + k.toLowerCase(Locale.ROOT), v.replaceAll("\\p{Cntrl}", "?")));
            log.append(AuditEntry.of(processActor(role), AuditRecord.CONFIG_RESOLVED, null, d));
            return log;
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
    }

    /** The actor of what a role process does by itself. */
    public static String processActor(String role) {
        return AuditEntry.service("facestream-" + role);
    }

    /** The actor of a command run by a person: {@code --actor}, or the OS user. */
    public static String person(String actorOption) {
        String name = actorOption != null && !actorOption.isBlank()
                ? actorOption
                : System.getProperty("user.name", "unknown");
        return AuditEntry.user(name);
    }
}
