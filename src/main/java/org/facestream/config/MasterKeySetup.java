package org.facestream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.facestream.crypto.MasterKey;
import org.facestream.crypto.MasterKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@code security.master.key.file} (and the previous key files) into {@link MasterKeys}. There is no
 * plaintext mode: a role that reads or writes templates refuses to start without a master key, with one
 * message naming the key, rather than falling back to a gallery that erasure cannot shred.
 */
public final class MasterKeySetup {
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeySetup.class);

    private MasterKeySetup() {}

    /** The configured master keys; {@code role} names who needs them in the message when none are configured. */
    public static MasterKeys require(FaceStreamConfig cfg, String role) {
        if (cfg.string(FaceStreamConfig.MASTER_KEY_FILE).isBlank()) {
            throw new FaceStreamConfig.InvalidConfigurationException(
                    List.of(FaceStreamConfig.MASTER_KEY_FILE + ": expected the master key file "
                            + "that encrypts the gallery, which the " + role + " needs, found none configured (-D "
                            + FaceStreamConfig.MASTER_KEY_FILE
                            + "=FILE or env " + FaceStreamConfig.envName(FaceStreamConfig.MASTER_KEY_FILE)
                            + "; facestream keys create --out FILE makes one)"));
        }
        return load(cfg);
    }

    /** The configured master keys, or an ephemeral one when none is configured (the demo: its gallery dies with it). */
    public static MasterKeys orEphemeral(FaceStreamConfig cfg) {
        if (cfg.string(FaceStreamConfig.MASTER_KEY_FILE).isBlank()) {
            MasterKeys keys = MasterKeys.ephemeral();
            LOG.info(
                    "no {} configured: the gallery is encrypted under the ephemeral master key {}, forgotten at exit",
                    FaceStreamConfig.MASTER_KEY_FILE,
                    keys.current().id());
            return keys;
        }
        return load(cfg);
    }

    private static MasterKeys load(FaceStreamConfig cfg) {
        List<String> errors = new ArrayList<>();
        MasterKey current =
                read(FaceStreamConfig.MASTER_KEY_FILE, cfg.string(FaceStreamConfig.MASTER_KEY_FILE), errors);
        List<MasterKey> previous = new ArrayList<>();
        @SuppressWarnings("unchecked")
        List<String> files = (List<String>) cfg.value(FaceStreamConfig.PREVIOUS_MASTER_KEY_FILES);
        for (String f : files) {
            MasterKey k = read(FaceStreamConfig.PREVIOUS_MASTER_KEY_FILES, f, errors);
            if (k != null) {
                previous.add(k);
            }
        }
        if (!errors.isEmpty()) {
            throw new FaceStreamConfig.InvalidConfigurationException(errors);
        }
        try {
            return new MasterKeys(current, previous);
        } catch (IllegalArgumentException e) {
            throw new FaceStreamConfig.InvalidConfigurationException(
                    List.of(FaceStreamConfig.PREVIOUS_MASTER_KEY_FILES + ": " + e.getMessage()));
        }
    }

    private static MasterKey read(String key, String file, List<String> errors) {
        try {
            return MasterKey.read(Path.of(file.strip()));
        } catch (IllegalArgumentException e) {
            errors.add(key + ": " + e.getMessage());
            return null;
        }
    }
}
