package org.facestream.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.facestream.eval.IdentifyExperiment;
import org.facestream.eval.ImageDegradation;
import org.facestream.eval.OpenSetEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facestream eval identify}: open-set identification (1:N with unknowns) through the production
 * {@code FaceAnalyzer} and the matcher's decision classes ({@link OpenSetEvaluation}), run by {@link IdentifyExperiment}. The last line of stdout
 * is machine-readable: {@code target_fpir=A adaptive_fpir=F adaptive_dir=D oracle_dir=O fixed_threshold=T
 * fixed_fpir=G fixed_dir=H} (means over seeds).
 */
@Command(
        name = "identify",
        mixinStandardHelpOptions = true,
        description = {
            "Open-set identification: per seed, identities split into gallery ~50% (enrolled from up to 3 images,"
                    + " the rest are mated probes), cohort ~20% and unknown ~30% (non-mated probes); probes stream through the"
                    + " adaptive FPIR threshold, the pack's fixed threshold and the oracle.",
            "Each image contributes its largest detected face; images without a face are failures to acquire (counted,"
                    + " left out)."
        })
final class EvalIdentifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "Image root, one folder per identity.")
    Path root;

    @Option(
            names = "--dataset",
            paramLabel = "CSV",
            description = "Header 'path,identity', paths relative to --root (default: the folders).")
    Path dataset;

    @Option(
            names = "--target-fpir",
            required = true,
            paramLabel = "A",
            description = "Target FPIR of the adaptive policy.")
    double targetFpir;

    @Option(
            names = "--seeds",
            split = ",",
            paramLabel = "N",
            defaultValue = "1,2,3",
            description = "Split seeds (default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--out", paramLabel = "DIR", description = "Write det.png, scores.csv and summary.txt here.")
    Path out;

    @Mixin
    EvalOptions eval;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads, one analyzer each (default: cores).")
    Integer threads;

    @Option(
            names = "--cache",
            paramLabel = "FILE",
            description = "Keep embeddings in FILE and reuse them on the next run "
                    + "(entries are re-embedded when an image or the analysis settings change).")
    Path cache;

    @Option(
            names = "--drift",
            paramLabel = "KIND:S",
            defaultValue = "none",
            description = "Degrade probe images from the "
                    + "middle of each stream on: blur:SIGMA, dark:FACTOR, downscale:FACTOR or none (default ${DEFAULT-VALUE}); "
                    + "each half's FPIR and DIR are reported for the adaptive and the fixed threshold.")
    String drift;

    @Option(
            names = "--flood",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "From the middle of the stream a "
                            + "camera sends N faces per regular probe, replaying the unknown identity most like the gallery (its faces feed "
                            + "the estimator under the per-camera quota; they are left out of the rates) (default ${DEFAULT-VALUE}).")
    int flood;

    @Option(
            names = "--camera-quota",
            paramLabel = "F",
            description = "Per-camera quota of the estimator: a camera feeds at "
                    + "most F times the median camera's share of a window bucket; 0 turns off every per-camera bound, this"
                    + " quota and the camera share of the tail read alike (default: the policy's, 2).")
    Double cameraQuota;

    @Option(
            names = "--cameras",
            paramLabel = "N",
            defaultValue = "4",
            description = "Regular cameras the probes are " + "dealt to, round-robin (default ${DEFAULT-VALUE}).")
    int cameras;

    @Option(
            names = "--cohort-size",
            paramLabel = "K",
            description =
                    "Deal the cohort again with K identities from the split's non-gallery people, keeping"
                            + " --unknown-size of them unknown whatever K (the cohort-size study); default: the split's cohort.")
    Integer cohortSize;

    @Option(
            names = "--unknown-size",
            paramLabel = "U",
            defaultValue = "900",
            description = "Unknown people kept with --cohort-size (default ${DEFAULT-VALUE}).")
    int unknownSize;

    @Override
    public Integer call() throws IOException {
        IdentifyExperiment.Options options = new IdentifyExperiment.Options(
                root,
                Optional.ofNullable(dataset),
                eval.pack(),
                eval.modelsDir(),
                targetFpir,
                seeds,
                EvalOptions.threads(threads),
                Optional.ofNullable(cache),
                ImageDegradation.parse(drift),
                flood,
                cameraQuota == null ? OptionalDouble.empty() : OptionalDouble.of(cameraQuota),
                cameras,
                cohortSize == null ? OptionalInt.empty() : OptionalInt.of(cohortSize),
                unknownSize,
                Optional.ofNullable(out));
        IdentifyExperiment.run(options, spec.commandLine().getOut(), System.err);
        return 0;
    }
}
