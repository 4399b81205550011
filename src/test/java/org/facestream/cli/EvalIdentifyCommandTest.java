package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Model test: {@code eval identify} end to end on ORL (40 identities x 10 grey images), one seed. */
class EvalIdentifyCommandTest {
    private static final Pattern LAST_LINE = Pattern.compile("target_fpir=0\\.05 adaptive_fpir=(\\d\\.\\d{4}) "
            + "adaptive_dir=(\\d\\.\\d{4}) oracle_dir=(\\d\\.\\d{4}) fixed_threshold=(\\d\\.\\d{4}) fixed_fpir=(\\d\\.\\d{4}) "
            + "fixed_dir=(\\d\\.\\d{4})");

    @TempDir
    Path dir;

    @Test
    void orlOneSeedGivesSaneRatesAndAPlot() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FaceStreamCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        Path o = dir.resolve("out");
        int exit = cli.execute(
                "eval",
                "identify",
                "--root",
                SharedData.faces().resolve("orl").toString(),
                "--target-fpir",
                "0.05",
                "--seeds",
                "1",
                "--models",
                SharedData.models().toString(),
                "--out",
                o.toString());

        assertThat(exit).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\\R");
        String last = lines[lines.length - 1];
        Matcher m = LAST_LINE.matcher(last);
        assertThat(m.matches()).as("last line: " + last).isTrue();
        for (int g = 1; g <= 6; g++) {
            assertThat(Double.parseDouble(m.group(g))).as(last).isBetween(0.0, 1.0);
        }
        assertThat(Double.parseDouble(m.group(3))).as("oracle DIR on clean ORL").isGreaterThan(0.5);
        assertThat(out.toString())
                .contains(
                        "identities=40 images=400",
                        "seed 1: gallery 20 subjects (60 templates), cohort 8 identities",
                        "failures to acquire (no face detected, left out): ");
        assertThat(ImageIO.read(o.resolve("det.png").toFile()).getWidth()).isEqualTo(1040);
        assertThat(Files.readAllLines(o.resolve("scores.csv")).get(0))
                .isEqualTo("seed,probe,mated,subject,best_subject,best_score");
    }
}
