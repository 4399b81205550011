package org.facestream.cli;

import org.facestream.audit.AuditLogs;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.InstanceIds;
import org.facestream.config.MasterKeySetup;
import org.facestream.kafka.KafkaReachability;
import org.facestream.match.MatcherService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.facestream.crypto.MasterKeys;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.enroll.CohortPhotos;
import org.facestream.match.threshold.CohortScorer;
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
    Map<String, String> o = new HashMap<>();
    if (stateDir != null) {
      o.put(FaceStreamConfig.STATE_DIR, stateDir.toString());
    }
    if (threshold != null) {
      o.put(FaceStreamConfig.MATCH_THRESHOLD, threshold.toString());
    }
    FaceStreamConfig cfg = common.resolve(o);
    MasterKeys keys = MasterKeySetup.require(cfg, "matcher");
    KafkaReachability.require(cfg.kafkaClientSettings(), Duration.ofSeconds(5));
    MetricsRegistry metrics = new MetricsRegistry();
    try (ShutdownSignal signal = new ShutdownSignal();
        var audit = AuditLogs.open(cfg, "matcher", metrics);
        var metricsServer = MetricsEndpoint.startIfConfigured(cfg, metrics);
        MatcherService matcher = MatcherService.fromConfig(cfg, keys, InstanceIds.ofThisHost(), () -> Optional.ofNullable(cohort(cfg)),
            metrics)) {
      matcher.start(Duration.ofMinutes(2));
      System.err.println("facestream matcher: running, threshold policy " + cfg.string(FaceStreamConfig.THRESHOLD_POLICY) + "; Ctrl-C stops");
      signal.await();
    }
    return 0;
  }

  /** Cohort templates from {@code matcher.cohort.dir} ({@link CohortPhotos}); null when unset. */
  static CohortScorer cohort(FaceStreamConfig cfg) {
    String dir = cfg.string(FaceStreamConfig.COHORT_DIR);
    if (dir.isBlank()) {
      return null;
    }
    CohortPhotos cohort;
    try (FaceAnalyzer analyzer = FaceAnalyzer.forPortraits(cfg, new MetricsRegistry())) {
      cohort = CohortPhotos.load(analyzer, Path.of(dir));
    } catch (IOException e) {
      throw new IllegalArgumentException("expected a readable cohort directory " + dir + ", found " + e.getMessage(), e);
    }
    if (cohort.byPerson().size() < 2) {
      throw new IllegalArgumentException("expected photos of at least 2 cohort people (one face each) in " + dir
          + ", found " + cohort.byPerson().size());
    }
    System.err.println("facestream matcher: cohort of " + cohort.byPerson().size() + " people (" + cohort.faces() + " faces) from " + dir
        + " (" + cohort.refused() + " photos refused)");
    return CohortScorer.ofIdentities(cohort.identities(), CohortScorer.DEFAULT_SCALE);
  }
}
