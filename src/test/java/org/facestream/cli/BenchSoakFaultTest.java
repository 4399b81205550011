package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short soak: two cameras looping real videos at 1 fps each through broker, worker and matcher for 40 s.
 * Memory stays flat (heap after GC, slope after the warm-up), lag stays bounded, valid input makes no dead
 * letters, and every sampled frame is processed. The long run is {@code facestream bench soak --cameras 4
 * --duration 3m} (figures in the README).
 */
@Tag("fault")
class BenchSoakFaultTest {
    @TempDir
    Path dir;

    @Test
    void twoLoopingCamerasRunFortySecondsWithFlatHeapBoundedLagAndNoDeadLetters() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = FaceStreamCli.execute(
                    "bench",
                    "soak",
                    "--models",
                    SharedData.models().toString(),
                    "--video",
                    SharedData.video("hamilton-clip-640x360.mp4").toString(),
                    "--video",
                    SharedData.video("WDA_KatieHill_000.mp4").toString(),
                    "--cameras",
                    "2",
                    "--duration",
                    "40s",
                    "--fps",
                    "1",
                    "--sample-every",
                    "3s",
                    "--warmup",
                    "10s",
                    "--data",
                    dir.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8).strip();
        System.err.println("soak summary: " + out);
        assertThat(exit).isZero();
        String last = out.lines().reduce((a, b) -> b).orElse("");
        Map<String, Double> s = new LinkedHashMap<>();
        for (String kv : last.split(" ")) {
            String[] p = kv.split("=");
            s.put(p[0], p[1].equals("true") ? 1.0 : p[1].equals("false") ? 0.0 : Double.parseDouble(p[1]));
        }
        assertThat(s)
                .containsKeys(
                        "heap_start_mb", "heap_end_mb", "heap_slope_mb_per_min", "max_lag", "deadletters", "events");
        assertThat(s.get("drained"))
                .as("the pipeline drained after the cameras stopped")
                .isEqualTo(1.0);
        assertThat(s.get("deadletters")).as("dead letters from valid input").isZero();
        assertThat(s.get("frames")).as("frames at 2 x 1 fps for 40 s").isBetween(70.0, 84.0);
        assertThat(s.get("frames_dropped")).isZero();
        // one worker transaction commits up to 8 frames and all their faces at once (a stage frame holds 3-6),
        // so a sample can see ~30 observations in flight; a backlog that grows would pass 80 frames in 40 s
        assertThat(s.get("max_lag")).as("lag (frames or observations)").isLessThanOrEqualTo(30.0);
        // observations: the best shots of the worker's tracks (at 1 fps a face moves far between frames, so tracks
        // are short and shots many, yet fewer than the faces seen)
        assertThat(s.get("faces")).isGreaterThan(10.0);
        assertThat(s.get("events"))
                .as("after draining, every face became its event")
                .isEqualTo(s.get("faces"));
        // heap after GC carries a few MB of records in flight per sample; over 30 s that noise alone moves the
        // slope by ~20 MB/min, so the short run bounds the growth of the retained floor and the slope loosely
        assertThat(s.get("heap_end_mb") - s.get("heap_start_mb"))
                .as("growth of the retained heap after the warm-up, MB")
                .isLessThan(12.0);
        assertThat(Math.abs(s.get("heap_slope_mb_per_min")))
                .as("heap slope, MB/min")
                .isLessThan(40.0);
    }
}
