package org.facestream.match;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.facestream.events.GalleryRecord;
import org.facestream.gallery.GalleryIndex;
import org.facestream.gallery.GalleryStoreNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gallery-loader} global processor: applies gallery records to the {@code templates-by-subject}
 * store and to the shared {@link GalleryIndex}. Runs on the global thread only.
 *
 * <p>A record that cannot be used (unreadable bytes, another model pack, another dimension, a subject id
 * that differs from the key) still supersedes the subject's earlier record on the compacted topic, so the
 * subject is erased here too: what the matcher holds never depends on whether compaction has run yet or on
 * whether it restarted. The record is logged and counted; a global processor cannot forward, so it cannot
 * reach the dead-letter topic (the producer of the gallery topic validates before writing).
 */
final class GalleryLoader implements Processor<String, GalleryValue, Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(GalleryLoader.class);

  private final MatcherConfig cfg;
  private final GalleryIndex index;
  private final MatcherMetrics metrics;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, GalleryRecord> store;

  GalleryLoader(MatcherConfig cfg, GalleryIndex index, MatcherMetrics metrics) {
    this.cfg = cfg;
    this.index = index;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(GalleryStoreNames.TEMPLATES_BY_SUBJECT);
    rebuildIndex();
  }

  /**
   * The store survives restarts (and is brought up to date from the topic before this runs); the index
   * is memory only, so it is rebuilt from the store in one step.
   */
  private void rebuildIndex() {
    List<GalleryRecord> records = new ArrayList<>();
    try (KeyValueIterator<String, GalleryRecord> it = store.all()) {
      while (it.hasNext()) {
        try {
          KeyValue<String, GalleryRecord> kv = it.next();
          records.add(kv.value);
        } catch (SerializationException e) {
          // Only readable records are ever written, so this is a store from an incompatible build.
          metrics.gallerySkip(DeadLetterReasons.DESERIALIZATION_FAILED);
          LOG.error("skipping unreadable entry of store {}: {}", GalleryStoreNames.TEMPLATES_BY_SUBJECT, e.getMessage());
        }
      }
    }
    index.replaceAll(records);
    metrics.gallerySize(index.subjectCount(), index.templateCount());
    LOG.info("gallery index rebuilt from store {}: {} subjects, {} templates",
        GalleryStoreNames.TEMPLATES_BY_SUBJECT, index.subjectCount(), index.templateCount());
  }

  @Override
  public void process(Record<String, GalleryValue> record) {
    String subjectId = record.key();
    if (subjectId == null) {
      skip(DeadLetterReasons.MISSING_KEY, null, "expected a subject id key, found none");
      return;
    }
    switch (record.value()) {
      case null -> {
        erase(subjectId);
        metrics.galleryErasure();
      }
      case GalleryValue.Unreadable u -> skip(DeadLetterReasons.DESERIALIZATION_FAILED, subjectId, u.detail());
      case GalleryValue.Readable r -> apply(subjectId, r.record());
    }
    metrics.gallerySize(index.subjectCount(), index.templateCount());
  }

  private void apply(String subjectId, GalleryRecord g) {
    if (!subjectId.equals(g.subjectId())) {
      skip(DeadLetterReasons.SUBJECT_KEY_MISMATCH, subjectId,
          "expected subject id " + subjectId + " (the key), found " + g.subjectId());
      return;
    }
    if (!cfg.modelPackId().equals(g.modelPackId())) {
      skip(DeadLetterReasons.MODEL_PACK_MISMATCH, subjectId,
          "expected model pack " + cfg.modelPackId() + ", found " + g.modelPackId());
      return;
    }
    int expected = cfg.dimension() > 0 ? cfg.dimension() : index.dimension();
    if (expected > 0 && g.dimension() != expected) {
      skip(DeadLetterReasons.EMBEDDING_DIMENSION_MISMATCH, subjectId,
          "expected embedding length " + expected + ", found " + g.dimension());
      return;
    }
    store.put(subjectId, g);
    index.upsert(g);
    metrics.galleryUpsert();
  }

  private void skip(String reason, String subjectId, String detail) {
    metrics.gallerySkip(reason);
    String where = context.recordMetadata()
        .map(GalleryLoader::describe)
        .orElse("(no record metadata)");
    if (subjectId != null) {
      erase(subjectId);
    }
    LOG.warn("skipping gallery record {} for subject {} ({}): {}; the subject is erased until a usable record arrives",
        where, subjectId, reason, detail);
  }

  private void erase(String subjectId) {
    store.delete(subjectId);
    index.remove(subjectId);
  }

  private static String describe(RecordMetadata m) {
    return m.topic() + "-" + m.partition() + "@" + m.offset();
  }
}
