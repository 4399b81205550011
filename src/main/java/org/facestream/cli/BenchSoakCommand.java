package org.facestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream bench soak}: several live-like cameras through the whole pipeline for a bounded time
 * ({@link SoakRun}), watching heap after GC, consumer lag and dead letters. Prints a progress line per sample
 * to standard error and a last summary line ({@link SoakSummary#line}) to standard output.
 */
@Command(
        name = "soak",
        description =
                "Run several looping cameras through the whole pipeline for a while; report heap slope, lag and dead letters.")
final class BenchSoakCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Option(
            names = "--video",
            required = true,
            paramLabel = "FILE",
            description = "Video file (repeatable); camera i plays video i modulo their number.")
    List<Path> videos = new ArrayList<>();

    @Option(
            names = "--cameras",
            defaultValue = "4",
            paramLabel = "N",
            description = "Cameras (default ${DEFAULT-VALUE}).")
    int cameras;

    @Option(
            names = "--duration",
            defaultValue = "3m",
            paramLabel = "TIME",
            description = "How long to run: 90s, 3m, 1h (default ${DEFAULT-VALUE}).")
    String duration;

    @Mixin
    FpsOption fps;

    @Option(
            names = "--sample-every",
            defaultValue = "5s",
            paramLabel = "TIME",
            description = "Progress and heap sample interval (default ${DEFAULT-VALUE}).")
    String every;

    @Option(
            names = "--warmup",
            paramLabel = "TIME",
            description = "Samples before this are left out of the heap slope (default: a fifth of the duration).")
    String warmup;

    @Mixin
    EnrollOptions enroll;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() throws Exception {
        Duration total = parseDuration("--duration", duration);
        Duration interval = parseDuration("--sample-every", every);
        Duration warm = warmup == null ? total.dividedBy(5) : parseDuration("--warmup", warmup);
        SoakRun.Plan plan = new SoakRun.Plan(videos, cameras, total, interval, warm);
        for (Path v : videos) {
            if (!Files.isRegularFile(v)) {
                throw new IllegalArgumentException("expected a video file at " + v + ", found nothing");
            }
        }
        var subjects = enroll.subjects();
        try (var dir = data.open("facestream-soak-")) {
            var setup = new InProcessPipeline.Setup(
                    common, fps.overrides(), dir.path(), subjects, Optional.empty(), OptionalInt.empty());
            SoakRun.Outcome outcome = SoakRun.run(setup, plan, new MetricsRegistry());
            System.out.println(outcome.summary().line());
            System.out.flush();
            return outcome.signalled() ? 130 : 0;
        }
    }

    /** {@code 90s}, {@code 3m}, {@code 1h}, {@code 500ms} or an ISO-8601 duration. */
    static Duration parseDuration(String option, String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return positive(option, text, Duration.parse(text.strip().toUpperCase(Locale.ROOT)));
            }
            if (t.endsWith("ms")) {
                return positive(option, text, Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return positive(
                    option,
                    text,
                    switch (t.charAt(t.length() - 1)) {
                        case 's' -> Duration.ofSeconds(n);
                        case 'm' -> Duration.ofMinutes(n);
                        case 'h' -> Duration.ofHours(n);
                        default -> throw new NumberFormatException();
                    });
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("expected " + option + " like 90s, 3m or 1h, found '" + text + "'");
        }
    }

    private static Duration positive(String option, String text, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("expected a positive " + option + ", found '" + text + "'");
        }
        return d;
    }
}
