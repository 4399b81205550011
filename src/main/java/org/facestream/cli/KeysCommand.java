package org.facestream.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.facestream.config.AuditKeySetup;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.MasterKeySetup;
import org.facestream.crypto.AuditKey;
import org.facestream.crypto.AuditKeys;
import org.facestream.crypto.MasterKey;
import org.facestream.crypto.MasterKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facestream keys create [--audit] --out FILE}: a new random master key (or audit key) in a file only its
 * owner can read; {@code facestream keys show [--audit]}: the ids of the configured keys (never the keys).
 */
@Command(
        name = "keys",
        description = "Make a master key file (create --out FILE) or an audit key file (create --audit --out FILE), or"
                + " show the ids of the configured ones (show [--audit]).")
final class KeysCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "create|show",
            description = "create: write a new master key; show: ids of the configured keys.")
    String action;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Where create writes the key (never overwritten; mode 600).")
    Path out;

    @Option(
            names = "--audit",
            description =
                    "create: an audit key (security.audit.key.file) instead of a master key; show: the audit keys.")
    boolean audit;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        switch (action) {
            case "create" -> {
                if (out == null) {
                    throw new IllegalArgumentException("expected keys create --out FILE, found no --out");
                }
                if (audit) {
                    AuditKey key = AuditKey.generate();
                    key.write(out);
                    System.err.println("facestream keys: audit key " + key.id() + " written to " + out
                            + " (owner read/write only); give it to every FaceStream process and to audit verify with -D "
                            + FaceStreamConfig.AUDIT_KEY_FILE + "=" + out);
                    return 0;
                }
                MasterKey key = MasterKey.generate();
                key.write(out);
                System.err.println("facestream keys: master key " + key.id() + " written to " + out
                        + " (owner read/write only); use it with -D " + FaceStreamConfig.MASTER_KEY_FILE + "=" + out
                        + " and keep it apart from backups of the topics");
            }
            case "show" -> {
                if (audit) {
                    AuditKeys keys = AuditKeySetup.require(common.resolve(), "keys command");
                    System.out.println("current " + keys.current().id());
                    keys.ids().stream().skip(1).forEach(id -> System.out.println("previous " + id));
                    return 0;
                }
                MasterKeys keys = MasterKeySetup.require(common.resolve(), "keys command");
                System.out.println("current " + keys.current().id());
                keys.ids().stream().skip(1).forEach(id -> System.out.println("previous " + id));
            }
            default -> throw new IllegalArgumentException("expected 'create' or 'show', found '" + action + "'");
        }
        return 0;
    }
}
