package org.facestream.api;

import java.util.Optional;
import org.facestream.audit.AuditLogs;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionSetup;
import org.facestream.match.MatcherService;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.facestream.config.ApiSettings;
import org.facestream.audit.AuditLog;
import org.facestream.crypto.MasterKeys;
import org.facestream.vision.FaceAnalyzer;
import org.facestream.config.WorkerConfig;
import org.facestream.enroll.Enroller;
import org.facestream.events.AuditEntry;
import org.facestream.events.AuditRecord;
import org.facestream.events.ThresholdRef;
import org.facestream.match.AdaptiveThreshold;
import org.facestream.match.FixedThreshold;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.metrics.MetricsRegistry;

/**
 * The API server wired to Kafka: the gallery view, the audited and encrypting gallery writer, the live feeds,
 * the cluster probe, an enroller on the pack's portrait settings, and the API keys. Used by {@code facestream api} and
 * {@code demo --port}. The audit log belongs to the caller. Closing stops the server first, then its
 * consumers and the analyzer.
 */
public final class ApiRuntime implements AutoCloseable {
  /** Id of the demo's ephemeral admin key. */
  public static final String EPHEMERAL_KEY_ID = "demo-admin";
  private static final Duration KEY_FILE_CHECK = Duration.ofSeconds(5);

  private final FaceAnalyzer analyzer;
  private final KafkaGalleryView gallery;
  private final LiveFeed live;
  private final KafkaFeeds feeds;
  private final AdminClusterProbe probe;
  private final ApiKeyFile keyFile;
  private final ApiServer server;

  private ApiRuntime(FaceStreamConfig cfg, MasterKeys masterKeys, ApiSettings settings, MatcherProbe matcher, ThresholdSource thresholdSource,
      AuditLog audit, Credentials credentials, ApiKeyFile keyFile, MetricsRegistry metrics) {
    Map<String, Object> kafka = cfg.kafkaClientSettings();
    this.keyFile = keyFile;
    analyzer = FaceAnalyzer.forPortraits(cfg, metrics);
    gallery = KafkaGalleryView.start(kafka, masterKeys);
    live = LiveFeed.defaults();
    // a matcher elsewhere deciding adaptively: its published versions, read from the thresholds topic
    ThresholdHistory published = thresholdSource == null && "adaptive-fpir".equals(cfg.string(FaceStreamConfig.THRESHOLD_POLICY))
        ? new ThresholdHistory(FpirPolicy.POLICY, FpirPolicy.defaults(FpirPolicy.POLICY, cfg.decimal(FaceStreamConfig.TARGET_FPIR)).initial(), Instant.now())
        : null;
    feeds = KafkaFeeds.start(kafka, live, published);
    probe = new AdminClusterProbe(kafka, WorkerConfig.GROUP_ID);
    Enroller enroller = new Enroller(analyzer, metrics);
    ThresholdSource threshold = thresholdSource != null ? thresholdSource
        : published != null ? published
        : ThresholdSource.fixed(new ThresholdRef(VisionSetup.threshold(cfg), 0, FixedThreshold.POLICY), Instant.now());
    server = ApiServer.start(settings, new ApiServer.Collaborators(
        gallery, new KafkaGalleryWriter(audit, masterKeys, gallery), enroller::everyTemplate, live, threshold, probe, matcher, metrics, credentials));
  }

  /**
   * Starts the API on {@code settings} against the cluster of {@code cfg}, reading and writing the gallery with
   * {@code masterKeys}, with the keys of {@code api.keys.file}.
   */
  public static ApiRuntime start(FaceStreamConfig cfg, MasterKeys masterKeys, ApiSettings settings, MatcherProbe matcher, AuditLog audit,
      MetricsRegistry metrics) {
    ApiKeyFile keys = keyFile(cfg, audit);
    if (keys == null) {
      throw new IllegalArgumentException("expected " + FaceStreamConfig.API_KEYS_FILE + " (the API needs keys), found none; mint one with "
          + "'facestream api-key create --role admin --id admin-1 --file api-keys.txt' and pass -D " + FaceStreamConfig.API_KEYS_FILE
          + "=api-keys.txt (or --keys api-keys.txt)");
    }
    return create(cfg, masterKeys, settings, matcher, null, audit, keys, keys, metrics);
  }

  /**
   * As above, with the threshold of a matcher in this process (the adaptive policy's published versions); without
   * a key file, an ephemeral admin key is minted, audited and printed to {@code err}, so the demo is never open.
   */
  public static ApiRuntime start(FaceStreamConfig cfg, MasterKeys masterKeys, ApiSettings settings, MatcherService matcher, AuditLog audit,
      PrintStream err, MetricsRegistry metrics) {
    ThresholdSource source = null;
    if (matcher.adaptive() != null) {
      AdaptiveThreshold policy = matcher.adaptive();
      ThresholdHistory history = new ThresholdHistory(policy.policy().policyId(), policy.policy().initial(), Instant.now());
      history.record(policy.current());
      policy.onApplied(history::record);
      source = history;
    }
    ApiKeyFile keys = keyFile(cfg, audit);
    Credentials credentials = keys;
    if (keys == null) {
      String secret = ApiKeys.mint();
      credentials = ApiKeys.single(EPHEMERAL_KEY_ID, Role.ADMIN, secret);
      audit.append(AuditEntry.of(AuditLogs.processActor(audit.writer()), AuditRecord.API_KEYS_LOADED, null, Map.of("source", "ephemeral", "keys", EPHEMERAL_KEY_ID + ":" + Role.ADMIN.label())));
      err.println("facestream demo: no " + FaceStreamConfig.API_KEYS_FILE + ", so this run has one ephemeral admin key (id "
          + EPHEMERAL_KEY_ID + "); the dashboard asks for it:");
      err.println("  " + secret);
      err.flush();
    }
    return create(cfg, masterKeys, settings, probeOf(matcher), source, audit, credentials, keys, metrics);
  }

  private static ApiRuntime create(FaceStreamConfig cfg, MasterKeys masterKeys, ApiSettings settings, MatcherProbe matcher, ThresholdSource source,
      AuditLog audit, Credentials credentials, ApiKeyFile keys, MetricsRegistry metrics) {
    try {
      return new ApiRuntime(cfg, masterKeys, settings, matcher, source, audit, credentials, keys, metrics);
    } catch (RuntimeException e) {
      if (keys != null) {
        keys.close();
      }
      throw e;
    }
  }

  private static ApiKeyFile keyFile(FaceStreamConfig cfg, AuditLog audit) {
    String file = cfg.string(FaceStreamConfig.API_KEYS_FILE);
    if (file.isBlank()) {
      return null;
    }
    return ApiKeyFile.load(Path.of(file), audit, AuditLogs.processActor(audit.writer())).watchEvery(KEY_FILE_CHECK);
  }

  /** A probe of a matcher running in this process. */
  public static MatcherProbe probeOf(MatcherService matcher) {
    return new MatcherProbe() {
      @Override
      public Optional<String> state() {
        return Optional.of(matcher.state().name());
      }

      @Override
      public boolean holds(String subjectId) {
        return matcher.holds(subjectId);
      }
    };
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    if (keyFile != null) {
      keyFile.close();
    }
    feeds.close();
    live.close();
    gallery.close();
    probe.close();
    analyzer.close();
  }
}
