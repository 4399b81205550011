package org.facestream.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.facestream.gallery.GalleryIndex;
import org.facestream.match.MatcherConfig;
import org.facestream.match.MatcherMetrics;
import org.facestream.match.MatcherTopology;
import org.facestream.match.ThresholdPolicy;
import org.facestream.metrics.MetricsRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the matcher topology as the Kafka Streams application {@code facestream-matcher}: exactly-once v2,
 * RocksDB state in a directory, metrics exported to the {@link MetricsRegistry}. Thread-safe start/close.
 */
final class MatcherService implements AutoCloseable {
  static final String APPLICATION_ID = "facestream-matcher";
  private static final Logger LOG = LoggerFactory.getLogger(MatcherService.class);

  private final KafkaStreams streams;
  private final MatcherMetrics metrics = new MatcherMetrics();
  private final GalleryIndex index;

  MatcherService(MatcherConfig cfg, ThresholdPolicy policy, Map<String, Object> kafkaSettings, Path stateDir, String instanceId, MetricsRegistry registry) {
    index = MatcherTopology.newIndex(cfg);
    Topology topology = MatcherTopology.build(cfg, policy, metrics, index, Clock.systemUTC());
    Properties p = new Properties();
    p.putAll(kafkaSettings);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    p.put(StreamsConfig.CLIENT_ID_CONFIG, APPLICATION_ID + "-" + instanceId);
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
    // one broker in the demo and tests; a production cluster overrides this with kafka.replication.factor
    p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    // identity events are a live feed: commit (and make them visible) often
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    try {
      Files.createDirectories(stateDir);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create matcher state directory " + stateDir + ": " + e.getMessage(), e);
    }
    streams = new KafkaStreams(topology, p);
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("matcher stream thread failed; replacing it", e);
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    registry.gauge("matcher_gallery_subjects", "Subjects in the matcher's gallery index", "", metrics::gallerySubjects);
    registry.gauge("matcher_gallery_templates", "Templates in the matcher's gallery index", "", metrics::galleryTemplates);
    registry.gauge("matcher_observations", "Observations the matcher decided", "", metrics::observations);
    registry.gauge("matcher_matches", "Observations matched to an enrolled subject", "", metrics::matches);
    registry.gauge("matcher_unknowns", "Observations decided unknown", "", metrics::unknowns);
    registry.gauge("matcher_deadletters", "Observations the matcher dead-lettered", "", metrics::deadLetters);
  }

  MatcherMetrics metrics() {
    return metrics;
  }

  /** Starts the application and waits until it is RUNNING (gallery restored) or fails. */
  void start(Duration timeout) throws InterruptedException {
    streams.start();
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
  boolean holds(String subjectId) {
    return index.contains(subjectId);
  }

  KafkaStreams.State state() {
    return streams.state();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
