package org.facestream.match;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.facestream.events.DeadLetters;
import org.facestream.events.EventSerdes;
import org.facestream.events.FaceObservation;
import org.facestream.events.JsonSerde;
import org.facestream.events.NonFiniteValueException;
import org.facestream.events.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code match-observation} processor: reads observation bytes, so that bytes that do not deserialize
 * are dead-lettered here with their source topic, partition and offset rather than by a global handler;
 * then lets its {@link FaceDecider} decide (per face or per track, both by {@link ObservationMatcher}) and
 * forwards either an identity event or a dead letter.
 * One instance per task; not shared between threads.
 */
final class MatchProcessor implements Processor<byte[], byte[], Object, Object> {
    static final String STAGE = "matcher";
    private static final Logger LOG = LoggerFactory.getLogger(MatchProcessor.class);

    private final MatcherMetrics metrics;
    private final FaceDecider decider;
    private final NullScoreReporter reporter;
    private final JsonSerde<FaceObservation> faces = EventSerdes.faces();
    private ProcessorContext<Object, Object> context;

    /**
     * @param decider decides each readable face (per face, or per track)
     * @param reporter what to schedule on start ({@link NullScoreReporter#NONE} with a fixed threshold)
     */
    MatchProcessor(MatcherMetrics metrics, FaceDecider decider, NullScoreReporter reporter) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        decider.init(context);
        reporter.schedule(context);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.observation();
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(Topics.FACES);
        FaceObservation observation;
        try {
            if (record.value() == null) {
                throw new SerializationException("expected a FaceObservation on " + topic + ", found a null value");
            }
            observation = faces.deserialize(topic, record.value());
        } catch (SerializationException e) {
            NonFiniteValueException nonFinite = NonFiniteValueException.in(e);
            boolean badEmbedding = nonFinite != null && nonFinite.field().equals("embedding");
            deadLetter(
                    record,
                    badEmbedding ? DeadLetters.Reason.EMBEDDING_NOT_FINITE : DeadLetters.Reason.DESERIALIZATION_FAILED,
                    e.getMessage());
            return;
        }
        Optional<ObservationMatcher.Outcome> decided;
        try {
            long t0 = System.nanoTime();
            decided = decider.decide(observation);
            metrics.matchLatency().recordMicros((System.nanoTime() - t0) / 1000.0);
        } catch (RuntimeException e) {
            // A bug (policy, event invariant), not bad data; dead-lettering keeps one face from stopping the camera.
            LOG.error("matching failed for observation {}", observation.observationId(), e);
            deadLetter(record, DeadLetters.Reason.MATCH_FAILED, e.toString());
            return;
        }
        if (decided.isEmpty()) {
            metrics.trackedFace();
            return; // the face joined a track whose evidence has not grown enough to decide it again
        }
        switch (decided.get()) {
            case ObservationMatcher.Outcome.Identified id -> {
                if (id.event().isMatch()) {
                    metrics.match();
                } else {
                    metrics.unknown();
                }
                context.forward(
                        new Record<>(observation.cameraId(), id.event(), record.timestamp(), record.headers()),
                        MatcherTopology.IDENTITIES_SINK);
            }
            case ObservationMatcher.Outcome.Refused refused -> deadLetter(record, refused.reason(), refused.detail());
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetters.Reason reason, String detail) {
        metrics.deadLetter(reason);
        RecordMetadata m = context.recordMetadata().orElse(null);
        String topic = m == null ? Topics.FACES : m.topic();
        int partition = m == null ? -1 : m.partition();
        long offset = m == null ? -1 : m.offset();
        Headers headers = DeadLetters.record(
                        STAGE, reason, detail, topic, partition, offset, record.key(), record.value())
                .headers();
        LOG.warn(
                "dead-lettering {}-{}@{} (key {}): {}: {}",
                topic,
                partition,
                offset,
                keyText(record.key()),
                reason,
                detail);
        context.forward(
                new Record<>(record.key(), record.value(), record.timestamp(), headers),
                MatcherTopology.DEADLETTER_SINK);
    }

    private static String keyText(byte[] key) {
        return key == null ? "null" : new String(key, StandardCharsets.UTF_8);
    }
}
