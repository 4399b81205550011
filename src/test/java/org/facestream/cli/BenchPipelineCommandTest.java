package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    }
}
