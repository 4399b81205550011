package org.facestream.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionSetup;
import org.facestream.model.ModelFile;
import org.facestream.model.ModelFileException;
import org.facestream.model.ModelFiles;
import org.facestream.model.ModelPack;
import org.facestream.model.ModelPacks;
import org.facestream.model.ModelPuller;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code facestream models list|verify}: the known model packs and checksum verification of a directory. */
@Command(
        name = "models",
        description = "List model packs (list), verify the model directory's files against their sha256 (verify), "
                + "or download a pack's files with checksum verification (pull PACK).")
final class ModelsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "list|verify|pull")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PACK", description = "Pack id for pull.")
    String packId;

    @Option(
            names = "--sha256",
            paramLabel = "FILE=HEX",
            description = "Checksum to require for an unpinned file of the pack (pull).")
    Map<String, String> checksums = new LinkedHashMap<>();

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        switch (action) {
            case "list" -> {
                for (ModelPack p : ModelPacks.all()) {
                    System.out.printf(
                            "%-24s %4d-d  %s%s%n    licence: %s%n",
                            p.id(),
                            p.embeddingDimension(),
                            p.description(),
                            p.nonCommercial() ? "  [NON-COMMERCIAL]" : "",
                            p.licence());
                }
                return 0;
            }
            case "verify" -> {
                var dir = VisionSetup.modelsDir(common.resolve());
                int bad = 0;
                for (ModelPack p : ModelPacks.all()) {
                    if (!ModelFiles.isPinned(p, dir)) {
                        System.out.printf(
                                "%-24s not pinned (download pack: models pull %s --sha256 FILE=HEX pins its files)%n",
                                p.id(), p.id());
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
            case "pull" -> {
                if (packId == null) {
                    throw new IllegalArgumentException("expected models pull PACK, found no pack id");
                }
                ModelPack pack = ModelPacks.byId(packId);
                Path dir = Path.of(
                        common.resolve().string(FaceStreamConfig.MODELS_DIR).isBlank()
                                ? "models"
                                : common.resolve().string(FaceStreamConfig.MODELS_DIR));
                ModelPuller puller = new ModelPuller();
                for (ModelFile f : List.of(pack.detector(), pack.embedder())) {
                    if (f.upstreamUrl() == null) {
                        throw new IllegalArgumentException("model file " + f.fileName() + " of pack " + pack.id()
                                + ": expected an upstream URL, found none (a local-only file)");
                    }
                    long[] shownMiB = {-1};
                    Path p = puller.pull(f, URI.create(f.upstreamUrl()), checksums.get(f.fileName()), dir, bytes -> {
                        if (bytes >> 20 != shownMiB[0]) {
                            shownMiB[0] = bytes >> 20;
                            System.err.print("\rpull " + f.fileName() + ": " + shownMiB[0] + " MiB");
                        }
                    });
                    System.err.println();
                    System.out.println("installed " + p + " (sha256 verified)");
                }
                return 0;
            }
            default ->
                throw new IllegalArgumentException("expected 'list', 'verify' or 'pull', found '" + action + "'");
        }
    }
}
