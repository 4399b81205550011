package org.facestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the eval subcommands resolve the same way. */
final class EvalOptions {
  private EvalOptions() {}

  /** {@code --models}, else env {@code FACESTREAM_MODELS}; must be a directory. */
  static Path modelsDir(Path option) {
    Path dir = option;
    if (dir == null) {
      String env = System.getenv("FACESTREAM_MODELS");
      if (env == null || env.isBlank()) {
        throw new IllegalArgumentException("expected a model directory (--models DIR or FACESTREAM_MODELS), found none");
      }
      dir = Path.of(env);
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("expected model directory " + dir.toAbsolutePath() + " to exist, found nothing there");
    }
    return dir;
  }
}
