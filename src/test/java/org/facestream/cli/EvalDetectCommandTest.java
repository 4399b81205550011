package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Model test: {@code eval detect} with YuNet on dlib's 5 annotated test images (25 faces). */
class EvalDetectCommandTest {
    @Test
    void yunetAt320FindsEveryAnnotatedFace() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FaceStreamCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(
                "eval",
                "detect",
                "--annotations",
                SharedData.face("groups/dlib-annotated/testing.xml").toString(),
                "--models",
                SharedData.models().toString(),
                "--detector-size",
                "320");
        assertThat(exit).as(err.toString()).isZero();
        // 25 of 25 faces at IoU >= 0.5; 2 extra detections (unlabelled or spurious) of 27
        assertThat(out.toString())
                .contains("yunet-w600k-int8 detector-size=320 images=5 faces=25 detections=27 matched=25 "
                        + "recall=1.0000 precision=0.9259");
        assertThat(out.toString().strip()).endsWith("recall=1.0000 precision=0.9259");
    }
}
