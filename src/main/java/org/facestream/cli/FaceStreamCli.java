package org.facestream.cli;

import org.facestream.config.FaceStreamConfig;
import org.facestream.enroll.Enroller;
import org.facestream.eval.EvaluationException;
import org.facestream.eval.PairsFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code facestream} command line: one subcommand per role. Each role can run as its own process
 * against a shared Kafka cluster, or all together in one JVM with {@code demo}.
 */
@Command(
        name = "facestream",
        mixinStandardHelpOptions = true,
        version = "FaceStream 0.1.0",
        description = "Streaming face identification on Apache Kafka.",
        subcommands = {
            BrokerCommand.class,
            IngestCommand.class,
            WorkerCommand.class,
            MatcherCommand.class,
            GalleryProcessorCommand.class,
            EnrollCommand.class,
            EraseCommand.class,
            KeysCommand.class,
            DemoCommand.class,
            ApiCommand.class,
            ApiKeyCommand.class,
            AuditCommand.class,
            EvalCommand.class,
            BenchCommand.class,
            ModelsCommand.class,
            ConfigCommand.class,
        })
public final class FaceStreamCli {
    private FaceStreamCli() {}

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs a command line and returns its exit code: 0 success, 2 bad input or usage (a malformed file, an
     * image without a face, invalid configuration), 1 any other failure (broker unreachable, a model that does not
     * open). Errors print one line (the cause chain; the stack trace too with FACESTREAM_DEBUG=1).
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The command tree with FaceStream's error handling, for tests that capture its output. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(FaceStreamCli.class);
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("facestream " + cmd.getCommandName() + ": " + messageOf(ex));
            cmd.getErr().flush();
            if (System.getenv("FACESTREAM_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            return isBadInput(ex) ? 2 : 1;
        });
        return cli;
    }

    private static boolean isBadInput(Exception ex) {
        return ex instanceof IllegalArgumentException
                || ex instanceof PairsFormatException
                || ex instanceof EvaluationException
                || ex instanceof Enroller.EnrollmentException
                || ex instanceof FaceStreamConfig.InvalidConfigurationException;
    }

    static String messageOf(Throwable ex) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = ex; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.isEmpty() ? "" : ": ").append(m);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }
}
