package org.facestream.match;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.facestream.crypto.MasterKeys;
import org.facestream.gallery.GalleryIndex;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the matcher topology as the Kafka Streams application {@code facestream-matcher}: exactly-once v2,
 * RocksDB state in a directory, metrics exported to the {@link MetricsRegistry}. With the adaptive policy it
 * also runs the threshold aggregator ({@code facestream-thresholds}); its input topic has one partition, so
 * one aggregator is active however many matchers run. Thread-safe start/close.
 */
public final class MatcherService implements AutoCloseable {
  public static final String APPLICATION_ID = "facestream-matcher";
  public static final String AGGREGATOR_ID = "facestream-thresholds";
  private static final Logger LOG = LoggerFactory.getLogger(MatcherService.class);

  private final KafkaStreams streams;
  private final KafkaStreams aggregator;
  private final MatcherMetrics metrics;
  private final GalleryIndex index;
  private final AdaptiveThreshold adaptive;

  /** The matcher deciding with {@code policy} (the fixed threshold). */
  public MatcherService(MatcherConfig cfg, MasterKeys keys, ThresholdPolicy policy, Map<String, Object> kafkaSettings, Path stateDir, String instanceId,
      MetricsRegistry registry) {
    this(cfg, keys, null, null, policy, kafkaSettings, stateDir, instanceId, registry);
  }

  /** The matcher with the adaptive FPIR policy built for its gallery index, plus the aggregator. */
  public static MatcherService adaptive(MatcherConfig cfg, MasterKeys keys, Function<GalleryIndex, AdaptiveThreshold> policyFor, Duration reportEvery,
      Map<String, Object> kafkaSettings, Path stateDir, String instanceId, MetricsRegistry registry) {
    return new MatcherService(cfg, keys, policyFor, reportEvery, null, kafkaSettings, stateDir, instanceId, registry);
  }

  private MatcherService(MatcherConfig cfg, MasterKeys keys, Function<GalleryIndex, AdaptiveThreshold> adaptiveFor, Duration reportEvery,
      ThresholdPolicy fixed, Map<String, Object> kafkaSettings, Path stateDir, String instanceId, MetricsRegistry registry) {
    metrics = new MatcherMetrics(registry);
    index = MatcherTopology.newIndex(cfg);
    Topology topology;
    if (adaptiveFor != null) {
      adaptive = adaptiveFor.apply(index);
      topology = MatcherTopology.build(cfg, keys, adaptive, new NullScoreReporting(instanceId, reportEvery), metrics, index, Clock.systemUTC());
      ThresholdMetrics aggregated = new ThresholdMetrics();
      Topology aggregate = ThresholdAggregatorTopology.build(new ThresholdAggregatorTopology.Config(adaptive.policy(), reportEvery.multipliedBy(10)),
          aggregated);
      registry.gauge("threshold_audit_records", "Audit records the threshold aggregator of this process wrote (chain starts, one per version)", "",
          aggregated::auditRecords);
      aggregator = new KafkaStreams(aggregate, properties(AGGREGATOR_ID, kafkaSettings, stateDir.resolve("aggregator"), instanceId));
      registry.gauge("matcher_threshold_cosine", "Decision threshold in force (cosine)", "",
          () -> adaptive.current() == null ? adaptive.policy().initial() : adaptive.current().value());
      registry.gauge("matcher_threshold_version", "Version of the threshold in force", "",
          () -> adaptive.current() == null ? 0 : adaptive.current().version());
      registry.gauge("matcher_threshold_large_moves", "Threshold moves larger than the policy's alert step", "", adaptive::largeMoves);
    } else {
      adaptive = null;
      aggregator = null;
      topology = MatcherTopology.build(cfg, keys, fixed, metrics, index, Clock.systemUTC());
    }
    streams = new KafkaStreams(topology, properties(APPLICATION_ID, kafkaSettings, stateDir, instanceId));
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("matcher stream thread failed; replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    registry.gauge("matcher_gallery_subjects", "Subjects in the matcher's gallery index", "", metrics::gallerySubjects);
    registry.gauge("matcher_gallery_templates", "Templates in the matcher's gallery index", "", metrics::galleryTemplates);
    registry.gauge("matcher_gallery_awaiting_key", "Subjects whose sealed gallery record waits for its data key", "", metrics::galleryAwaitingKey);
    registry.gauge("matcher_keys_destroyed", "Subject data keys destroyed by erasure", "", metrics::keyDestructions);
    registry.gauge("matcher_observations", "Observations the matcher decided", "", metrics::observations);
    registry.gauge("matcher_matches", "Observations matched to an enrolled subject", "", metrics::matches);
    registry.gauge("matcher_unknowns", "Observations decided unknown", "", metrics::unknowns);
    registry.gauge("matcher_tracked_faces", "Faces that joined a track with no decision due (matcher.tracks)", "", metrics::trackedFaces);
    registry.gauge("matcher_deadletters", "Observations the matcher dead-lettered", "", metrics::deadLetters);
  }

  private static Properties properties(String applicationId, Map<String, Object> kafkaSettings, Path stateDir, String instanceId) {
    Properties p = new Properties();
    p.putAll(kafkaSettings);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId + "-" + instanceId);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    // one broker in the demo and tests; a production cluster overrides this with kafka.replication.factor
    p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    // identity events are a live feed: commit (and make them visible) often
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    try {
      Files.createDirectories(stateDir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create state directory " + stateDir + ": " + e.getMessage(), e);
    }
    return p;
  }

  public MatcherMetrics metrics() {
    return metrics;
  }

  /** The adaptive policy, or null with a fixed threshold. */
  public AdaptiveThreshold adaptive() {
    return adaptive;
  }

  /** Starts the application(s) and waits until the matcher is RUNNING (gallery restored) or fails. */
  public void start(Duration timeout) throws InterruptedException {
    try {
      if (aggregator != null) {
        aggregator.start();
      }
      streams.start();
    } catch (StreamsException e) {
      // e.g. the global thread's first fetch refused (credentials): name the cause in one line
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new IllegalStateException("matcher failed to start: " + root.getClass().getSimpleName() + ": " + root.getMessage(), e);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
        throw new IllegalStateException("matcher failed to start: state " + streams.state());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("matcher not running after " + timeout.toSeconds() + " s (state " + streams.state() + ")");
      }
      Thread.sleep(50);
    }
  }

  /** True while this instance's gallery index holds {@code subjectId} (erasure waits for false). */
  public boolean holds(String subjectId) {
    return index.contains(subjectId);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    if (aggregator != null) {
      aggregator.close(Duration.ofSeconds(30));
    }
  }
}
