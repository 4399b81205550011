package org.facestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream bench cameras}: the largest number of looping cameras the in-process pipeline sustains with
 * bounded lag ({@link CamerasRun}), in best-shot mode and in every-face mode (the baseline). Progress lines go to
 * standard error; the tables and the last line {@code cameras=N baseline_cameras=M ratio=R} to standard output.
 */
@Command(
        name = "cameras",
        description = "How many looping cameras the whole pipeline sustains, best shots against every face.")
final class BenchCamerasCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(
            names = "--video",
            required = true,
            paramLabel = "FILE",
            description = "Video file (repeatable); camera i plays video i modulo their number.")
    List<Path> videos = new ArrayList<>();

    @Option(
            names = "--fps",
            defaultValue = "5",
            paramLabel = "N",
            description = "Frames per second sampled from each camera (default ${DEFAULT-VALUE}).")
    double fps;

    @Option(
            names = "--max-cameras",
            defaultValue = "32",
            paramLabel = "N",
            description = "The most cameras tried (default ${DEFAULT-VALUE}).")
    int maxCameras;

    @Option(
            names = "--start",
            defaultValue = "2",
            paramLabel = "N",
            description = "Cameras of the first step (default ${DEFAULT-VALUE}).")
    int start;

    @Option(
            names = "--step",
            defaultValue = "2",
            paramLabel = "N",
            description = "Cameras added per step (default ${DEFAULT-VALUE}).")
    int step;

    @Option(
            names = "--settle",
            defaultValue = "8s",
            paramLabel = "TIME",
            description = "Wait after adding cameras before watching (default ${DEFAULT-VALUE}).")
    String settle;

    @Option(
            names = "--window",
            defaultValue = "20s",
            paramLabel = "TIME",
            description = "How long each camera count is watched (default ${DEFAULT-VALUE}).")
    String window;

    @Option(names = "--no-baseline", description = "Skip the every-face baseline.")
    boolean noBaseline;

    @Mixin
    EnrollOptions enroll;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() throws Exception {
        for (Path v : videos) {
            if (!Files.isRegularFile(v)) {
                throw new IllegalArgumentException("expected a video file at " + v + ", found nothing");
            }
        }
        CamerasRun.Plan plan = new CamerasRun.Plan(
                videos,
                fps,
                start,
                step,
                maxCameras,
                BenchSoakCommand.parseDuration("--settle", settle),
                BenchSoakCommand.parseDuration("--window", window),
                !noBaseline);
        var subjects = enroll.subjects();
        List<DataDirOption.RunDirectory> dirs = new ArrayList<>();
        try {
            CamerasRun.Result result = CamerasRun.run(
                    overrides -> {
                        try {
                            DataDirOption.RunDirectory dir = data.open("facestream-cameras-");
                            dirs.add(dir);
                            Path runDir = dir.path().resolve("run-" + dirs.size());
                            Map<String, String> o = new LinkedHashMap<>(overrides);
                            return new InProcessPipeline.Setup(
                                    common, o, runDir, subjects, Optional.empty(), OptionalInt.empty());
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    plan,
                    System.err);
            System.out.print(CamerasRun.table(result));
            System.out.println(result.line());
            System.out.flush();
        } finally {
            dirs.forEach(DataDirOption.RunDirectory::close);
        }
        return 0;
    }
}
