package org.facestream.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.facestream.eval.DetectExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code facestream eval detect}: recall and precision of the pack's detector against dlib imglab boxes, at
 * one or more detector input sizes ({@link DetectExperiment}). Last stdout line: {@code recall=0.XXXX
 * precision=0.XXXX} for the first size.
 */
@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = "Detection recall (IoU >= --iou) and precision on dlib imglab XML annotations.")
final class EvalDetectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--annotations",
            required = true,
            paramLabel = "XML",
            description = "dlib imglab XML; image paths relative to it.")
    Path annotations;

    @Mixin
    EvalOptions eval;

    @Option(
            names = "--detector-size",
            paramLabel = "PX",
            split = ",",
            description = "Detector input sizes, e.g. 320,640 (default: the pack's).")
    List<Integer> sizes;

    @Option(
            names = "--iou",
            paramLabel = "X",
            defaultValue = "0.5",
            description = "IoU a detection needs to match a box (default ${DEFAULT-VALUE}).")
    double iou;

    @Override
    public Integer call() throws IOException {
        DetectExperiment.run(
                new DetectExperiment.Options(
                        annotations, eval.pack(), eval.modelsDir(), sizes == null ? List.of() : sizes, iou),
                spec.commandLine().getOut());
        return 0;
    }
}
