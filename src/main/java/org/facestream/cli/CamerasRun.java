package org.facestream.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.IngestSettings;
import org.facestream.config.WorkerConfig;
import org.facestream.events.Topics;
import org.facestream.ingest.CameraIngest;
import org.facestream.ingest.IngestSummary;
import org.facestream.kafka.ConsumerGroupLag;
import org.facestream.match.MatcherService;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;

/**
 * The capacity run of {@code bench cameras}: how many live-like cameras (videos looped and paced at media speed,
 * sampled at {@code fps}) one process sustains. For each mode (best shots as configured, then every face of
 * every frame as the baseline) the {@link InProcessPipeline} starts once, cameras are added a few at a time, and
 * each count is watched for a window after it settles: it is sustained when ingest delivered at least 95% of the
 * frames the cameras were asked for (decoding is not left behind) and, over the second half of the window (the
 * first may still drain what the new cameras' start-up queued), neither the worker's lag on frames nor the
 * matcher's on observations exceeded two seconds of their input. The first count that is not sustained
 * ends the mode. CPU is read per thread group ({@link ThreadCpu}); the worker's own stages from its latency
 * histograms; heap after a full GC at the end of each window.
 */
final class CamerasRun {
    /** Name prefix of the threads that grab (decode and sample) a camera: the ingest_decode CPU group. */
    static final String GRAB_THREAD_PREFIX = "camera-";

    private static final Duration SAMPLE = Duration.ofSeconds(1);
    private static final Duration PROGRESS = Duration.ofSeconds(5);
    /** Worker stages reported per frame, as histogram stage names. */
    static final List<String> WORKER_STAGES = List.of("decode", "motion", "detect", "track", "align", "embed");

    private CamerasRun() {}

    /** What the pipeline analyses of each frame. */
    enum Mode {
        /** As configured: by default the worker's best shots behind the motion gate. */
        BEST_SHOT("best-shot", Map.of()),
        /** The baseline: every face of every frame embedded, no motion gate. */
        EVERY_FACE(
                "every-face",
                Map.of(FaceStreamConfig.WORKER_EMBED, "every-face", FaceStreamConfig.MOTION_GATE, "false"));

        final String label;
        final Map<String, String> overrides;

        Mode(String label, Map<String, String> overrides) {
            this.label = label;
            this.overrides = overrides;
        }
    }

    /**
     * What to run.
     *
     * @param videos camera i plays video i modulo their number
     * @param fps frames per second sampled from each camera
     * @param start cameras of the first step
     * @param step cameras added per step
     * @param maxCameras the most cameras tried
     * @param settle time after cameras are added before the window opens
     * @param window how long each count is watched
     * @param baseline also run {@link Mode#EVERY_FACE}
     */
    record Plan(
            List<Path> videos,
            double fps,
            int start,
            int step,
            int maxCameras,
            Duration settle,
            Duration window,
            boolean baseline) {
        Plan {
            videos = List.copyOf(videos);
            if (videos.isEmpty()) {
                throw new IllegalArgumentException("expected at least one --video, found none");
            }
            if (!(fps > 0)) {
                throw new IllegalArgumentException("expected --fps above 0, found " + fps);
            }
            if (start < 1 || step < 1 || maxCameras < start) {
                throw new IllegalArgumentException("expected 1 <= --start <= --max-cameras and --step >= 1, found "
                        + start + ", " + maxCameras + " and " + step);
            }
        }
    }

    /**
     * One camera count, watched for one window.
     *
     * @param framesPerSecond frames the worker consumed per second
     * @param sentPerSecond frames ingest delivered per second (the cameras asked for {@code cameras x fps})
     * @param skippedShare share of the consumed frames whose detection the motion gate skipped
     * @param coresByGroup CPU cores used per {@link ThreadCpu#GROUPS group}
     * @param msPerFrame milliseconds of each worker stage per consumed frame ({@link #WORKER_STAGES}), and ingest's
     *     {@code grab} and {@code jpeg_encode} per sent frame
     */
    record Step(
            Mode mode,
            int cameras,
            boolean sustained,
            String why,
            double framesPerSecond,
            double sentPerSecond,
            double facesSeenPerSecond,
            double facesEmbeddedPerSecond,
            double observationsPerSecond,
            double skippedShare,
            long maxFramesLag,
            long maxFacesLag,
            double cores,
            Map<String, Double> coresByGroup,
            Map<String, Double> msPerFrame,
            double heapMb) {}

    /** Every step run, in order. */
    record Result(List<Step> steps) {
        /** The most cameras {@code mode} sustained (0 when none). */
        int sustained(Mode mode) {
            return steps.stream()
                    .filter(s -> s.mode() == mode && s.sustained())
                    .mapToInt(Step::cameras)
                    .max()
                    .orElse(0);
        }

        /** The last line: {@code cameras=N baseline_cameras=M ratio=R}. */
        String line() {
            int n = sustained(Mode.BEST_SHOT);
            int m = sustained(Mode.EVERY_FACE);
            String ratio = m == 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", (double) n / m);
            return "cameras=" + n + " baseline_cameras=" + m + " ratio=" + ratio;
        }
    }

    /**
     * Runs the plan; each mode's pipeline starts from {@code setups.apply(modeOverrides)}.
     *
     * @param progress where progress lines go (standard error)
     */
    static Result run(Function<Map<String, String>, InProcessPipeline.Setup> setups, Plan plan, PrintStream progress)
            throws Exception {
        List<Step> steps = new ArrayList<>();
        List<Mode> modes = plan.baseline() ? List.of(Mode.BEST_SHOT, Mode.EVERY_FACE) : List.of(Mode.BEST_SHOT);
        for (Mode mode : modes) {
            Map<String, String> overrides = new LinkedHashMap<>(mode.overrides);
            overrides.put(FaceStreamConfig.INGEST_FPS, Double.toString(plan.fps()));
            MetricsRegistry metrics = new MetricsRegistry();
            try (InProcessPipeline pipeline = InProcessPipeline.start(setups.apply(overrides), metrics)) {
                runMode(mode, pipeline, plan, steps, progress);
            }
        }
        return new Result(steps);
    }

    private static void runMode(
            Mode mode, InProcessPipeline pipeline, Plan plan, List<Step> steps, PrintStream progress) throws Exception {
        List<CameraIngest> ingests = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        try {
            int n = plan.start();
            while (true) {
                while (ingests.size() < n) {
                    String camera = "cam-" + (ingests.size() + 1);
                    IngestSettings settings = IngestSettings.fromConfig(pipeline.cfg(), camera)
                            .withLoop(true)
                            .withRealtime(true);
                    CameraIngest ingest = pipeline.openCamera(
                            plan.videos()
                                    .get(ingests.size() % plan.videos().size())
                                    .toString(),
                            settings);
                    ingests.add(ingest);
                    threads.add(Thread.ofPlatform()
                            .name(GRAB_THREAD_PREFIX + camera)
                            .start(() -> {
                                try {
                                    ingest.run();
                                } catch (RuntimeException | Error e) {
                                    failure.compareAndSet(null, e);
                                }
                            }));
                }
                progress.printf(
                        Locale.ROOT,
                        "bench cameras %s: %d cameras at %s fps, settling %d s, then watching %d s%n",
                        mode.label,
                        n,
                        plan.fps(),
                        plan.settle().toSeconds(),
                        plan.window().toSeconds());
                sleepChecking(plan.settle(), failure);
                Step step = watch(mode, n, pipeline, ingests, plan, failure, progress);
                steps.add(step);
                progress.printf(Locale.ROOT, "bench cameras %s: %d cameras: %s%n", mode.label, n, step.why());
                if (!step.sustained() || n >= plan.maxCameras()) {
                    return;
                }
                n = Math.min(plan.maxCameras(), n + plan.step());
            }
        } finally {
            ingests.forEach(CameraIngest::close);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(30));
            }
        }
    }

    private static Step watch(
            Mode mode,
            int n,
            InProcessPipeline pipeline,
            List<CameraIngest> ingests,
            Plan plan,
            AtomicReference<Throwable> failure,
            PrintStream progress)
            throws Exception {
        MetricsRegistry m = pipeline.metrics();
        ConsumerGroupLag lag = new ConsumerGroupLag(pipeline.admin());
        ThreadCpu cpu = new ThreadCpu();
        Counters c0 = Counters.read(m, ingests);
        ThreadCpu.Snapshot cpu0 = cpu.snapshot();
        long t0 = System.nanoTime();
        long end = t0 + plan.window().toNanos();
        long nextProgress = t0 + PROGRESS.toNanos();
        long half = t0 + plan.window().toNanos() / 2;
        long maxFramesLag = 0;
        long maxFacesLag = 0;
        long lateFramesLag = 0;
        long lateFacesLag = 0;
        while (System.nanoTime() < end) {
            sleepChecking(SAMPLE, failure);
            long framesLag = lag.lag(WorkerConfig.GROUP_ID, Topics.FRAMES);
            long facesLag = lag.lag(MatcherService.APPLICATION_ID, Topics.FACES);
            maxFramesLag = Math.max(maxFramesLag, framesLag);
            maxFacesLag = Math.max(maxFacesLag, facesLag);
            if (System.nanoTime() >= half) {
                lateFramesLag = Math.max(lateFramesLag, framesLag);
                lateFacesLag = Math.max(lateFacesLag, facesLag);
            }
            if (System.nanoTime() >= nextProgress) {
                nextProgress += PROGRESS.toNanos();
                Counters c = Counters.read(m, ingests);
                double s = (System.nanoTime() - t0) / 1e9;
                progress.printf(
                        Locale.ROOT,
                        "bench cameras %s: cameras=%d t=%.0fs frames/s=%.1f faces_seen/s=%.1f embedded/s=%.1f"
                                + " skipped=%d lag_frames=%d lag_faces=%d%n",
                        mode.label,
                        n,
                        s,
                        (c.frames - c0.frames) / s,
                        (c.seen - c0.seen) / s,
                        (c.embedded - c0.embedded) / s,
                        c.skipped - c0.skipped,
                        framesLag,
                        facesLag);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Counters c1 = Counters.read(m, ingests);
        ThreadCpu.Snapshot cpu1 = cpu.snapshot();
        System.gc(); // heap after a full collection: what the run retains
        double heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;

        double frames = c1.frames - c0.frames;
        double sent = c1.sent - c0.sent;
        double observations = c1.observations - c0.observations;
        Map<String, Double> ms = new LinkedHashMap<>();
        for (String stage : WORKER_STAGES) {
            double sum = c1.stageSeconds.get(stage) - c0.stageSeconds.get(stage);
            ms.put(stage, frames > 0 ? sum * 1000 / frames : 0);
        }
        ms.put("grab", sent > 0 ? (c1.grabSeconds - c0.grabSeconds) * 1000 / sent : 0);
        ms.put("jpeg_encode", sent > 0 ? (c1.encodeSeconds - c0.encodeSeconds) * 1000 / sent : 0);

        double target = n * plan.fps();
        long framesBound = Math.max(10, Math.round(2 * target));
        long facesBound = Math.max(10, Math.round(2 * observations / seconds));
        String why;
        boolean ok = false;
        if (sent / seconds < 0.95 * target) {
            why = String.format(
                    Locale.ROOT,
                    "not sustained: ingest delivered %.1f of %.1f frames/s (decoding or encoding fell behind)",
                    sent / seconds,
                    target);
        } else if (lateFramesLag > framesBound) {
            why = String.format(
                    Locale.ROOT,
                    "not sustained: worker lag reached %d frames in the window's second half (bound %d: 2 s of frames)",
                    lateFramesLag,
                    framesBound);
        } else if (lateFacesLag > facesBound) {
            why = String.format(
                    Locale.ROOT,
                    "not sustained: matcher lag reached %d observations in the window's second half (bound %d: 2 s)",
                    lateFacesLag,
                    facesBound);
        } else {
            ok = true;
            why = String.format(
                    Locale.ROOT,
                    "sustained: %.1f frames/s, worker lag at most %d frames, matcher lag at most %d",
                    frames / seconds,
                    maxFramesLag,
                    maxFacesLag);
        }
        return new Step(
                mode,
                n,
                ok,
                why,
                frames / seconds,
                sent / seconds,
                (c1.seen - c0.seen) / seconds,
                (c1.embedded - c0.embedded) / seconds,
                observations / seconds,
                frames > 0 ? (c1.skipped - c0.skipped) / frames : 0,
                maxFramesLag,
                maxFacesLag,
                ThreadCpu.processCores(cpu0, cpu1, seconds),
                ThreadCpu.coresBetween(cpu0, cpu1, seconds),
                ms,
                heapMb);
    }

    /** Sleeps {@code d}, failing at once when a camera failed. */
    private static void sleepChecking(Duration d, AtomicReference<Throwable> failure) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        while (true) {
            Throwable f = failure.get();
            if (f != null) {
                throw new IllegalStateException("a camera stopped: " + f, f);
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Thread.sleep(Math.min(200, Math.max(1, left / 1_000_000)));
        }
    }

    /** The counters a window is measured by, at one instant. */
    private record Counters(
            long frames,
            long seen,
            long embedded,
            long skipped,
            long observations,
            long sent,
            double grabSeconds,
            double encodeSeconds,
            Map<String, Double> stageSeconds) {
        static Counters read(MetricsRegistry m, List<CameraIngest> ingests) {
            long sent = 0;
            double grab = 0;
            double encode = 0;
            for (CameraIngest i : ingests) {
                IngestSummary s = i.summary();
                sent += s.sent();
                grab += s.grabTime().toNanos() / 1e9;
                encode += s.encodeTime().toNanos() / 1e9;
            }
            Map<String, Double> stages = new LinkedHashMap<>();
            for (String stage : WORKER_STAGES) {
                LatencyHistogram h = m.histogram(
                        "stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", stage));
                stages.put(stage, h.sumSeconds());
            }
            return new Counters(
                    m.total("worker_frames_total"),
                    m.total("worker_faces_seen_total"),
                    m.total("worker_faces_embedded_total"),
                    m.total("worker_detections_skipped_total"),
                    m.total("worker_faces_total"),
                    sent,
                    grab,
                    encode,
                    stages);
        }
    }

    /** The two tables {@code bench cameras} prints: throughput and CPU per step, then milliseconds per frame. */
    static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%-10s %7s %3s %8s %7s %7s %8s %7s %6s %6s %5s",
                "mode",
                "cameras",
                "ok",
                "frames/s",
                "seen/s",
                "embed/s",
                "skipped",
                "lag_fr",
                "lag_ob",
                "cores",
                "heap"));
        for (String g : ThreadCpu.GROUPS) {
            sb.append(' ').append(g);
        }
        sb.append('\n');
        for (Step s : r.steps()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-10s %7d %3s %8.1f %7.1f %7.2f %7.0f%% %7d %6d %6.2f %5.0f",
                    s.mode().label,
                    s.cameras(),
                    s.sustained() ? "yes" : "no",
                    s.framesPerSecond(),
                    s.facesSeenPerSecond(),
                    s.facesEmbeddedPerSecond(),
                    100 * s.skippedShare(),
                    s.maxFramesLag(),
                    s.maxFacesLag(),
                    s.cores(),
                    s.heapMb()));
            for (String g : ThreadCpu.GROUPS) {
                sb.append(String.format(
                        Locale.ROOT, " %" + g.length() + ".2f", s.coresByGroup().get(g)));
            }
            sb.append('\n');
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "%-10s %7s", "mode", "cameras"));
        List<String> columns = new ArrayList<>(List.of("grab", "jpeg_encode"));
        WORKER_STAGES.forEach(st -> columns.add(st.equals("decode") ? "jpeg_decode" : st));
        for (String col : columns) {
            sb.append(String.format(Locale.ROOT, " %11s", col + "_ms"));
        }
        sb.append("   (ingest per sent frame, worker per consumed frame)\n");
        for (Step s : r.steps()) {
            sb.append(String.format(Locale.ROOT, "%-10s %7d", s.mode().label, s.cameras()));
            sb.append(String.format(
                    Locale.ROOT,
                    " %11.2f %11.2f",
                    s.msPerFrame().get("grab"),
                    s.msPerFrame().get("jpeg_encode")));
            for (String st : WORKER_STAGES) {
                sb.append(String.format(Locale.ROOT, " %11.2f", s.msPerFrame().get(st)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
