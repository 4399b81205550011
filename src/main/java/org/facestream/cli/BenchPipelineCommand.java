package org.facestream.cli;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.facestream.config.FaceStreamConfig;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream bench pipeline}: the demo path ({@link InProcessRun}: real broker, ingest, worker,
 * matcher) at full speed on a video, then frames/s, faces/s, per-stage latency p50/p99 from the run's
 * metrics registry, CPU use and heap.
 */
@Command(
        name = "pipeline",
        description = "Run the demo path at full speed on a video and report throughput and per-stage latency.")
final class BenchPipelineCommand implements Callable<Integer> {
    private static final List<String> STAGES = List.of(
            "decode",
            "detect",
            "align",
            "embed",
            "detect_align_embed_batch",
            "match",
            "capture_to_observation",
            "capture_to_event");

    @Mixin
    CommonOptions common;

    @Option(
            names = "--video",
            required = true,
            paramLabel = "FILE|DIR|rtsp://...",
            description = "Video file (or image folder, or RTSP URL) to ingest.")
    String video;

    // not FpsOption: the benchmark takes every frame unless told otherwise, whatever ingest.fps says
    @Option(names = "--fps", paramLabel = "N", description = "Frames per second sampled (default: every frame).")
    Double fps;

    @Option(
            names = "--synthetic-subjects",
            paramLabel = "N",
            defaultValue = "0",
            description = "Also enroll N people who never appear (one random template each) to search a large "
                    + "gallery (default: none).")
    int syntheticSubjects;

    @Mixin
    EnrollOptions enroll;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        MetricsRegistry m = new MetricsRegistry();
        boolean finished;
        var subjects = enroll.subjects();
        try (var dir = data.open("facestream-demo-")) {
            Map<String, String> rate = Map.of(FaceStreamConfig.INGEST_FPS, Double.toString(fps == null ? 0.0 : fps));
            var setup = new InProcessPipeline.Setup(
                    common, rate, dir.path(), subjects, Optional.empty(), OptionalInt.empty(), syntheticSubjects);
            var summary = InProcessRun.run(
                    setup, new InProcessRun.Camera(video, "bench-cam", false, false), InProcessRun.Until.END, m);
            summary.ifPresent(s -> {
                System.out.println(s.json());
                System.out.flush();
            });
            finished = summary.isPresent();
        }
        double wall = (System.nanoTime() - wall0) / 1e9;
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        MemoryUsage mem = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.println("stage                      count     p50 ms     p99 ms");
        for (String stage : STAGES) {
            LatencyHistogram h = m.histogram(
                    "stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", stage));
            System.out.printf(
                    Locale.ROOT,
                    "%-24s %7d %10.2f %10.2f%n",
                    stage,
                    h.count(),
                    h.quantileMillis(0.5),
                    h.quantileMillis(0.99));
        }
        // how the matcher searched its gallery (matcher.search.storage): compressed scans, and those proven in fp32
        System.out.printf(
                Locale.ROOT,
                "search_compressed=%d search_fp32_rescans=%d%n",
                m.total("matcher_search_compressed_total"),
                m.total("matcher_search_fp32_rescans_total"));
        System.out.printf(
                Locale.ROOT,
                "cpu=%.1fs wall=%.1fs cores_used=%.2f of %d heap_used=%dMiB heap_max=%dMiB%n",
                cpu,
                wall,
                cpu / wall,
                Runtime.getRuntime().availableProcessors(),
                mem.getUsed() >> 20,
                mem.getMax() >> 20);
        return finished ? 0 : 130;
    }
}
