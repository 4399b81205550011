package org.facestream.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.MasterKeySetup;
import org.facestream.crypto.MasterKey;
import org.facestream.crypto.MasterKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code facestream keys create --out FILE}: a new random master key in a file only its owner can read;
 * {@code facestream keys show}: the ids of the configured master keys (never the keys).
 */
@Command(
        name = "keys",
        description = "Make a master key file (create --out FILE), or show the ids of the configured ones (show).")
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

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        switch (action) {
            case "create" -> {
                if (out == null) {
                    throw new IllegalArgumentException("expected keys create --out FILE, found no --out");
                }
                MasterKey key = MasterKey.generate();
                key.write(out);
                System.err.println("facestream keys: master key " + key.id() + " written to " + out
                        + " (owner read/write only); use it with -D " + FaceStreamConfig.MASTER_KEY_FILE + "=" + out
                        + " and keep it apart from backups of the topics");
            }
            case "show" -> {
                MasterKeys keys = MasterKeySetup.require(common.resolve(), "keys command");
                System.out.println("current " + keys.current().id());
                keys.ids().stream().skip(1).forEach(id -> System.out.println("previous " + id));
            }
            default -> throw new IllegalArgumentException("expected 'create' or 'show', found '" + action + "'");
        }
        return 0;
    }
}
