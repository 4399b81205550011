package org.facestream.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.facestream.config.FaceStreamConfig;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream demo}: broker, enrollment, ingest, worker and matcher in one JVM on a real in-process
 * Kafka broker ({@link InProcessRun}). With {@code --until-end} it stops once every frame of the video has
 * become identity events, printing each event as a JSON line and a final summary line.
 */
@Command(
        name = "demo",
        description =
                "Run broker, ingest, worker and matcher in one JVM on a video; print identity events as JSON lines.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(
            names = "--video",
            required = true,
            paramLabel = "FILE|DIR|rtsp://...",
            description = "Video file (or image folder, or RTSP URL) to ingest.")
    String video;

    @Mixin
    EnrollOptions enroll;

    @Option(
            names = "--until-end",
            description = "Stop when the video has been fully processed and print a summary line.")
    boolean untilEnd;

    @Option(names = "--loop", description = "Replay the video like a live camera until Ctrl-C.")
    boolean loop;

    @Option(
            names = "--camera",
            defaultValue = "demo-cam",
            description = "Camera id of the video (default ${DEFAULT-VALUE}).")
    String camera;

    @Mixin
    FpsOption fps;

    @Option(names = "--fast", description = "Read the file as fast as the pipeline takes it instead of at media speed.")
    boolean fast;

    @Mixin
    DataDirOption data;

    @Option(
            names = "--port",
            paramLabel = "N",
            description = "Serve the REST API and dashboard on this port "
                    + "(keys from api.keys.file or --keys; without, an ephemeral admin key is printed to stderr).")
    Integer port;

    @Option(names = "--keys", paramLabel = "FILE", description = "API key file for --port (key api.keys.file).")
    Path keys;

    @Override
    public Integer call() throws Exception {
        if (untilEnd && loop) {
            throw new IllegalArgumentException("expected --until-end or --loop, found both");
        }
        Map<String, String> overrides = new LinkedHashMap<>(fps.overrides());
        if (port != null) {
            // the dashboard shows face thumbnails; they are off otherwise (biometric data)
            overrides.put(FaceStreamConfig.THUMBNAILS, "true");
        }
        if (keys != null) {
            overrides.put(FaceStreamConfig.API_KEYS_FILE, keys.toString());
        }
        var subjects = enroll.subjects();
        try (var dir = data.open("facestream-demo-")) {
            var setup = new InProcessPipeline.Setup(
                    common,
                    overrides,
                    dir.path(),
                    subjects,
                    Optional.of(System.out),
                    port == null ? OptionalInt.empty() : OptionalInt.of(port));
            var summary = InProcessRun.run(
                    setup,
                    new InProcessRun.Camera(video, camera, loop, !fast),
                    untilEnd ? InProcessRun.Until.END : InProcessRun.Until.SIGNAL,
                    new MetricsRegistry());
            if (untilEnd && summary.isEmpty()) {
                return 130;
            }
            summary.ifPresent(s -> {
                System.out.println(s.json());
                System.out.flush();
            });
        }
        return 0;
    }
}
