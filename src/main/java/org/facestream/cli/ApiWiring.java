package org.facestream.cli;

import java.time.Instant;
import java.util.Optional;
import org.facestream.api.ApiRuntime;
import org.facestream.api.Enrollment;
import org.facestream.api.MatcherProbe;
import org.facestream.api.ThresholdHistory;
import org.facestream.api.ThresholdSource;
import org.facestream.config.FaceStreamConfig;
import org.facestream.config.VisionSetup;
import org.facestream.events.ThresholdRef;
import org.facestream.match.AdaptiveThreshold;
import org.facestream.match.FixedThreshold;
import org.facestream.match.MatcherService;
import org.facestream.match.threshold.FpirPolicy;

/**
 * What the API is given of the process around it ({@link ApiRuntime.Wiring}): the api package knows neither
 * the matcher nor the vision path, so the command line says where the threshold comes from and whether a
 * matcher runs beside the API. The enrollment (an enroller on an analyzer) is the caller's, which owns and
 * closes the analyzer.
 */
final class ApiWiring {
    private ApiWiring() {}

    /**
     * The API with its matcher in another process: deciding adaptively, its published versions are read from
     * {@code facestream.thresholds.v1}; deciding with a fixed threshold, that one.
     */
    static ApiRuntime.Wiring matcherElsewhere(FaceStreamConfig cfg, Enrollment enrollment) {
        if ("adaptive-fpir".equals(cfg.string(FaceStreamConfig.THRESHOLD_POLICY))) {
            double initial = FpirPolicy.defaults(FpirPolicy.POLICY, cfg.decimal(FaceStreamConfig.TARGET_FPIR))
                    .initial();
            ThresholdHistory published = new ThresholdHistory(
                    FpirPolicy.POLICY, new ThresholdRef(initial, 0, FpirPolicy.POLICY), Instant.now());
            return new ApiRuntime.Wiring(enrollment, MatcherProbe.UNKNOWN, published, published);
        }
        return new ApiRuntime.Wiring(enrollment, MatcherProbe.UNKNOWN, fixed(cfg), null);
    }

    /**
     * The API beside {@code matcher} in this process: erasure waits for it to drop the subject, and its adaptive
     * policy's versions (when it decides adaptively) are recorded as it applies them.
     */
    static ApiRuntime.Wiring matcherInProcess(FaceStreamConfig cfg, MatcherService matcher, Enrollment enrollment) {
        AdaptiveThreshold policy = matcher.adaptive();
        if (policy == null) {
            return new ApiRuntime.Wiring(enrollment, probeOf(matcher), fixed(cfg), null);
        }
        ThresholdHistory history = new ThresholdHistory(
                policy.policy().policyId(),
                new ThresholdRef(policy.policy().initial(), 0, FpirPolicy.POLICY),
                Instant.now());
        history.record(policy.current());
        policy.onApplied(history::record);
        return new ApiRuntime.Wiring(enrollment, probeOf(matcher), history, null);
    }

    private static ThresholdSource fixed(FaceStreamConfig cfg) {
        return ThresholdSource.fixed(
                new ThresholdRef(VisionSetup.threshold(cfg), 0, FixedThreshold.POLICY), Instant.now());
    }

    /** A probe of a matcher running in this process. */
    static MatcherProbe probeOf(MatcherService matcher) {
        return new MatcherProbe() {
            @Override
            public Optional<String> state() {
                return Optional.of(matcher.state().name());
            }

            @Override
            public boolean holds(String subjectId) {
                return matcher.holds(subjectId);
            }
        };
    }
}
