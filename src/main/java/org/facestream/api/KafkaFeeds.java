package org.facestream.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.IdentityEvent;
import org.facestream.events.IdentityEventSerde;
import org.facestream.events.JsonSerde;
import org.facestream.events.ThresholdState;
import org.facestream.events.Topics;
import org.facestream.kafka.TopicTail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link TopicTail} thread that fills a {@link LiveFeed} from {@code facestream.identities.v1} (the last
 * events of each partition, then live), {@code facestream.faces.v1} (the last observations, then live),
 * {@code facestream.deadletter.v1} (from the beginning: counts over its retention) and, for an API whose
 * matcher runs elsewhere, {@code facestream.thresholds.v1} (from the beginning: every version still on the
 * compacted topic). Partitions are assigned, not subscribed: no consumer group, so any number of API
 * instances each see everything. read_committed, so aborted worker or matcher transactions never show.
 * Unreadable records are logged and skipped.
 */
public final class KafkaFeeds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaFeeds.class);
    private static final int FACES_LOOKBACK = 300;
    private final TopicTail tail;
    private final LiveFeed feed;
    private final ThresholdHistory thresholds;
    private final IdentityEventSerde identities = EventSerdes.identities();
    private final JsonSerde<FaceObservation> faces = EventSerdes.faces();
    private final JsonSerde<ThresholdState> thresholdStates = EventSerdes.thresholds();

    private KafkaFeeds(Map<String, Object> kafkaSettings, LiveFeed feed, ThresholdHistory thresholds) {
        this.feed = feed;
        this.thresholds = thresholds;
        Map<String, TopicTail.Start> topics = new LinkedHashMap<>();
        topics.put(Topics.IDENTITIES, TopicTail.Start.last(feed.events().capacity()));
        topics.put(Topics.FACES, TopicTail.Start.last(FACES_LOOKBACK));
        topics.put(Topics.DEADLETTER, TopicTail.Start.BEGINNING);
        topics.put(Topics.THRESHOLDS, TopicTail.Start.BEGINNING);
        this.tail = TopicTail.of(kafkaSettings, "facestream-api-feeds", topics);
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
        f.tail.start("api-feeds", batch -> batch.records().forEach(f::accept));
        return f;
    }

    /** True once partitions are assigned and positioned (records produced after this are seen). */
    public boolean assigned() {
        return tail.positioned();
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
                case Topics.DEADLETTER ->
                    feed.deadLetter(
                            DeadLetters.header(r.headers(), DeadLetters.HEADER_STAGE),
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
        tail.close();
    }
}
