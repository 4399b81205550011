package org.facestream.cli;

import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionSetup;
import org.facestream.ingest.IngestMetrics;
import org.facestream.kafka.ConsumerGroupLag;
import org.facestream.match.MatcherService;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.config.WorkerConfig;
import org.facestream.enroll.Enroller;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Topics;
import org.facestream.ingest.CameraIngest;
import org.facestream.config.IngestSettings;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream bench soak}: the demo pipeline with several live-like cameras (videos looped and paced
 * at media speed, sampled at their configured rate) for a bounded time, watching what a long run would
 * show: heap after a full GC, sampled every few seconds (its least-squares slope after the warm-up should be
 * about zero), the consumer lag of the worker on frames and of the matcher on observations (bounded, not
 * growing), and the dead-letter topic (empty for valid input). Then the cameras stop and the pipeline
 * drains, so the last counts tell whether every face became its event. Prints a progress line per sample to
 * standard error and a last summary line to standard output.
 */
@Command(name = "soak", description = "Run several looping cameras through the whole pipeline for a while; report heap slope, lag and dead letters.")
final class BenchSoakCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--video", required = true, paramLabel = "FILE", description = "Video file (repeatable); camera i plays video i modulo their number.")
  List<Path> videos = new ArrayList<>();

  @Option(names = "--cameras", defaultValue = "4", paramLabel = "N", description = "Cameras (default ${DEFAULT-VALUE}).")
  int cameras;

  @Option(names = "--duration", defaultValue = "3m", paramLabel = "TIME", description = "How long to run: 90s, 3m, 1h (default ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--fps", paramLabel = "N", description = "Frames per second sampled from each camera (key ingest.fps).")
  Double fps;

  @Option(names = "--sample-every", defaultValue = "5s", paramLabel = "TIME", description = "Progress and heap sample interval (default ${DEFAULT-VALUE}).")
  String every;

  @Option(names = "--warmup", paramLabel = "TIME", description = "Samples before this are left out of the heap slope (default: a fifth of the duration).")
  String warmup;

  @Option(names = "--enroll", paramLabel = "NAME=IMAGE[,IMAGE...]", description = "Subjects to enroll first (repeatable).")
  List<String> enroll = new ArrayList<>();

  @Option(names = "--data", paramLabel = "DIR", description = "Broker and state directory (default: temporary, deleted at exit).")
  Path data;

  /** One sample: seconds since the cameras started, heap used after a full GC, the two lags. */
  record Sample(double seconds, double heapMb, long framesLag, long facesLag) {}

  /**
   * The summary of a run.
   *
   * @param heapStartMb the retained floor at the start of the steady part ({@link #floor})
   * @param heapEndMb the retained floor at its end
   * @param heapSlopeMbPerMin least-squares slope of heap-after-GC over the samples after the warm-up
   * @param maxLag the largest lag seen, frames (worker) or observations (matcher)
   */
  record Summary(double heapStartMb, double heapEndMb, double heapSlopeMbPerMin, long maxLag, long maxFramesLag, long maxFacesLag,
      long deadLetters, long events, long frames, long framesDropped, long faces, long faces0, int cameras, double seconds, boolean drained) {
    String line() {
      return String.format(Locale.ROOT, "heap_start_mb=%.1f heap_end_mb=%.1f heap_slope_mb_per_min=%.2f max_lag=%d deadletters=%d events=%d"
          + " frames=%d frames_dropped=%d faces=%d max_lag_frames=%d max_lag_faces=%d cameras=%d seconds=%.0f drained=%s",
          heapStartMb, heapEndMb, heapSlopeMbPerMin, maxLag, deadLetters, events, frames, framesDropped, faces, maxFramesLag, maxFacesLag,
          cameras, seconds, drained);
    }

    /** The counts after the cameras stopped and the pipeline drained. */
    Summary finished(long frames, long faces, long events, long deadLetters, boolean drained) {
      return new Summary(heapStartMb, heapEndMb, heapSlopeMbPerMin, maxLag, maxFramesLag, maxFacesLag, deadLetters, events, frames,
          framesDropped, faces, faces0, cameras, seconds, drained);
    }
  }

  @Override
  public Integer call() throws Exception {
    Duration total = parseDuration("--duration", duration);
    Duration interval = parseDuration("--sample-every", every);
    Duration warm = warmup == null ? total.dividedBy(5) : parseDuration("--warmup", warmup);
    if (cameras < 1) {
      throw new IllegalArgumentException("expected --cameras of at least 1, found " + cameras);
    }
    for (Path v : videos) {
      if (!Files.isRegularFile(v)) {
        throw new IllegalArgumentException("expected a video file at " + v + ", found nothing");
      }
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    if (fps != null) {
      overrides.put(FaceStreamConfig.INGEST_FPS, fps.toString());
    }
    FaceStreamConfig base = common.resolve(overrides);
    Map<String, GalleryRecord> gallery = new LinkedHashMap<>();
    MetricsRegistry metrics = new MetricsRegistry();
    try (FaceAnalyzer portraits = FaceAnalyzer.forPortraits(base, metrics)) {
      Enroller enroller = new Enroller(portraits, metrics);
      DemoCommand.parseEnrollments(enroll).forEach((name, images) -> gallery.put(name, enroller.everyTemplate(name, images)));
    }
    Path dir = data != null ? data : Files.createTempDirectory("facestream-soak-");
    try (ShutdownSignal signal = new ShutdownSignal();
        InProcessPipeline pipeline = InProcessPipeline.start(common, overrides, dir, gallery, null, null, metrics)) {
      List<CameraIngest> ingests = new ArrayList<>();
      List<CompletableFuture<?>> runs = new ArrayList<>();
      try {
        for (int i = 0; i < cameras; i++) {
          String camera = "soak-" + (i + 1);
          IngestSettings settings = IngestCommand.settings(pipeline.cfg(), camera).withLoop(true).withRealtime(true);
          CameraIngest ingest = pipeline.openCamera(videos.get(i % videos.size()).toString(), settings);
          ingests.add(ingest);
          IngestMetrics.register(metrics, camera, ingest);
        }
        System.err.printf(Locale.ROOT, "facestream bench soak: %d cameras at %s fps for %d s, heap sampled after GC every %d s%n",
            cameras, pipeline.cfg().decimal(FaceStreamConfig.INGEST_FPS), total.toSeconds(), interval.toSeconds());
        for (CameraIngest ingest : ingests) {
          runs.add(CompletableFuture.runAsync(ingest::run, r -> Thread.ofPlatform().name("soak-ingest").start(r)));
        }
        Summary s = soak(pipeline, ingests, runs, signal, total, interval, warm);
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
        s = s.finished(framesSent(ingests), pipeline.metrics().total("worker_faces_total") - s.faces0(), pipeline.tap().eventCount(),
            deadLetters(pipeline), drained);
        System.out.println(s.line());
        System.out.flush();
        return signal.isSignalled() ? 130 : 0;
      } finally {
        ingests.forEach(CameraIngest::close);
      }
    } finally {
      if (data == null) {
        deleteRecursively(dir);
      }
    }
  }

  private Summary soak(InProcessPipeline pipeline, List<CameraIngest> ingests, List<CompletableFuture<?>> runs, ShutdownSignal signal,
      Duration total, Duration interval, Duration warm) throws Exception {
    ConsumerGroupLag lag = new ConsumerGroupLag(pipeline.admin());
    long faces0 = pipeline.metrics().total("worker_faces_total");
    List<Sample> samples = new ArrayList<>();
    long start = System.nanoTime();
    long end = start + total.toNanos();
    long next = start;
    while (true) {
      long now = System.nanoTime();
      if (now >= next) {
        Sample s = sample(lag, (now - start) / 1e9);
        samples.add(s);
        System.err.printf(Locale.ROOT, "soak t=%.0fs frames=%d faces=%d events=%d lag_frames=%d lag_faces=%d heap_after_gc_mb=%.1f deadletters=%d%n",
            s.seconds(), framesSent(ingests), pipeline.metrics().total("worker_faces_total") - faces0, pipeline.tap().eventCount(),
            s.framesLag(), s.facesLag(), s.heapMb(), deadLetters(pipeline));
        next += interval.toNanos();
      }
      for (CompletableFuture<?> r : runs) {
        if (r.isDone()) {
          r.join(); // a camera that stopped early is a failure of the run: surface its exception
          throw new IllegalStateException("expected looping cameras to run until the end, found one that stopped");
        }
      }
      if (now >= end || signal.isSignalled()) {
        break;
      }
      signal.await(Math.max(1, Math.min(next, end) - System.nanoTime()) / 1_000_000 + 1);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Sample> steady = samples.stream().filter(s -> s.seconds() >= warm.toSeconds()).toList();
    if (steady.size() < 2) {
      steady = samples;
    }
    long maxFrames = samples.stream().mapToLong(Sample::framesLag).max().orElse(0);
    long maxFaces = samples.stream().mapToLong(Sample::facesLag).max().orElse(0);
    return new Summary(floor(steady, true), floor(steady, false), slopePerMinute(steady),
        Math.max(maxFrames, maxFaces), maxFrames, maxFaces, deadLetters(pipeline), pipeline.tap().eventCount(),
        framesSent(ingests), ingests.stream().mapToLong(i -> i.summary().dropped()).sum(), pipeline.metrics().total("worker_faces_total") - faces0,
        faces0, ingests.size(), seconds, false);
  }

  private static Sample sample(ConsumerGroupLag lag, double seconds) throws InterruptedException {
    System.gc(); // heap after a full collection: what is retained, not what is waiting to be collected
    double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    return new Sample(seconds, heap, lag.lag(WorkerConfig.GROUP_ID, Topics.FRAMES), lag.lag(MatcherService.APPLICATION_ID, Topics.FACES));
  }

  /** Records on the dead-letter topic of this run's broker, whichever stage wrote them. */
  private static long deadLetters(InProcessPipeline pipeline) throws Exception {
    return pipeline.endOffsets(Topics.DEADLETTER).values().stream().mapToLong(Long::longValue).sum();
  }

  private static long framesSent(List<CameraIngest> ingests) {
    return ingests.stream().mapToLong(i -> i.summary().sent()).sum();
  }

  /**
   * The lowest heap-after-GC of the first (or last) quarter of the samples, at least 3 of them: the retained
   * floor. A single sample also holds whatever records are in flight at that instant (fetched frames,
   * producer batches: several MB), so the floors tell growth from noise better than the end points do.
   */
  static double floor(List<Sample> samples, boolean first) {
    int n = Math.min(samples.size(), Math.max(3, samples.size() / 4));
    List<Sample> part = first ? samples.subList(0, n) : samples.subList(samples.size() - n, samples.size());
    return part.stream().mapToDouble(Sample::heapMb).min().orElse(0);
  }

  /** Least-squares slope of heap over time, in MB per minute. */
  static double slopePerMinute(List<Sample> samples) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mt = samples.stream().mapToDouble(Sample::seconds).average().orElse(0);
    double mh = samples.stream().mapToDouble(Sample::heapMb).average().orElse(0);
    double num = 0;
    double den = 0;
    for (Sample s : samples) {
      num += (s.seconds() - mt) * (s.heapMb() - mh);
      den += (s.seconds() - mt) * (s.seconds() - mt);
    }
    return den == 0 ? 0 : num / den * 60;
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
      return positive(option, text, switch (t.charAt(t.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> throw new NumberFormatException();
      });
    } catch (NumberFormatException | java.time.format.DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("expected " + option + " like 90s, 3m or 1h, found '" + text + "'");
    }
  }

  private static Duration positive(String option, String text, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("expected a positive " + option + ", found '" + text + "'");
    }
    return d;
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("facestream bench soak: could not delete " + dir + ": " + e);
    }
  }
}
