package org.facestream.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.facestream.match.FixedThreshold;
import org.facestream.match.MatcherConfig;
import org.facestream.metrics.MetricsRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code facestream matcher}: the Kafka Streams matcher (application id {@code facestream-matcher}). */
@Command(name = "matcher", description = "Match face observations against the gallery (Kafka Streams, RocksDB, exactly once).")
final class MatcherCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--state-dir", paramLabel = "DIR", description = "RocksDB state directory (key matcher.state.dir).")
  Path stateDir;

  @Option(names = "--threshold", paramLabel = "COSINE", description = "Fixed decision threshold (key matcher.threshold; default: the pack's).")
  Double threshold;

  @Override
  public Integer call() throws Exception {
    java.util.Map<String, String> o = new java.util.HashMap<>();
    if (stateDir != null) {
      o.put(FaceStreamConfig.STATE_DIR, stateDir.toString());
    }
    if (threshold != null) {
      o.put(FaceStreamConfig.MATCH_THRESHOLD, threshold.toString());
    }
    FaceStreamConfig cfg = common.resolve(o);
    KafkaReachability.require(cfg.string(FaceStreamConfig.BOOTSTRAP), Duration.ofSeconds(5));
    try (ShutdownSignal signal = new ShutdownSignal();
        var metricsServer = MetricsEndpoint.startIfConfigured(cfg);
        MatcherService matcher = service(cfg, WorkerCommand.hostName(), MetricsRegistry.GLOBAL)) {
      matcher.start(Duration.ofMinutes(2));
      System.err.println("facestream matcher: running with threshold " + VisionSetup.threshold(cfg) + "; Ctrl-C stops");
      signal.await();
    }
    return 0;
  }

  /** The matcher service configured from keys: pack, threshold, top-k, state directory. */
  static MatcherService service(FaceStreamConfig cfg, String instanceId, MetricsRegistry registry) {
    var pack = VisionSetup.pack(cfg);
    double threshold = VisionSetup.threshold(cfg);
    MatcherConfig mc = new MatcherConfig(threshold, cfg.integer(FaceStreamConfig.MATCH_TOP_K), pack.id(), pack.embeddingDimension(), false);
    String dir = cfg.string(FaceStreamConfig.STATE_DIR);
    Path state = dir.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "facestream-matcher-state") : Path.of(dir);
    registry.gauge("matcher_threshold_cosine", "Decision threshold in force (cosine)", "", () -> threshold);
    return new MatcherService(mc, new FixedThreshold(threshold), cfg.kafkaClientSettings(), state, instanceId, registry);
  }
}
