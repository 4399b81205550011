package org.facestream.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.facestream.events.DeadLetters;
import org.facestream.events.FaceObservation;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.JsonSerde;
import org.facestream.events.EventSerdes;
import org.facestream.events.Topics;
import org.facestream.match.ThresholdAggregatorTopology;
import org.facestream.events.ThresholdState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread that fills a {@link LiveFeed} from {@code facestream.identities.v1} (the last events of
 * each partition, then live), {@code facestream.faces.v1} (the last observations, then live) and
 * {@code facestream.deadletter.v1} (from the beginning: counts over its retention). Partitions are assigned,
 * not subscribed: no consumer group, so any number of API instances each see everything. read_committed,
 * so aborted worker or matcher transactions never show. Unreadable records are logged and skipped.
 */
public final class KafkaFeeds implements Runnable, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaFeeds.class);
  private static final int FACES_LOOKBACK = 300;
  private final KafkaConsumer<String, byte[]> consumer;
  private final LiveFeed feed;
  private final IdentityEventSerde identities = EventSerdes.identities();
  private final JsonSerde<FaceObservation> faces = EventSerdes.faces();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private volatile boolean assigned;
  private final ThresholdHistory thresholds;
  private final JsonSerde<ThresholdState> thresholdStates = EventSerdes.thresholds();

  private KafkaFeeds(Map<String, Object> kafkaSettings, LiveFeed feed, ThresholdHistory thresholds) {
    this.thresholds = thresholds;
    Map<String, Object> m = new HashMap<>(kafkaSettings);
    m.remove(ConsumerConfig.GROUP_ID_CONFIG);
    m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    m.put(ConsumerConfig.CLIENT_ID_CONFIG, "facestream-api-feeds");
    this.consumer = new KafkaConsumer<>(m, new StringDeserializer(), new ByteArrayDeserializer());
    this.feed = feed;
    this.thread = Thread.ofPlatform().daemon().name("api-feeds").unstarted(this);
  }

  /** Starts feeding {@code feed}. */
  public static KafkaFeeds start(Map<String, Object> kafkaSettings, LiveFeed feed) {
    return start(kafkaSettings, feed, null);
  }

  /**
   * Starts feeding {@code feed}, and {@code thresholds} with every adaptive threshold version still on
   * {@code facestream.thresholds.v1} and each new one (for an API whose matcher runs in another process).
   */
  public static KafkaFeeds start(Map<String, Object> kafkaSettings, LiveFeed feed, ThresholdHistory thresholds) {
    KafkaFeeds f = new KafkaFeeds(kafkaSettings, feed, thresholds);
    f.thread.start();
    return f;
  }

  /** True once partitions are assigned and positioned (records produced after this are seen). */
  public boolean assigned() {
    return assigned;
  }

  @Override
  public void run() {
    try {
      List<TopicPartition> identityTps = partitions(Topics.IDENTITIES);
      List<TopicPartition> faceTps = partitions(Topics.FACES);
      List<TopicPartition> deadTps = partitions(Topics.DEADLETTER);
      List<TopicPartition> thresholdTps = partitions(Topics.THRESHOLDS);
      List<TopicPartition> all = new ArrayList<>(identityTps);
      all.addAll(faceTps);
      all.addAll(deadTps);
      all.addAll(thresholdTps);
      consumer.assign(all);
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(all, Duration.ofSeconds(30));
      Map<TopicPartition, Long> ends = consumer.endOffsets(all, Duration.ofSeconds(30));
      int eventLookback = feed.events().capacity();
      for (TopicPartition tp : identityTps) {
        consumer.seek(tp, Math.max(begins.get(tp), ends.get(tp) - eventLookback));
      }
      for (TopicPartition tp : faceTps) {
        consumer.seek(tp, Math.max(begins.get(tp), ends.get(tp) - FACES_LOOKBACK));
      }
      consumer.seekToBeginning(deadTps);
      consumer.seekToBeginning(thresholdTps); // every version still on the (compacted) topic
      for (TopicPartition tp : all) {
        consumer.position(tp); // resolve lazily-evaluated seeks now, so assigned() means positioned
      }
      assigned = true;
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          accept(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (running.get()) {
        LOG.error("live feeds stopped reading", e);
      }
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private List<TopicPartition> partitions(String topic) {
    return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  private void accept(ConsumerRecord<String, byte[]> r) {
    try {
      switch (r.topic()) {
        case Topics.IDENTITIES -> {
          IdentityEvent e = identities.deserialize(r.topic(), r.value());
          if (e != null) {
            feed.accept(e);
          }
        }
        case Topics.FACES -> {
          FaceObservation o = faces.deserialize(r.topic(), r.value());
          if (o != null) {
            feed.accept(o);
          }
        }
        case Topics.THRESHOLDS -> {
          if (thresholds != null && r.value() != null) {
            thresholds.record(thresholdStates.deserialize(r.topic(), r.value()));
          }
        }
        case Topics.DEADLETTER -> feed.deadLetter(DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE),
            DeadLetters.header(r.headers(), DeadLetters.HEADER_REASON));
        default -> LOG.warn("unexpected record from {}", r.topic());
      }
    } catch (SerializationException | IllegalArgumentException e) {
      // the matcher dead-letters unreadable observations; here they are only left out of the feed
      LOG.debug("record at {}-{}@{} does not read: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
