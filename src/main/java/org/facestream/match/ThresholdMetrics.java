package org.facestream.match;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the threshold aggregator. {@code large-moves} is the alert metric: a raw estimate at least
 * {@link org.facestream.match.threshold.FpirPolicy#alertDelta()} away from the published threshold (a
 * sudden change of cameras, lighting or gallery that a person should look at). Thread-safe.
 */
public final class ThresholdMetrics {
  private final LongAdder accepted = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder publications = new LongAdder();
  private final LongAdder largeMoves = new LongAdder();
  private final LongAdder auditRecords = new LongAdder();

  /** Null-score reports merged. */
  public long reportsAccepted() {
    return accepted.sum();
  }

  /** Null-score reports skipped (unreadable, another policy, a key that is not their instance, out of order). */
  public long reportsSkipped() {
    return skipped.sum();
  }

  /** Threshold states published. */
  public long publications() {
    return publications.sum();
  }

  /** Publications whose raw estimate moved by at least the alert delta. */
  public long largeMoves() {
    return largeMoves.sum();
  }

  /** Audit records forwarded (chain starts and one per publication; a task's aborted attempts count too). */
  public long auditRecords() {
    return auditRecords.sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    out.put("reports.accepted", reportsAccepted());
    out.put("reports.skipped", reportsSkipped());
    out.put("publications", publications());
    out.put("large-moves", largeMoves());
    out.put("audit-records", auditRecords());
    return out;
  }

  void accepted() {
    accepted.increment();
  }

  void skipped() {
    skipped.increment();
  }

  void audited(int records) {
    auditRecords.add(records);
  }

  void published(boolean largeMove) {
    publications.increment();
    if (largeMove) {
      largeMoves.increment();
    }
  }
}
