package org.facestream.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.IngestSettings;
import org.facestream.config.WorkerConfig;
import org.facestream.events.Topics;
import org.facestream.ingest.CameraIngest;
import org.facestream.ingest.IngestMetrics;
import org.facestream.kafka.ConsumerGroupLag;
import org.facestream.match.MatcherService;
import org.facestream.metrics.MetricsRegistry;

/**
 * The soak of {@code bench soak}: several live-like cameras (videos looped and paced at media speed, sampled
 * at their configured rate) through the whole {@link InProcessPipeline} for a bounded time, sampling what a
 * long run would show: heap after a full GC (its slope after the warm-up should be about zero), the consumer
 * lag of the worker on frames and of the matcher on observations (bounded, not growing), and the dead-letter
 * topic (empty for valid input). Then the cameras stop and the pipeline drains, so the last counts tell
 * whether every face became its event. A progress line per sample goes to standard error.
 */
final class SoakRun {
    private SoakRun() {}

    /**
     * What to soak.
     *
     * @param videos camera i plays video i modulo their number
     * @param total how long the cameras run
     * @param interval time between samples
     * @param warmup samples before this are left out of the heap statistics
     */
    record Plan(List<Path> videos, int cameras, Duration total, Duration interval, Duration warmup) {
        Plan {
            if (cameras < 1) {
                throw new IllegalArgumentException("expected --cameras of at least 1, found " + cameras);
            }
            videos = List.copyOf(videos);
        }
    }

    /**
     * The summary, and whether the process was asked to stop before the planned time was up.
     */
    record Outcome(SoakSummary summary, boolean signalled) {}

    static Outcome run(InProcessPipeline.Setup setup, Plan plan, MetricsRegistry metrics) throws Exception {
        try (ShutdownSignal signal = new ShutdownSignal();
                InProcessPipeline pipeline = InProcessPipeline.start(setup, metrics)) {
            List<CameraIngest> ingests = new ArrayList<>();
            List<CompletableFuture<?>> runs = new ArrayList<>();
            try {
                for (int i = 0; i < plan.cameras(); i++) {
                    String camera = "soak-" + (i + 1);
                    IngestSettings settings = IngestSettings.fromConfig(pipeline.cfg(), camera)
                            .withLoop(true)
                            .withRealtime(true);
                    CameraIngest ingest = pipeline.openCamera(
                            plan.videos().get(i % plan.videos().size()).toString(), settings);
                    ingests.add(ingest);
                    IngestMetrics.register(metrics, camera, ingest);
                }
                System.err.printf(
                        Locale.ROOT,
                        "facestream bench soak: %d cameras at %s fps for %d s, heap sampled after GC every %d s%n",
                        plan.cameras(),
                        pipeline.cfg().decimal(FaceStreamConfig.INGEST_FPS),
                        plan.total().toSeconds(),
                        plan.interval().toSeconds());
                for (CameraIngest ingest : ingests) {
                    runs.add(CompletableFuture.runAsync(
                            ingest::run,
                            r -> Thread.ofPlatform().name("soak-ingest").start(r)));
                }
                SoakSummary s = soak(pipeline, ingests, runs, signal, plan);
                // Then the cameras stop and the pipeline drains, so the counts say whether every sampled frame and
                // every face became its event (a run that could not keep up shows drained=false instead).
                ingests.forEach(CameraIngest::close);
                boolean drained;
                try {
                    pipeline.drain(Duration.ofMinutes(2));
                    drained = true;
                } catch (IllegalStateException e) {
                    System.err.println("facestream bench soak: " + e.getMessage());
                    drained = false;
                }
                s = s.finished(
                        framesSent(ingests),
                        pipeline.metrics().total("worker_faces_total") - s.faces0(),
                        pipeline.tap().eventCount(),
                        deadLetters(pipeline),
                        drained);
                return new Outcome(s, signal.isSignalled());
            } finally {
                ingests.forEach(CameraIngest::close);
            }
        }
    }

    private static SoakSummary soak(
            InProcessPipeline pipeline,
            List<CameraIngest> ingests,
            List<CompletableFuture<?>> runs,
            ShutdownSignal signal,
            Plan plan)
            throws Exception {
        ConsumerGroupLag lag = new ConsumerGroupLag(pipeline.admin());
        long faces0 = pipeline.metrics().total("worker_faces_total");
        List<SoakSummary.Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long end = start + plan.total().toNanos();
        long next = start;
        while (true) {
            long now = System.nanoTime();
            if (now >= next) {
                SoakSummary.Sample s = sample(lag, (now - start) / 1e9);
                samples.add(s);
                System.err.printf(
                        Locale.ROOT,
                        "soak t=%.0fs frames=%d faces=%d events=%d lag_frames=%d lag_faces=%d heap_after_gc_mb=%.1f deadletters=%d%n",
                        s.seconds(),
                        framesSent(ingests),
                        pipeline.metrics().total("worker_faces_total") - faces0,
                        pipeline.tap().eventCount(),
                        s.framesLag(),
                        s.facesLag(),
                        s.heapMb(),
                        deadLetters(pipeline));
                next += plan.interval().toNanos();
            }
            for (CompletableFuture<?> r : runs) {
                if (r.isDone()) {
                    r.join(); // a camera that stopped early is a failure of the run: surface its exception
                    throw new IllegalStateException(
                            "expected looping cameras to run until the end, found one that stopped");
                }
            }
            if (now >= end || signal.isSignalled()) {
                break;
            }
            signal.await(Math.max(1, Math.min(next, end) - System.nanoTime()) / 1_000_000 + 1);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<SoakSummary.Sample> steady = samples.stream()
                .filter(s -> s.seconds() >= plan.warmup().toSeconds())
                .toList();
        if (steady.size() < 2) {
            steady = samples;
        }
        long maxFrames =
                samples.stream().mapToLong(SoakSummary.Sample::framesLag).max().orElse(0);
        long maxFaces =
                samples.stream().mapToLong(SoakSummary.Sample::facesLag).max().orElse(0);
        return new SoakSummary(
                SoakSummary.floor(steady, true),
                SoakSummary.floor(steady, false),
                SoakSummary.slopePerMinute(steady),
                Math.max(maxFrames, maxFaces),
                maxFrames,
                maxFaces,
                deadLetters(pipeline),
                pipeline.tap().eventCount(),
                framesSent(ingests),
                ingests.stream().mapToLong(i -> i.summary().dropped()).sum(),
                pipeline.metrics().total("worker_faces_total") - faces0,
                faces0,
                ingests.size(),
                seconds,
                false);
    }

    private static SoakSummary.Sample sample(ConsumerGroupLag lag, double seconds) throws InterruptedException {
        System.gc(); // heap after a full collection: what is retained, not what is waiting to be collected
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
        return new SoakSummary.Sample(
                seconds,
                heap,
                lag.lag(WorkerConfig.GROUP_ID, Topics.FRAMES),
                lag.lag(MatcherService.APPLICATION_ID, Topics.FACES));
    }

    /** Records on the dead-letter topic of this run's broker, whichever stage wrote them. */
    private static long deadLetters(InProcessPipeline pipeline) throws Exception {
        return pipeline.endOffsets(Topics.DEADLETTER).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    private static long framesSent(List<CameraIngest> ingests) {
        return ingests.stream().mapToLong(i -> i.summary().sent()).sum();
    }
}
