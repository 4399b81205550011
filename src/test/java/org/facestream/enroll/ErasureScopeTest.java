package org.facestream.enroll;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.facestream.events.TopicCatalogue;
import org.junit.jupiter.api.Test;

/**
 * What an erasure leaves, where and for how long, as {@code facestream erase} prints it, is what the README's erasure
 * section says, with the bounds the topic catalogue implies.
 */
class ErasureScopeTest {
    private final TopicCatalogue catalogue = TopicCatalogue.load();

    @Test
    void boundsFollowFromTheCatalogue() {
        assertThat(ErasureScope.upTo(catalogue, "facestream.faces.v1")).isEqualTo("1 h 15 min");
        assertThat(ErasureScope.upTo(catalogue, "facestream.identities.v1")).isEqualTo("25 h 5 min");
        assertThat(ErasureScope.upTo(catalogue, "facestream.gallery-commands.v1"))
                .isEqualTo("25 h 5 min");
        assertThat(ErasureScope.keyLife(catalogue)).isEqualTo("about 1 h 15 min");
        assertThat(ErasureScope.lines(catalogue, "obama"))
                .hasSize(11)
                .allSatisfy(l -> assertThat(l).doesNotContain("null"));
    }

    @Test
    void theReadmeSaysWhatTheCommandPrints() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> lines = ErasureScope.lines(catalogue, "ID").stream()
                .map(l -> "  - " + l)
                .toList();
        String expected = String.join("\n", lines);
        if (!readme.contains(expected)) {
            System.err.println("README.md's erasure section must list, in this order:\n" + expected);
        }
        assertThat(readme).as("README.md lists what remains after an erasure").contains(expected);
    }
}
