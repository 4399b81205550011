package org.facestream.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.facestream.crypto.MasterKeys;
import org.facestream.match.track.TrackFusion;
import org.junit.jupiter.api.Test;

/**
 * Golden test: {@code topologies/matcher.txt} is the described matcher topology. Node and store names make
 * up consumer offsets and state directories, so a drift must be a decision: when this fails, review the
 * printed text and copy it into the file, or run the test with {@code -Dfacestream.updateGolden=true}.
 */
class MatcherTopologyDescriptionTest {
    private static final Path GOLDEN = Path.of("topologies", "matcher.txt");

    @Test
    void describedTopologyMatchesTopologiesMatcherTxt() throws IOException {
        String described = MatcherTopology.build(MatcherTopology.Spec.of(
                        MatcherConfig.of("yunet-mobilefacenet-512"), MasterKeys.ephemeral(), ThresholdMode.fixed(0.35)))
                .describe()
                .toString();
        String golden = Files.exists(GOLDEN) ? Files.readString(GOLDEN, StandardCharsets.UTF_8) : "";

        if (Boolean.getBoolean("facestream.updateGolden")) {
            Files.writeString(GOLDEN, described, StandardCharsets.UTF_8);
            golden = described;
        }
        if (!golden.equals(described)) {
            System.err.println("topologies/matcher.txt differs from the built topology; if the change is intended,"
                    + " replace the file with:\n" + described);
        }
        assertThat(described).isEqualTo(golden);
    }

    @Test
    void describedTrackingTopologyMatchesTopologiesMatcherTracksTxt() throws IOException {
        Path file = Path.of("topologies", "matcher-tracks.txt");
        String described = MatcherTopology.build(MatcherTopology.Spec.of(
                                MatcherConfig.of("yunet-mobilefacenet-512"),
                                MasterKeys.ephemeral(),
                                ThresholdMode.fixed(0.35))
                        .withTracking(Tracking.perTrack(TrackFusion.Config.defaults())))
                .describe()
                .toString();
        if (Boolean.getBoolean("facestream.updateGolden")) {
            Files.writeString(file, described, StandardCharsets.UTF_8);
        }
        String golden = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        if (!golden.equals(described)) {
            System.err.println(
                    file + " differs from the built topology; if the change is intended, replace the file with:\n"
                            + described);
        }
        assertThat(described).isEqualTo(golden);
    }
}
