package org.facestream.enroll;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.facestream.crypto.MasterKeys;
import org.facestream.testing.TestAuditKeys;
import org.junit.jupiter.api.Test;

/**
 * Golden test: {@code topologies/gallery.txt} is the described gallery processor. Node and store names make up
 * consumer offsets and changelog topics, so a drift must be a decision: when this fails, review the printed text and
 * copy it into the file, or run the test with {@code -Dfacestream.updateGolden=true}.
 */
class GalleryTopologyDescriptionTest {
    private static final Path GOLDEN = Path.of("topologies", "gallery.txt");

    @Test
    void describedTopologyMatchesTopologiesGalleryTxt() throws IOException {
        String described = GalleryCommandTopology.build(
                        GalleryCommandTopology.Spec.of(MasterKeys.ephemeral(), TestAuditKeys.keys()))
                .describe()
                .toString();
        if (Boolean.getBoolean("facestream.updateGolden")) {
            Files.writeString(GOLDEN, described, StandardCharsets.UTF_8);
        }
        String golden = Files.exists(GOLDEN) ? Files.readString(GOLDEN, StandardCharsets.UTF_8) : "";
        if (!golden.equals(described)) {
            System.err.println("topologies/gallery.txt differs from the built topology; if the change is intended,"
                    + " replace the file with:\n" + described);
        }
        assertThat(described).isEqualTo(golden);
    }
}
