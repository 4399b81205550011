package org.facestream.match;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.facestream.events.ThresholdState;
import org.facestream.metrics.MetricsRegistry;

/**
 * The threshold aggregator's counters, in its process's {@link MetricsRegistry} (the only copy; created at
 * zero): {@code threshold_reports_accepted_total}, {@code threshold_reports_skipped_total}, {@code
 * threshold_publications_total}, {@code threshold_large_moves_total} and {@code
 * threshold_audit_records_total}. {@code large-moves} is the alert metric: a raw
 * estimate at least {@link org.facestream.match.threshold.FpirPolicy#alertDelta()} away from the published
 * threshold (a sudden change of cameras, lighting or gallery that a person should look at). Thread-safe.
 */
public final class ThresholdMetrics {
    private final LongAdder accepted;
    private final LongAdder skipped;
    private final LongAdder publications;
    private final LongAdder largeMoves;
    private final LongAdder auditRecords;
    private final AtomicLong cappedIdentities = new AtomicLong();
    private final AtomicLong excludedIdentities = new AtomicLong();

    public ThresholdMetrics(MetricsRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        accepted = registry.counter(
                "threshold_reports_accepted_total", "Null-score reports the threshold aggregator merged");
        skipped = registry.counter(
                "threshold_reports_skipped_total",
                "Null-score reports the threshold aggregator skipped (unreadable, another policy or key, out of order)");
        publications = registry.counter("threshold_publications_total", "Threshold states the aggregator published");
        largeMoves = registry.counter(
                "threshold_large_moves_total",
                "Publications whose raw estimate moved by at least the policy's alert step");
        auditRecords = registry.counter(
                "threshold_audit_records_total",
                "Audit records the threshold aggregator of this process wrote (chain starts, one per version)");
        registry.gauge(
                "threshold_capped_identities",
                "Cohort identities whose tail scores were dropped over their share in the last published version",
                "",
                cappedIdentities::get);
        registry.gauge(
                "threshold_excluded_identities",
                "Cohort identities left out of the null scores by cohort hygiene in the last published version",
                "",
                excludedIdentities::get);
    }

    /** Cohort identities capped in the last published version. */
    public long cappedIdentities() {
        return cappedIdentities.get();
    }

    /** Cohort identities hygiene left out in the last published version. */
    public long excludedIdentities() {
        return excludedIdentities.get();
    }

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
        out.put("capped-identities", cappedIdentities());
        out.put("excluded-identities", excludedIdentities());
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

    void published(boolean largeMove, ThresholdState state) {
        ThresholdState.TailAudit tail = state.tail();
        cappedIdentities.set(tail == null ? 0 : tail.cappedIdentities());
        excludedIdentities.set(tail == null ? 0 : tail.excludedIdentities());
        publications.increment();
        if (largeMove) {
            largeMoves.increment();
        }
    }
}
