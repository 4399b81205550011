package org.facestream.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.facestream.config.FaceStreamConfig;
import picocli.CommandLine.Option;

/** Options every command shares; they resolve into one validated {@link FaceStreamConfig}. */
final class CommonOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Properties file with configuration keys (facestream config docs).")
    Path configFile;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (key bootstrap.servers).")
    String bootstrap;

    @Option(
            names = "--models",
            paramLabel = "DIR",
            description = "Model directory (key models.dir, env FACESTREAM_MODELS).")
    Path models;

    @Option(
            names = "--pack",
            paramLabel = "NAME",
            description = "Model pack id (key model.pack; facestream models list).")
    String pack;

    @Option(
            names = {"-D", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Any configuration key, e.g. -D matcher.threshold=0.4 or -D kafka.security.protocol=SSL.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** Resolves configuration: defaults < file < environment < flags. */
    FaceStreamConfig resolve(Map<String, String> commandOverrides) {
        Map<String, String> overrides = new LinkedHashMap<>(commandOverrides);
        overrides.putAll(settings);
        if (bootstrap != null) {
            overrides.put(FaceStreamConfig.BOOTSTRAP, bootstrap);
        }
        if (models != null) {
            overrides.put(FaceStreamConfig.MODELS_DIR, models.toString());
        }
        if (pack != null) {
            overrides.put(FaceStreamConfig.MODEL_PACK, pack);
        }
        return FaceStreamConfig.load(configFile, System.getenv(), overrides);
    }

    FaceStreamConfig resolve() {
        return resolve(Map.of());
    }
}
