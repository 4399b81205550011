package org.facestream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facestream.crypto.AuditKey;
import org.facestream.crypto.AuditKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code security.audit.key.file} (and the previous key files) into {@link AuditKeys}. There is no
 * unauthenticated mode: a role that writes the audit log refuses to start without the key, with one message
 * naming it, rather than write records any topic writer could have forged.
 */
public final class AuditKeySetup {
    private static final Logger LOG = LoggerFactory.getLogger(AuditKeySetup.class);

    private AuditKeySetup() {}

    /** The configured audit keys; {@code role} names who needs them in the message when none are configured. */
    public static AuditKeys require(FaceStreamConfig cfg, String role) {
        if (cfg.string(FaceStreamConfig.AUDIT_KEY_FILE).isBlank()) {
            throw new FaceStreamConfig.InvalidConfigurationException(
                    List.of(FaceStreamConfig.AUDIT_KEY_FILE + ": expected the audit key file that authenticates the"
                            + " audit log, which the " + role + " needs, found none configured (-D "
                            + FaceStreamConfig.AUDIT_KEY_FILE + "=FILE or env "
                            + FaceStreamConfig.envName(FaceStreamConfig.AUDIT_KEY_FILE)
                            + "; facestream keys create --audit --out FILE makes one)"));
        }
        return load(cfg);
    }

    /** The configured audit keys, or an ephemeral one when none is configured (the demo: its log dies with it). */
    public static AuditKeys orEphemeral(FaceStreamConfig cfg) {
        if (cfg.string(FaceStreamConfig.AUDIT_KEY_FILE).isBlank()) {
            AuditKeys keys = AuditKeys.ephemeral();
            LOG.info(
                    "no {} configured: audit records are sealed under the ephemeral audit key {}, forgotten at exit",
                    FaceStreamConfig.AUDIT_KEY_FILE,
                    keys.currentKeyId());
            return keys;
        }
        return load(cfg);
    }

    private static AuditKeys load(FaceStreamConfig cfg) {
        List<String> errors = new ArrayList<>();
        AuditKey current = read(FaceStreamConfig.AUDIT_KEY_FILE, cfg.string(FaceStreamConfig.AUDIT_KEY_FILE), errors);
        List<AuditKey> previous = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<String> files = (List<String>) cfg.value(FaceStreamConfig.PREVIOUS_AUDIT_KEY_FILES);
        for (String f : files) {
            AuditKey k = read(FaceStreamConfig.PREVIOUS_AUDIT_KEY_FILES, f, errors);
            if (k != null) {
                previous.add(k);
            }
        }
        if (!errors.isEmpty()) {
            throw new FaceStreamConfig.InvalidConfigurationException(errors);
        }
        try {
            return new AuditKeys(current, previous);
        } catch (IllegalArgumentException e) {
            throw new FaceStreamConfig.InvalidConfigurationException(
                    List.of(FaceStreamConfig.PREVIOUS_AUDIT_KEY_FILES + ": " + e.getMessage()));
        }
    }

    private static AuditKey read(String key, String file, List<String> errors) {
        try {
            return AuditKey.read(Path.of(file.strip()));
        } catch (IllegalArgumentException e) {
            errors.add(key + ": " + e.getMessage());
            return null;
        }
    }
}
