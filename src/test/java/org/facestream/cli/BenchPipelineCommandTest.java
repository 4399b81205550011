package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench pipeline} runs the whole path on a real clip and reports every stage (no timing asserted). */
@Tag("e2e")
class BenchPipelineCommandTest {
    @TempDir
    Path dir;

    @Test
    void reportsThroughputAndEveryStageOfATalkingHeadClip() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = FaceStreamCli.execute(
                    "bench",
                    "pipeline",
                    "--models",
                    SharedData.models().toString(),
                    "--video",
                    SharedData.video("WDA_KatieHill_000.mp4").toString(),
                    "--fps",
                    "5",
                    // a gallery large enough to matter, scanned through its int8 copy: the compressed path end to end
                    "--synthetic-subjects",
                    "300",
                    "-D",
                    "matcher.search.storage=int8",
                    "--data",
                    dir.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        System.err.println(out);
        assertThat(exit).isZero();
        assertThat(out).contains("\"frames\":40").contains("facesPerSecond");
        for (String stage : new String[] {"decode", "detect", "align", "embed", "match", "capture_to_observation"}) {
            assertThat(out).containsPattern("(?m)^" + stage + " +[1-9]\\d* ");
        }
        assertThat(out).containsPattern("cpu=\\d+\\.\\ds wall=\\d+\\.\\ds");
        // every observation searched the int8 copy of the gallery (2 real subjects and 300 synthetic ones)
        var matches = Pattern.compile("(?m)^match +(\\d+) ").matcher(out);
        assertThat(matches.find()).isTrue();
        assertThat(out).contains("search_compressed=" + matches.group(1) + " ");
    }
}
