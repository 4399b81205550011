package org.facestream.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.facestream.config.VisionOptions;
import org.facestream.eval.VerifyExperiment;
import org.facestream.model.ModelPack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facestream eval verify}: LFW-style face verification through the production {@code FaceAnalyzer}, run by
 * {@link VerifyExperiment}.
 * The last line of stdout is machine-readable: {@code accuracy=0.XXXX std=0.XXXX tar@far=1e-3:0.XXXX no_face=N}.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Face verification accuracy on LFW-format pairs files (View 1 'N' or View 2 'folds N' header). A View 1"
                    + " file may hold any number of matched 'name n1 n2' and mismatched 'name1 n1 name2 n2' lines, in"
                    + " any order, with or without its header.",
            "Protocols: one View 2 file alone -> its own folds; --train FILE -> threshold from FILE, accuracy on --pairs;"
                    + " otherwise (or with --folds) seeded k-fold cross-validation over all pairs of all --pairs files.",
            "Images without a detected face are embedded from a centre crop with LFW's mean landmark layout and counted"
                    + " as no_face."
        })
final class EvalVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--pairs", required = true, paramLabel = "FILE", description = "Pairs file; repeat for several.")
    List<Path> pairs;

    @Option(
            names = "--images",
            required = true,
            paramLabel = "DIR",
            description = "Image root: DIR/<Name>/<Name>_<NNNN>.jpg.")
    Path images;

    @Option(
            names = "--train",
            paramLabel = "FILE",
            description = "Choose the threshold on this pairs file, measure on --pairs.")
    Path train;

    @Option(
            names = "--folds",
            paramLabel = "K",
            description =
                    "Seeded K-fold cross-validation over all pairs (default 10 unless one View 2 file is given alone).")
    Integer folds;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "Seed of the fold split (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Write roc-det.png, scores.csv and summary.txt here.")
    Path out;

    @Mixin
    EvalOptions eval;

    @Option(names = "--flip", description = "Test-time flip: add the embedding of the mirrored crop.")
    boolean flip;

    @Option(
            names = "--refine-landmarks",
            description =
                    "Place each face's landmarks again with SCRFD-500M on the region around it (vision.refine.landmarks).")
    boolean refine;

    @Option(
            names = "--detector-size",
            paramLabel = "PX",
            description = "Detector input size, a multiple of 32 (default: the pack's, 320).")
    Integer detectorSize;

    @Option(
            names = "--nearest-face-only",
            description = {
                "Embed only the face nearest the image centre, alone. Default: "
                        + "embed every detected face of an image together (as the vision worker does with a frame) and keep the "
                        + "nearest; with an int8 dynamically quantised embedder the batch changes the embeddings slightly."
            })
    boolean nearestOnly;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Worker threads, one analyzer and one ONNX thread each (default: cores).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        ModelPack modelPack = eval.pack();
        VisionOptions vision = VisionOptions.defaults(modelPack).withFlip(flip).withRefinedLandmarks(refine);
        if (detectorSize != null) {
            vision = vision.withDetectorInputSize(detectorSize);
        }
        VerifyExperiment.run(
                new VerifyExperiment.Options(
                        pairs,
                        images,
                        Optional.ofNullable(train),
                        folds == null ? OptionalInt.empty() : OptionalInt.of(folds),
                        seed,
                        modelPack,
                        eval.modelsDir(),
                        vision,
                        nearestOnly,
                        EvalOptions.threads(threads),
                        Optional.ofNullable(out)),
                spec.commandLine().getOut(),
                System.err);
        return 0;
    }
}
