package org.facestream.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A pack whose files were found and matched their pinned sha256.
 *
 * @param pack the pack
 * @param detectorPath absolute path of the detector file
 * @param embedderPath absolute path of the embedder file
 */
public record VerifiedPack(ModelPack pack, Path detectorPath, Path embedderPath) {
    public VerifiedPack {
        Objects.requireNonNull(pack, "pack");
        Objects.requireNonNull(detectorPath, "detectorPath");
        Objects.requireNonNull(embedderPath, "embedderPath");
    }
}
