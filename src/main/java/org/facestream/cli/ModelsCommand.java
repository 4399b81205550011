package org.facestream.cli;

import java.util.concurrent.Callable;
import org.facestream.model.ModelFileException;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code facestream models list|verify}: the known model packs and checksum verification of a directory. */
@Command(name = "models", description = "List model packs (list) or verify the configured directory's files against their sha256 (verify).")
final class ModelsCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "list|verify")
  String action;

  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    switch (action) {
      case "list" -> {
        for (ModelPack p : ModelPacks.all()) {
          System.out.printf("%-24s %4d-d  %s%s%n    licence: %s%n", p.id(), p.embeddingDimension(), p.description(),
              p.nonCommercial() ? "  [NON-COMMERCIAL]" : "", p.licence());
        }
        return 0;
      }
      case "verify" -> {
        var dir = VisionSetup.modelsDir(common.resolve());
        int bad = 0;
        for (ModelPack p : ModelPacks.all()) {
          if (!p.isPinned()) {
            System.out.printf("%-24s not pinned (download pack: checksums must be pinned before use)%n", p.id());
            continue;
          }
          try {
            ModelFiles.verify(p, dir);
            System.out.printf("%-24s ok%n", p.id());
          } catch (ModelFileException e) {
            bad++;
            System.out.printf("%-24s FAILED: %s%n", p.id(), e.getMessage());
          }
        }
        return bad == 0 ? 0 : 1;
      }
      default -> throw new IllegalArgumentException("expected 'list' or 'verify', found '" + action + "'");
    }
  }
}
