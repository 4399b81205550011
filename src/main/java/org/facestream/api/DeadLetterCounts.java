package org.facestream.api;

import java.util.Map;
import java.util.TreeMap;

/** Dead letters seen on {@code facestream.deadletter.v1}, by stage and reason (from headers). Thread-safe. */
public final class DeadLetterCounts {
    private final Map<String, Map<String, Long>> byStage = new TreeMap<>();

    public synchronized void add(String stage, String reason) {
        byStage.computeIfAbsent(stage == null ? "unknown" : stage, s -> new TreeMap<>())
                .merge(reason == null ? "unknown" : reason, 1L, Long::sum);
    }

    /** stage -> reason -> count (a copy). */
    public synchronized Map<String, Map<String, Long>> byStageAndReason() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        byStage.forEach((s, m) -> out.put(s, new TreeMap<>(m)));
        return out;
    }

    public synchronized long total() {
        return byStage.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToLong(Long::longValue)
                .sum();
    }
}
