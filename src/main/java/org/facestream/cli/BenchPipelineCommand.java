package org.facestream.cli;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.facestream.metrics.LatencyHistogram;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream bench pipeline}: the demo path (real broker, ingest, worker, matcher) at full speed on a
 * video, then frames/s, faces/s, per-stage latency p50/p99, CPU use and heap.
 */
@Command(name = "pipeline", description = "Run the demo path at full speed on a video and report throughput and per-stage latency.")
final class BenchPipelineCommand implements Callable<Integer> {
  private static final List<String> STAGES = List.of("decode", "detect", "align", "embed", "detect_align_embed_batch", "match", "capture_to_observation", "capture_to_event");

  @Mixin CommonOptions common;

  @Option(names = "--video", required = true, paramLabel = "FILE", description = "Video file.")
  String video;

  @Option(names = "--fps", paramLabel = "N", description = "Frames per second sampled (default: every frame).")
  Double fps;

  @Option(names = "--enroll", paramLabel = "NAME=IMAGE[,IMAGE...]", description = "Subjects to enroll first (repeatable).")
  List<String> enroll = new ArrayList<>();

  @Option(names = "--data", paramLabel = "DIR", description = "Broker and state directory (default: temporary).")
  Path data;

  @Override
  public Integer call() throws Exception {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    DemoCommand demo = new DemoCommand();
    demo.common = common;
    demo.video = video;
    demo.enroll = enroll;
    demo.untilEnd = true;
    demo.fast = true;
    demo.fps = fps == null ? 0.0 : fps;
    demo.camera = "bench-cam";
    demo.data = data;
    demo.printEvents = false;
    int exit = demo.call();
    double wall = (System.nanoTime() - wall0) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
    var mem = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    MetricsRegistry m = demo.metrics;
    System.out.println("stage                      count     p50 ms     p99 ms");
    for (String stage : STAGES) {
      LatencyHistogram h = m.histogram("stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", stage));
      System.out.printf(Locale.ROOT, "%-24s %7d %10.2f %10.2f%n", stage, h.count(), h.quantileMillis(0.5), h.quantileMillis(0.99));
    }
    System.out.printf(Locale.ROOT, "cpu=%.1fs wall=%.1fs cores_used=%.2f of %d heap_used=%dMiB heap_max=%dMiB%n", cpu, wall, cpu / wall,
        Runtime.getRuntime().availableProcessors(), mem.getUsed() >> 20, mem.getMax() >> 20);
    return exit;
  }
}
