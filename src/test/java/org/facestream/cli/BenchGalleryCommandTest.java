package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.facestream.testing.CliRun;
import org.junit.jupiter.api.Test;

/** {@code bench gallery} measures every search mode and checks each ranked every probe as fp32 did. */
class BenchGalleryCommandTest {
    @Test
    void everyModeRanksEveryProbeAsFp32Did() {
        CliRun run = CliRun.run(
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

        assertThat(run.exit()).as(run.err()).isZero();
        String out = run.out();
        assertThat(out).contains("gallery: 3000 subjects x 3 templates = 9000 rows of dimension 128");
        assertThat(out).containsPattern("storage=fp32 .* compressed=0 fp32_rescans=0 same_as_fp32=true");
        assertThat(out).containsPattern("storage=fp16 .* compressed=120 fp32_rescans=\\d+ same_as_fp32=true");
        assertThat(out).containsPattern("storage=int8 .* compressed=120 fp32_rescans=\\d+ same_as_fp32=true");
        // 9,000 rows: past auto's 8,192, so auto scans its int8 copy too
        assertThat(out).containsPattern("storage=auto .* compressed=120 fp32_rescans=\\d+ same_as_fp32=true");
    }
}
