package org.facestream.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.facestream.events.ThresholdRef;
import org.facestream.events.ThresholdState;

/**
 * The adaptive threshold's history for {@code GET /api/v1/threshold}: every published version this process
 * learns of, in order, from an in-process matcher's policy or from {@code facestream.thresholds.v1}. A
 * version not newer than the last one recorded (a replay, another policy's state) is ignored. Keeps the
 * latest {@value #MAX_CHANGES} changes. Thread-safe.
 */
public final class ThresholdHistory implements ThresholdSource {
    static final int MAX_CHANGES = 500;

    private final String policyId;
    private final String policyName;
    private final List<Change> history = new ArrayList<>();
    private long lastVersion;

    /**
     * @param policyId the policy whose states are recorded (key of {@code facestream.thresholds.v1})
     * @param initial the threshold deciding before the first publication (version 0), its policy name the name
     *     every recorded version carries
     * @param since when the initial threshold took effect
     */
    public ThresholdHistory(String policyId, ThresholdRef initial, Instant since) {
        if (initial.version() != 0) {
            throw new IllegalArgumentException(
                    "expected the initial threshold at version 0, found version " + initial.version());
        }
        this.policyId = policyId;
        this.policyName = initial.policy();
        history.add(new Change(since, initial, "initial value until the first publication"));
    }

    /** Records a published state; returns whether it was new. */
    public synchronized boolean record(ThresholdState s) {
        if (s == null || !policyId.equals(s.policyId()) || s.version() <= lastVersion) {
            return false;
        }
        lastVersion = s.version();
        history.add(new Change(
                s.updatedAt(),
                new ThresholdRef(s.value(), s.version(), policyName),
                String.format(
                        Locale.ROOT,
                        "%s estimate from %d null scores at level %.6f (N=%d, K=%d), raw %.4f",
                        s.method(),
                        s.samples(),
                        s.level(),
                        s.galleryN(),
                        s.cohortK(),
                        s.rawValue())));
        if (history.size() > MAX_CHANGES) {
            history.remove(1); // the initial value stays: it says where the history starts
        }
        return true;
    }

    @Override
    public synchronized Snapshot snapshot() {
        return new Snapshot(history.get(history.size() - 1).threshold(), history);
    }
}
