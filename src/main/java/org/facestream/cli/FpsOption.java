package org.facestream.cli;

import java.util.Map;
import org.facestream.config.FaceStreamConfig;
import picocli.CommandLine.Option;

/** {@code --fps N}: the rate each camera is sampled at, the command-line form of {@code ingest.fps}. */
final class FpsOption {
    @Option(
            names = "--fps",
            paramLabel = "N",
            description = "Frames per second sampled from each camera (key ingest.fps; 0 = every frame).")
    Double fps;

    /** The key to override, none when {@code --fps} was not given. */
    Map<String, String> overrides() {
        return fps == null ? Map.of() : Map.of(FaceStreamConfig.INGEST_FPS, fps.toString());
    }
}
