package org.facestream.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.facestream.api.ThresholdSource;
import org.facestream.events.ThresholdRef;
import org.facestream.match.AdaptiveThreshold;
import org.facestream.match.threshold.FpirPolicy;
import org.facestream.match.threshold.ThresholdState;

/**
 * {@code GET /api/v1/threshold} for a matcher in this process running the adaptive policy: the published
 * threshold now, and each new version as a change with the number of null scores behind it. Thread-safe.
 */
final class AdaptiveThresholdSource implements ThresholdSource {
  private final AdaptiveThreshold policy;
  private final List<Change> history = new ArrayList<>();
  private long lastVersion = -1;

  AdaptiveThresholdSource(AdaptiveThreshold policy, Instant since) {
    this.policy = policy;
    history.add(new Change(since, initial(), "initial value until the first publication"));
    lastVersion = 0;
  }

  private ThresholdRef initial() {
    return new ThresholdRef(policy.policy().initial(), 0, FpirPolicy.POLICY);
  }

  @Override
  public synchronized Snapshot snapshot() {
    ThresholdState s = policy.current();
    if (s != null && s.version() != lastVersion) {
      lastVersion = s.version();
      history.add(new Change(s.updatedAt(), new ThresholdRef(s.value(), s.version(), FpirPolicy.POLICY),
          "re-estimated from " + s.samples() + " null scores, level " + s.level() + ", N=" + s.galleryN() + ", K=" + s.cohortK()));
      if (history.size() > 500) {
        history.remove(1);
      }
    }
    return new Snapshot(history.get(history.size() - 1).threshold(), history);
  }
}
