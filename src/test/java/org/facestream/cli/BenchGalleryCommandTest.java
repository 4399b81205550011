package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bench gallery} measures every search mode and checks each ranked every probe as fp32 did. */
class BenchGalleryCommandTest {
    @Test
    void everyModeRanksEveryProbeAsFp32Did() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = FaceStreamCli.execute(
                    "bench",
                    "gallery",
                    "--subjects",
                    "3000",
                    "--templates",
                    "3",
                    "--dim",
                    "128",
                    "--probes",
                    "60",
                    "--passes",
                    "1");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(exit).isZero();
        assertThat(out).contains("gallery: 3000 subjects x 3 templates = 9000 rows of dimension 128");
        assertThat(out).containsPattern("storage=fp32 .* compressed=0 fp32_rescans=0 same_as_fp32=true");
        assertThat(out).containsPattern("storage=fp16 .* compressed=120 fp32_rescans=\\d+ same_as_fp32=true");
        assertThat(out).containsPattern("storage=int8 .* compressed=120 fp32_rescans=\\d+ same_as_fp32=true");
        // 9,000 rows: past auto's 8,192, so auto scans its int8 copy too
        assertThat(out).containsPattern("storage=auto .* compressed=120 fp32_rescans=\\d+ same_as_fp32=true");
    }
}
