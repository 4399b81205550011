package org.facestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.facestream.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Model test: {@code eval verify} end to end on 40 pairs of LFW View 1 with the default pack. */
class EvalVerifyCommandTest {
    private static final Pattern LAST_LINE =
            Pattern.compile("accuracy=(\\d\\.\\d{4}) std=(\\d\\.\\d{4}) tar@far=1e-3:(\\d\\.\\d{4}) no_face=(\\d+)");

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = FaceStreamCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "eval";
        System.arraycopy(args, 0, full, 1, args.length);
        int exit = cli.execute(full);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void first20MatchedAnd20MismatchedPairsOfDevTestAreAbove90Percent() throws Exception {
        Path lfw = SharedData.faces().resolve("lfw-view1");
        List<String> lines = Files.readAllLines(lfw.resolve("pairsDevTest.txt"));
        int n = Integer.parseInt(lines.get(0).trim());
        List<String> subset = new ArrayList<>();
        subset.add("20");
        subset.addAll(lines.subList(1, 21));
        subset.addAll(lines.subList(1 + n, 21 + n));
        Path pairs = dir.resolve("pairs-subset.txt");
        Files.write(pairs, subset);
        Path out = dir.resolve("out");

        Run r = run(
                "verify",
                "--pairs",
                pairs.toString(),
                "--images",
                lfw.resolve("images").toString(),
                "--folds",
                "5",
                "--models",
                SharedData.models().toString(),
                "--out",
                out.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        String[] stdout = r.out().strip().split("\\R");
        String last = stdout[stdout.length - 1];
        Matcher m = LAST_LINE.matcher(last);
        assertThat(m.matches()).as("last line: " + last).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(0.9);
        assertThat(Integer.parseInt(m.group(4))).isZero(); // YuNet at 320 finds a face in every LFW image
        assertThat(r.out())
                .contains(
                        "pairs=40 images=72" /* distinct images: each embedded once */,
                        "protocol: seeded 5-fold cross-validation (seed 42) over pairs-subset.txt");
        assertThat(ImageIO.read(out.resolve("roc-det.png").toFile()).getWidth()).isEqualTo(1040);
        assertThat(Files.readAllLines(out.resolve("scores.csv"))).hasSize(41);
    }

    @Test
    void aPairsFileThatIsNotExactlyBalancedIsEvaluatedWhole() throws Exception {
        Path lfw = SharedData.faces().resolve("lfw-view1");
        List<String> lines = Files.readAllLines(lfw.resolve("pairsDevTest.txt"));
        int n = Integer.parseInt(lines.get(0).trim());
        // LFW's header form, but 12 matched and 8 mismatched pairs (as files made for other photo sets often are)
        List<String> subset = new ArrayList<>();
        subset.add("12");
        subset.addAll(lines.subList(1, 13));
        subset.addAll(lines.subList(1 + n, 9 + n));
        Path pairs = dir.resolve("unbalanced.txt");
        Files.write(pairs, subset);
        Run r = run(
                "verify",
                "--pairs",
                pairs.toString(),
                "--images",
                lfw.resolve("images").toString(),
                "--folds",
                "4",
                "--models",
                SharedData.models().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("pairs=20 ");
        String[] stdout = r.out().strip().split("\\R");
        assertThat(LAST_LINE.matcher(stdout[stdout.length - 1]).matches()).isTrue();
    }

    @Test
    void malformedPairsFileIsOneLineNamingTheLine() throws Exception {
        Path lfw = SharedData.faces().resolve("lfw-view1");
        Path pairs = dir.resolve("pairs.txt");
        Files.write(pairs, List.of("1", "Aaron_Peirsol 1 2", "foo"));
        Run r = run(
                "verify",
                "--pairs",
                pairs.toString(),
                "--images",
                lfw.resolve("images").toString(),
                "--models",
                SharedData.models().toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo(
                        "facestream verify: pairs.txt line 3: expected 'name n1 n2' or 'name1 n1 name2 n2', found 'foo'");
        assertThat(r.out()).isEmpty();
    }
}
