package org.facestream.cli;

import org.facestream.audit.AuditLogs;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.InstanceIds;
import org.facestream.config.MasterKeySetup;
import org.facestream.kafka.KafkaReachability;
import org.facestream.match.MatcherService;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.facestream.crypto.MasterKeys;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.enroll.Enroller;
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

  /** Cohort templates from {@code matcher.cohort.dir}: every photo with exactly one face; null when unset. */
  static CohortScorer cohort(FaceStreamConfig cfg) {
    String dir = cfg.string(FaceStreamConfig.COHORT_DIR);
    if (dir.isBlank()) {
      return null;
    }
    Path root = Path.of(dir);
    // a photo directly in the directory is one person; the photos of a sub-folder are one person's templates,
    // scored by their best as a gallery subject's are (the quantile level counts templates too)
    java.util.Map<String, List<float[]>> byIdentity = new java.util.TreeMap<>();
    int refused = 0;
    try (FaceAnalyzer analyzer = FaceAnalyzer.forPortraits(cfg, new MetricsRegistry()); Stream<Path> files = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
      Enroller enroller = new Enroller(analyzer, new MetricsRegistry());
      for (Path p : files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)")).sorted().toList()) {
        Path rel = root.relativize(p);
        String identity = rel.getNameCount() > 1 ? rel.getName(0).toString() : rel.toString();
        try {
          byIdentity.computeIfAbsent(identity, k -> new ArrayList<>()).add(enroller.template(p.toString(), Files.readAllBytes(p)).embedding());
        } catch (Enroller.EnrollmentException e) {
          refused++;
        }
      }
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("expected a readable cohort directory " + dir + ", found " + e.getMessage(), e);
    }
    List<float[][]> identities = byIdentity.values().stream().map(l -> l.toArray(float[][]::new)).toList();
    if (identities.size() < 2) {
      throw new IllegalArgumentException("expected photos of at least 2 cohort people (one face each) in " + dir
          + ", found " + identities.size());
    }
    System.err.println("facestream matcher: cohort of " + identities.size() + " people ("
        + identities.stream().mapToInt(t -> t.length).sum() + " faces) from " + dir + " (" + refused + " photos refused)");
    return CohortScorer.ofIdentities(identities, CohortScorer.DEFAULT_SCALE);
  }

}
