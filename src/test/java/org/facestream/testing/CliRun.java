package org.facestream.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.facestream.cli.FaceStreamCli;

/**
 * One command-line run in this JVM, as a user would run {@code facestream ARGS}: its exit status and what it
 * printed. System.out and System.err are captured for the run and restored after; not for parallel tests.
 *
 * @param exit the exit status
 * @param out standard output
 * @param err standard error
 */
public record CliRun(int exit, String out, String err) {
    public static CliRun run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = System.out;
        PrintStream e = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = FaceStreamCli.execute(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(o);
            System.setErr(e);
        }
    }
}
