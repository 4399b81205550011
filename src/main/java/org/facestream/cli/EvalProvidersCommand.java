package org.facestream.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.facestream.config.VisionOptions;
import org.facestream.eval.ProviderParity;
import org.facestream.model.ModelPack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facestream eval providers}: the embeddings of the CUDA build against the CPU's on the same photos
 * ({@link ProviderParity}); exit 1 when a photo's cosine is at most {@code --min-cosine}. Last stdout line:
 * {@code images=N min_cosine=… mean_cosine=… same_face_count=K/M}. Needs the {@code -Pcuda} build and a GPU.
 */
@Command(
        name = "providers",
        mixinStandardHelpOptions = true,
        description = "Compare CUDA embeddings with CPU ones on the same photos (the -Pcuda build on a GPU).")
final class EvalProvidersCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--photos",
            required = true,
            paramLabel = "DIR",
            description = "Folder searched for JPEG and PNG photos, e.g. ../shared/faces/people.")
    Path photos;

    @Option(
            names = "--min-cosine",
            defaultValue = "0.999",
            paramLabel = "C",
            description = "Least cosine between a photo's two embeddings (default ${DEFAULT-VALUE}).")
    double minCosine;

    @Mixin
    EvalOptions eval;

    @Override
    public Integer call() throws Exception {
        ModelPack pack = eval.pack();
        VisionOptions cpu = VisionOptions.defaults(pack);
        VisionOptions cuda = new VisionOptions(
                cpu.detectorInputSize(),
                cpu.scoreThreshold(),
                cpu.nmsIouThreshold(),
                cpu.flip(),
                true,
                cpu.threads(),
                cpu.maxPixels(),
                cpu.thumbnails());
        ProviderParity.Result r = ProviderParity.run(
                new ProviderParity.Options(photos, pack, eval.modelsDir(), cpu, cuda),
                spec.commandLine().getOut());
        spec.commandLine().getOut().println(r.line());
        spec.commandLine().getOut().flush();
        return r.images() > 0 && r.minCosine() > minCosine ? 0 : 1;
    }
}
