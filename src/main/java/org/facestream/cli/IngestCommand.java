package org.facestream.cli;

import org.facestream.metrics.MetricsRegistry;
import org.facestream.audit.AuditLogs;
import org.facestream.config.FaceStreamConfig;
import org.facestream.ingest.IngestMetrics;
import org.facestream.kafka.KafkaReachability;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.facestream.ingest.CameraIngest;
import org.facestream.config.IngestSettings;
import org.facestream.ingest.IngestSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facestream ingest}: one camera (file, folder or RTSP) into {@code facestream.frames.v1}. */
@Command(name = "ingest", description = "Decode a video file, image folder or RTSP camera, sample it and produce JPEG frames.")
final class IngestCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--camera", required = true, paramLabel = "ID", description = "Camera id (the record key).")
  String camera;

  @Option(names = "--source", required = true, paramLabel = "FILE|DIR|rtsp://...", description = "Video file, image folder or RTSP URL.")
  String source;

  @Option(names = "--fps", paramLabel = "N", description = "Frames per second to sample (key ingest.fps; 0 = every frame).")
  Double fps;

  @Option(names = "--loop", description = "Replay a file from the start when it ends.")
  boolean loop;

  @Option(names = "--realtime", description = "Pace a file at media speed and keep only the newest frames when behind, like a live camera.")
  boolean realtime;

  @Override
  public Integer call() throws Exception {
    FaceStreamConfig cfg = common.resolve(fps == null ? Map.of() : Map.of(FaceStreamConfig.INGEST_FPS, fps.toString()));
    KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
    IngestSettings settings = settings(cfg, camera).withLoop(loop).withRealtime(realtime);
    MetricsRegistry metrics = new MetricsRegistry();
    try (ShutdownSignal signal = new ShutdownSignal();
        var audit = AuditLogs.open(cfg, "ingest", metrics);
        var metricsServer = MetricsEndpoint.startIfConfigured(cfg, metrics);
        CameraIngest ingest = CameraIngest.open(source, cfg.kafkaClientSettings(), cfg.string(FaceStreamConfig.BOOTSTRAP), settings)) {
      IngestMetrics.register(metrics, camera, ingest);
      Thread stopper = Thread.ofVirtual().start(() -> {
        try {
          signal.await();
          ingest.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      IngestSummary summary = ingest.run();
      stopper.interrupt();
      System.err.println("facestream ingest: " + summary);
    }
    return 0;
  }

  /** Ingest settings for a camera from the configuration keys. */
  static IngestSettings settings(FaceStreamConfig cfg, String camera) {
    return IngestSettings.defaults(camera)
        .withFps(cfg.decimal(FaceStreamConfig.INGEST_FPS))
        .withJpegQuality(cfg.integer(FaceStreamConfig.INGEST_JPEG_QUALITY))
        .withMaxSide(cfg.integer(FaceStreamConfig.INGEST_MAX_SIDE));
  }
}
