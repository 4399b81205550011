package org.facestream.match;

import org.facestream.events.DeadLetters;
import org.facestream.match.track.CameraTracks;
import org.facestream.match.track.Track;
import org.facestream.match.track.TrackAssociator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.facestream.events.DeadLetters;
import org.facestream.events.FaceObservation;
import org.facestream.events.JsonSerde;
import org.facestream.events.NonFiniteValueException;
import org.facestream.events.EventSerdes;
import org.facestream.events.Topics;
import org.facestream.events.TrackRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code match-observation} processor: reads observation bytes, so that bytes that do not deserialize
 * are dead-lettered here with their source topic, partition and offset rather than by a global handler;
 * then delegates to {@link ObservationMatcher} and forwards either an identity event or a dead letter.
 * One instance per task; not shared between threads.
 */
final class MatchProcessor implements Processor<byte[], byte[], Object, Object> {
  static final String STAGE = "matcher";
  private static final Logger LOG = LoggerFactory.getLogger(MatchProcessor.class);

  private final ObservationMatcher matcher;
  private final MatcherMetrics metrics;
  private final Clock clock;
  private final JsonSerde<FaceObservation> faces = EventSerdes.faces();
  private final AdaptiveThreshold adaptive;
  private final NullScoreReporting reporting;
  private final TrackAssociator associator;
  private ProcessorContext<Object, Object> context;
  private KeyValueStore<String, CameraTracks> tracks;

  MatchProcessor(ObservationMatcher matcher, MatcherMetrics metrics, Clock clock) {
    this(matcher, metrics, clock, null, null, null);
  }

  /**
   * @param adaptive an adaptive policy whose null-score window is sent to the aggregator every reporting
   *     interval, or null
   * @param trackConfig decide per track with these settings (store {@value MatcherTopology#TRACK_BY_CAMERA}),
   *     or null to decide every face
   */
  MatchProcessor(ObservationMatcher matcher, MatcherMetrics metrics, Clock clock, AdaptiveThreshold adaptive,
      NullScoreReporting reporting, TrackAssociator.Config trackConfig) {
    this.matcher = matcher;
    this.metrics = metrics;
    this.clock = clock;
    this.adaptive = adaptive;
    this.reporting = reporting;
    this.associator = trackConfig == null ? null : new TrackAssociator(trackConfig);
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    if (associator != null) {
      tracks = context.getStateStore(MatcherTopology.TRACK_BY_CAMERA);
    }
    if (adaptive != null) {
      // Wall-clock: the aggregator needs windows while cameras are quiet too (a window only ages by time).
      context.schedule(reporting.interval(), PunctuationType.WALL_CLOCK_TIME, now -> context.forward(
          new Record<>(reporting.instanceId(), adaptive.report(reporting.instanceId(), clock.instant()), now),
          MatcherTopology.NULL_SCORES_SINK));
    }
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
      deadLetter(record, badEmbedding ? DeadLetters.Reason.EMBEDDING_NOT_FINITE : DeadLetters.Reason.DESERIALIZATION_FAILED,
          e.getMessage());
      return;
    }
    ObservationMatcher.Outcome outcome;
    try {
      long t0 = System.nanoTime();
      outcome = associator == null ? matcher.match(observation, clock.instant()) : matchTrack(observation);
      metrics.matchLatency().recordMicros((System.nanoTime() - t0) / 1000.0);
    } catch (RuntimeException e) {
      // A bug (policy, event invariant), not bad data; dead-lettering keeps one face from stopping the camera.
      LOG.error("matching failed for observation {}", observation.observationId(), e);
      deadLetter(record, DeadLetters.Reason.MATCH_FAILED, e.toString());
      return;
    }
    if (outcome == null) {
      metrics.trackedFace();
      return; // the face joined a track whose evidence has not grown enough to decide it again
    }
    switch (outcome) {
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

  /**
   * Adds the face to its camera's tracks and, when its track is due a decision, decides the track's fused
   * embedding; returns null when no decision is due. Faces that cannot be compared are refused before they
   * touch a track, so a bad record never corrupts one.
   */
  private ObservationMatcher.Outcome matchTrack(FaceObservation observation) {
    ObservationMatcher.Outcome.Refused refused = matcher.check(observation);
    if (refused != null) {
      return refused;
    }
    CameraTracks state = tracks.get(observation.cameraId());
    TrackAssociator.Association a = associator.associate(state == null ? CameraTracks.EMPTY : state, observation);
    tracks.put(observation.cameraId(), a.next());
    if (!a.decide()) {
      return null;
    }
    Track t = a.track();
    ObservationMatcher.Outcome outcome = matcher.match(observation.withEmbedding(t.fused()), clock.instant(), a.decision() > 1);
    if (outcome instanceof ObservationMatcher.Outcome.Identified id) {
      return new ObservationMatcher.Outcome.Identified(id.event().withTrack(
          new TrackRef(t.trackId(), t.observations(), t.evidence(), t.firstSeen(), a.decision())));
    }
    return outcome;
  }

  private void deadLetter(Record<byte[], byte[]> record, DeadLetters.Reason reason, String detail) {
    metrics.deadLetter(reason);
    RecordMetadata m = context.recordMetadata().orElse(null);
    String topic = m == null ? Topics.FACES : m.topic();
    int partition = m == null ? -1 : m.partition();
    long offset = m == null ? -1 : m.offset();
    Headers headers = DeadLetters.record(STAGE, reason, detail, topic, partition, offset, record.key(), record.value())
        .headers();
    LOG.warn("dead-lettering {}-{}@{} (key {}): {}: {}", topic, partition, offset, keyText(record.key()), reason, detail);
    context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), MatcherTopology.DEADLETTER_SINK);
  }

  private static String keyText(byte[] key) {
    return key == null ? "null" : new String(key, StandardCharsets.UTF_8);
  }
}
