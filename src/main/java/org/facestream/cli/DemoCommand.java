package org.facestream.cli;

import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionSetup;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.enroll.Enroller;
import org.facestream.events.GalleryRecord;
import org.facestream.events.Json;
import org.facestream.ingest.CameraIngest;
import org.facestream.config.IngestSettings;
import org.facestream.ingest.IngestSummary;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code facestream demo}: broker, enrollment, ingest, worker and matcher in one JVM on a real in-process
 * Kafka broker. With {@code --until-end} it stops once every frame of the video has become identity events,
 * printing each event as a JSON line and a final summary line.
 */
@Command(name = "demo", description = "Run broker, ingest, worker and matcher in one JVM on a video; print identity events as JSON lines.")
final class DemoCommand implements Callable<Integer> {
  /** Every stage of this run reports here (bench pipeline reads the stage latencies after the run). */
  final MetricsRegistry metrics = new MetricsRegistry();

  private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);

  @Mixin CommonOptions common;

  @Option(names = "--video", required = true, paramLabel = "FILE|DIR|rtsp://...", description = "Video file (or image folder, or RTSP URL) to ingest.")
  String video;

  @Option(names = "--enroll", paramLabel = "NAME=IMAGE[,IMAGE...]", description = "Enroll a subject before the video starts (repeatable).")
  List<String> enroll = new ArrayList<>();

  @Option(names = "--until-end", description = "Stop when the video has been fully processed and print a summary line.")
  boolean untilEnd;

  @Option(names = "--loop", description = "Replay the video like a live camera until Ctrl-C.")
  boolean loop;

  @Option(names = "--camera", defaultValue = "demo-cam", description = "Camera id of the video (default ${DEFAULT-VALUE}).")
  String camera;

  @Option(names = "--fps", paramLabel = "N", description = "Frames per second sampled from the video (key ingest.fps).")
  Double fps;

  @Option(names = "--fast", description = "Read the file as fast as the pipeline takes it instead of at media speed.")
  boolean fast;

  @Option(names = "--data", paramLabel = "DIR", description = "Broker and state directory (default: a temporary directory, deleted at exit).")
  Path data;

  @Option(names = "--port", paramLabel = "N", description = "Serve the REST API and dashboard on this port "
      + "(keys from api.keys.file or --keys; without, an ephemeral admin key is printed to stderr).")
  Integer port;

  @Option(names = "--keys", paramLabel = "FILE", description = "API key file for --port (key api.keys.file).")
  Path keys;

  /** Whether identity events are printed (bench pipeline turns them off and keeps the summary). */
  boolean printEvents = true;

  @Override
  public Integer call() throws Exception {
    if (untilEnd && loop) {
      throw new IllegalArgumentException("expected --until-end or --loop, found both");
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    if (fps != null) {
      overrides.put(FaceStreamConfig.INGEST_FPS, fps.toString());
    }
    if (port != null) {
      // the dashboard shows face thumbnails; they are off otherwise (biometric data)
      overrides.put(FaceStreamConfig.THUMBNAILS, "true");
    }
    if (keys != null) {
      overrides.put(FaceStreamConfig.API_KEYS_FILE, keys.toString());
    }
    FaceStreamConfig base = common.resolve(overrides);
    Map<String, List<Path>> subjects = parseEnrollments(enroll);
    Path dir = data != null ? data : Files.createTempDirectory("facestream-demo-");
    PrintStream out = System.out;
    Instant started = Instant.now();

    // Models and enrollment photos are checked before anything starts, so a bad path fails in a second.
    Map<String, GalleryRecord> gallery = new LinkedHashMap<>();
    try (FaceAnalyzer portraits = FaceAnalyzer.forPortraits(base, metrics)) {
      Enroller enroller = new Enroller(portraits, metrics);
      subjects.forEach((name, images) -> gallery.put(name, enroller.everyTemplate(name, images)));
    }

    try (ShutdownSignal signal = new ShutdownSignal();
        InProcessPipeline pipeline = InProcessPipeline.start(common, overrides, dir, gallery, printEvents ? out : null, port, metrics)) {
      IngestSettings settings = IngestCommand.settings(pipeline.cfg(), camera).withLoop(loop).withRealtime(!fast);
      Instant ingestStart = Instant.now();
      try (CameraIngest ingest = pipeline.openCamera(video, settings)) {
        CompletableFuture<IngestSummary> ingestDone = CompletableFuture.supplyAsync(ingest::run, r -> Thread.ofPlatform().name("ingest").start(r));
        if (untilEnd) {
          IngestSummary summary = waitFor(ingestDone, signal);
          if (summary == null) {
            return 130;
          }
          pipeline.drain();
          printSummary(out, summary, pipeline.tap(), ingestStart);
        } else {
          LOG.info("demo running on {} (camera {}); Ctrl-C stops", video, camera);
          signal.await();
        }
      }
    } finally {
      if (data == null) {
        deleteRecursively(dir);
      }
      LOG.info("demo finished after {} s", Duration.between(started, Instant.now()).toSeconds());
    }
    return 0;
  }

  private static IngestSummary waitFor(CompletableFuture<IngestSummary> done, ShutdownSignal signal) throws Exception {
    while (!done.isDone()) {
      if (signal.await(200)) {
        return null;
      }
    }
    return done.get();
  }

  private void printSummary(PrintStream out, IngestSummary ingest, IdentityEventTap tap, Instant ingestStart) throws Exception {
    Map<String, Integer> bySubject = tap.countsBySubject();
    int unknown = bySubject.getOrDefault(org.facestream.events.IdentityEvent.UNKNOWN, 0);
    Map<String, Integer> matched = new LinkedHashMap<>(bySubject);
    matched.remove(org.facestream.events.IdentityEvent.UNKNOWN);
    Instant end = tap.lastEventAt() == null ? Instant.now() : tap.lastEventAt();
    double seconds = Math.max(1e-3, Duration.between(ingestStart, end).toNanos() / 1e9);
    MetricsRegistry m = metrics;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("frames", ingest.sent());
    s.put("framesDropped", ingest.dropped());
    s.put("faces", m.total("worker_faces_total"));
    s.put("facesDroppedForQuality", m.byLabel("worker_faces_dropped_total"));
    s.put("events", tap.eventCount());
    s.put("eventsBySubject", matched);
    s.put("unknownFaces", unknown);
    s.put("deadLetters", m.byLabel("deadletter_total"));
    s.put("framesPerSecond", Math.round(ingest.sent() / seconds * 100) / 100.0);
    s.put("facesPerSecond", Math.round(m.total("worker_faces_total") / seconds * 100) / 100.0);
    s.put("latencyP50Ms", Math.round(tap.latencyQuantileMs(0.50)));
    s.put("latencyP99Ms", Math.round(tap.latencyQuantileMs(0.99)));
    out.println(Json.MAPPER.writeValueAsString(Map.of("summary", s)));
    out.flush();
  }

  /** {@code NAME=IMAGE[,IMAGE...]} entries into subject to images. */
  static Map<String, List<Path>> parseEnrollments(List<String> specs) {
    Map<String, List<Path>> out = new LinkedHashMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException("expected --enroll NAME=IMAGE[,IMAGE...], found '" + spec + "'");
      }
      List<Path> images = new ArrayList<>();
      for (String p : spec.substring(eq + 1).split(",")) {
        Path path = Path.of(p.trim());
        if (!Files.isRegularFile(path)) {
          throw new IllegalArgumentException("--enroll " + spec.substring(0, eq) + ": expected an image file at " + path + ", found nothing");
        }
        images.add(path);
      }
      out.computeIfAbsent(spec.substring(0, eq), k -> new ArrayList<>()).addAll(images);
    }
    return out;
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }
}
