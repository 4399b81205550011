package org.facestream.cli;

import java.time.Instant;
import java.util.Map;
import org.facestream.api.AdminClusterProbe;
import org.facestream.api.ApiServer;
import org.facestream.api.ApiSettings;
import org.facestream.api.KafkaFeeds;
import org.facestream.api.KafkaGalleryView;
import org.facestream.api.KafkaGalleryWriter;
import org.facestream.api.LiveFeed;
import org.facestream.api.MatcherProbe;
import org.facestream.api.ThresholdHistory;
import org.facestream.api.ThresholdSource;
import org.facestream.match.AdaptiveThreshold;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.crypto.MasterKeys;
import org.facestream.embed.FaceAnalyzer;
import org.facestream.embed.WorkerConfig;
import org.facestream.enroll.Enroller;
import org.facestream.events.ThresholdRef;
import org.facestream.match.FixedThreshold;
import org.facestream.metrics.MetricsRegistry;

/**
 * The API server wired to Kafka: the gallery view and writer, the live feeds, the cluster probe, and an
 * enroller on the pack's portrait settings. Used by {@code facestream api} and {@code demo --port}.
 * Closing stops the server first, then its consumers and the analyzer.
 */
final class ApiRuntime implements AutoCloseable {
  private final FaceAnalyzer analyzer;
  private final KafkaGalleryView gallery;
  private final KafkaGalleryWriter writer;
  private final LiveFeed live;
  private final KafkaFeeds feeds;
  private final AdminClusterProbe probe;
  private final ApiServer server;

  private ApiRuntime(FaceStreamConfig cfg, MasterKeys keys, ApiSettings settings, MatcherProbe matcher, ThresholdSource thresholdSource) {
    Map<String, Object> kafka = cfg.kafkaClientSettings();
    analyzer = VisionSetup.openForPortraits(cfg);
    gallery = KafkaGalleryView.start(kafka, keys);
    writer = new KafkaGalleryWriter(kafka, keys, gallery);
    live = LiveFeed.defaults();
    // a matcher elsewhere deciding adaptively: its published versions, read from the thresholds topic
    ThresholdHistory published = thresholdSource == null && "adaptive-fpir".equals(cfg.string(FaceStreamConfig.THRESHOLD_POLICY))
        ? new ThresholdHistory(FpirPolicy.POLICY, FpirPolicy.defaults(FpirPolicy.POLICY, cfg.decimal(FaceStreamConfig.TARGET_FPIR)).initial(), Instant.now())
        : null;
    feeds = KafkaFeeds.start(kafka, live, published);
    probe = new AdminClusterProbe(kafka, WorkerConfig.GROUP_ID);
    Enroller enroller = new Enroller(analyzer);
    ThresholdSource threshold = thresholdSource != null ? thresholdSource
        : published != null ? published
        : ThresholdSource.fixed(new ThresholdRef(VisionSetup.threshold(cfg), 0, FixedThreshold.POLICY), Instant.now());
    server = ApiServer.start(settings, new ApiServer.Collaborators(
        gallery, writer, enroller::enroll, live, threshold, probe, matcher, MetricsRegistry.GLOBAL));
  }

  /** Starts the API on {@code settings} against the cluster of {@code cfg}, reading and writing the gallery with {@code keys}. */
  static ApiRuntime start(FaceStreamConfig cfg, MasterKeys keys, ApiSettings settings, MatcherProbe matcher) {
    return new ApiRuntime(cfg, keys, settings, matcher, null);
  }

  /** As above, with the threshold of a matcher in this process (the adaptive policy's published state). */
  static ApiRuntime start(FaceStreamConfig cfg, MasterKeys keys, ApiSettings settings, MatcherService matcher) {
    ThresholdSource source = null;
    if (matcher.adaptive() != null) {
      AdaptiveThreshold policy = matcher.adaptive();
      ThresholdHistory history = new ThresholdHistory(policy.policy().policyId(), policy.policy().initial(), Instant.now());
      history.record(policy.current());
      policy.onApplied(history::record);
      source = history;
    }
    return new ApiRuntime(cfg, keys, settings, probeOf(matcher), source);
  }

  /** A probe of a matcher running in this process. */
  static MatcherProbe probeOf(MatcherService matcher) {
    return new MatcherProbe() {
      @Override
      public java.util.Optional<String> state() {
        return java.util.Optional.of(matcher.state().name());
      }

      @Override
      public boolean holds(String subjectId) {
        return matcher.holds(subjectId);
      }
    };
  }

  int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
    feeds.close();
    live.close();
    gallery.close();
    writer.close();
    probe.close();
    analyzer.close();
  }
}
