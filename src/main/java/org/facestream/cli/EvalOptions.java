package org.facestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import picocli.CommandLine.Option;

/** The options every eval subcommand shares: the model pack measured and where its files are. */
final class EvalOptions {
    @Option(
            names = "--pack",
            paramLabel = "ID",
            defaultValue = "yunet-w600k-int8",
            description = "Model pack (default ${DEFAULT-VALUE}).")
    String pack;

    @Option(names = "--models", paramLabel = "DIR", description = "Model directory (default: env FACESTREAM_MODELS).")
    Path models;

    ModelPack pack() {
        return ModelPacks.byId(pack);
    }

    /** {@code --models}, else env {@code FACESTREAM_MODELS}; must be a directory. */
    Path modelsDir() {
        Path dir = models;
        if (dir == null) {
            String env = System.getenv("FACESTREAM_MODELS");
            if (env == null || env.isBlank()) {
                throw new IllegalArgumentException(
                        "expected a model directory (--models DIR or FACESTREAM_MODELS), found none");
            }
            dir = Path.of(env);
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "expected model directory " + dir.toAbsolutePath() + " to exist, found nothing there");
        }
        return dir;
    }

    /** {@code --threads}, else one per core. */
    static int threads(Integer option) {
        return option != null ? option : Runtime.getRuntime().availableProcessors();
    }
}
