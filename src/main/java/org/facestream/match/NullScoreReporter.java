package org.facestream.match;

import java.time.Clock;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * What {@code match-observation} schedules when its task starts: nothing with a fixed threshold; with the
 * adaptive one, this instance's null-score window sent to {@value MatcherTopology#NULL_SCORES_SINK} every
 * reporting interval.
 */
interface NullScoreReporter {
    /** Reports nothing (the fixed threshold keeps no window). */
    NullScoreReporter NONE = context -> {};

    void schedule(ProcessorContext<Object, Object> context);

    static NullScoreReporter of(ThresholdMode mode, Clock clock) {
        return switch (mode) {
            case ThresholdMode.Fixed fixed -> NONE;
            case ThresholdMode.Adaptive adaptive ->
                context -> {
                    String instanceId = adaptive.reporting().instanceId();
                    // Wall-clock: the aggregator needs windows while cameras are quiet too (a window only ages by
                    // time).
                    context.schedule(
                            adaptive.reporting().interval(),
                            PunctuationType.WALL_CLOCK_TIME,
                            now -> context.forward(
                                    new Record<>(
                                            instanceId, adaptive.policy().report(instanceId, clock.instant()), now),
                                    MatcherTopology.NULL_SCORES_SINK));
                };
        };
    }
}
