package org.facestream.match;

import java.util.Objects;
import org.facestream.metrics.LatencyHistogram;

import org.facestream.events.DeadLetters;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.facestream.metrics.MetricsRegistry;

/**
 * Counters of one matcher instance, for the CLI to print or export. Counters only grow; the gallery sizes
 * are gauges set by the gallery loader after every change. Thread-safe: stream threads and the global
 * thread update it concurrently ({@link LongAdder} keeps that cheap).
 *
 * <p>With a {@link MetricsRegistry}, dead letters and gallery skips are also counted there by reason
 * ({@code facestream_deadletter_total{reason}}, the series the worker counts into and the alert rules
 * read, and {@code facestream_matcher_gallery_skipped_total{reason}}).
 */
public final class MatcherMetrics {
  private final MetricsRegistry registry;
  private final LatencyHistogram matchLatency;
  private final LongAdder observations = new LongAdder();
  private final LongAdder matches = new LongAdder();
  private final LongAdder unknowns = new LongAdder();
  private final LongAdder trackedFaces = new LongAdder();
  private final ConcurrentMap<DeadLetters.Reason, LongAdder> deadLetters = new ConcurrentHashMap<>();
  private final LongAdder galleryUpserts = new LongAdder();
  private final LongAdder galleryErasures = new LongAdder();
  private final ConcurrentMap<DeadLetters.Reason, LongAdder> gallerySkipped = new ConcurrentHashMap<>();
  private final AtomicLong gallerySubjects = new AtomicLong();
  private final AtomicLong galleryTemplates = new AtomicLong();
  private final AtomicLong galleryAwaitingKey = new AtomicLong();
  private final LongAdder keyUpserts = new LongAdder();
  private final LongAdder keyDestructions = new LongAdder();

  /** Counters in a registry of their own (tests, tools). */
  public MatcherMetrics() {
    this(new MetricsRegistry());
  }

  /** Counters that also count dead letters and gallery skips into {@code registry}. */
  public MatcherMetrics(MetricsRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.matchLatency = registry.histogram("stage_latency_seconds", "Per-stage processing latency", MetricsRegistry.label("stage", "match"));
  }

  /** Search and decision time per observation ({@code stage_latency_seconds{stage="match"}}). */
  LatencyHistogram matchLatency() {
    return matchLatency;
  }

  /** Observation records read (readable or not). */
  public long observations() {
    return observations.sum();
  }

  /** Identity events naming an enrolled subject. */
  public long matches() {
    return matches.sum();
  }

  /** Identity events for faces no subject passed the threshold for. */
  public long unknowns() {
    return unknowns.sum();
  }

  /** Faces that joined a track without a decision being due (deciding per track): no event of their own. */
  public long trackedFaces() {
    return trackedFaces.sum();
  }

  /** Observations dead-lettered with {@code reason} (a {@link DeadLetters.Reason} code). */
  public long deadLetters(DeadLetters.Reason reason) {
    LongAdder a = deadLetters.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** All observations dead-lettered, over every reason. */
  public long deadLetters() {
    return deadLetters.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Gallery records decrypted into the index (subject added or replaced). */
  public long galleryUpserts() {
    return galleryUpserts.sum();
  }

  /** Subject data keys accepted (new or replacing). */
  public long keyUpserts() {
    return keyUpserts.sum();
  }

  /** Subject data keys destroyed (key tombstones: erasures). */
  public long keyDestructions() {
    return keyDestructions.sum();
  }

  /**
   * Subjects whose sealed record is in the store but not in the index because the data key it names has not
   * arrived: briefly during enrollment (the two topics are read in no particular order), for good when the
   * key never comes (a record written without its key, or a restored copy of a record whose key is gone).
   */
  public long galleryAwaitingKey() {
    return galleryAwaitingKey.get();
  }

  /** Gallery tombstones applied. */
  public long galleryErasures() {
    return galleryErasures.sum();
  }

  /** Gallery records skipped with {@code reason} (logged, not dead-lettered: see {@link MatcherTopology}). */
  public long gallerySkipped(DeadLetters.Reason reason) {
    LongAdder a = gallerySkipped.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** Subjects currently in the gallery index. */
  public long gallerySubjects() {
    return gallerySubjects.get();
  }

  /** Templates currently in the gallery index. */
  public long galleryTemplates() {
    return galleryTemplates.get();
  }

  /**
   * Every counter by a dotted name ({@code observations}, {@code dead-letters.model-pack-mismatch},
   * {@code gallery.skipped.deserialization-failed}, {@code gallery.subjects}, ...), sorted by name.
   */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    out.put("observations", observations());
    out.put("matches", matches());
    out.put("unknowns", unknowns());
    out.put("tracked-faces", trackedFaces());
    out.put("dead-letters", deadLetters());
    deadLetters.forEach((reason, a) -> out.put("dead-letters." + reason, a.sum()));
    out.put("gallery.upserts", galleryUpserts());
    out.put("gallery.erasures", galleryErasures());
    gallerySkipped.forEach((reason, a) -> out.put("gallery.skipped." + reason, a.sum()));
    out.put("gallery.subjects", gallerySubjects());
    out.put("gallery.templates", galleryTemplates());
    out.put("gallery.awaiting-key", galleryAwaitingKey());
    out.put("keys.upserts", keyUpserts());
    out.put("keys.destroyed", keyDestructions());
    return out;
  }

  void observation() {
    observations.increment();
  }

  void match() {
    matches.increment();
  }

  void unknown() {
    unknowns.increment();
  }

  void trackedFace() {
    trackedFaces.increment();
  }

  void deadLetter(DeadLetters.Reason reason) {
    deadLetters.computeIfAbsent(reason, r -> new LongAdder()).increment();
    registry.counter("deadletter_total", "Records sent to the dead-letter topic", MetricsRegistry.label("reason", reason.code())).increment();
  }

  void galleryUpsert() {
    galleryUpserts.increment();
  }

  void galleryErasure() {
    galleryErasures.increment();
  }

  void gallerySkip(DeadLetters.Reason reason) {
    gallerySkipped.computeIfAbsent(reason, r -> new LongAdder()).increment();
    registry.counter("matcher_gallery_skipped_total", "Gallery records the matcher refused (logged, subject erased)",
        MetricsRegistry.label("reason", reason.code())).increment();
  }

  void keyUpsert() {
    keyUpserts.increment();
  }

  void keyDestruction() {
    keyDestructions.increment();
  }

  void galleryAwaitingKey(int subjects) {
    galleryAwaitingKey.set(subjects);
  }

  void gallerySize(int subjects, int templates) {
    gallerySubjects.set(subjects);
    galleryTemplates.set(templates);
  }

  @Override
  public String toString() {
    return "MatcherMetrics" + snapshot();
  }
}
