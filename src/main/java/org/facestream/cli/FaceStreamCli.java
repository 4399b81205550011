package org.facestream.cli;

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
      EnrollCommand.class,
      DemoCommand.class,
      ApiCommand.class,
      ModelsCommand.class,
      ConfigCommand.class,
    })
public final class FaceStreamCli {
  private FaceStreamCli() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; errors print one clear line (the cause chain with FACESTREAM_DEBUG=1). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(FaceStreamCli.class);
    cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("facestream " + cmd.getCommandName() + ": " + messageOf(ex));
      if (System.getenv("FACESTREAM_DEBUG") != null) {
        ex.printStackTrace(cmd.getErr());
      }
      return 1;
    });
    return cli.execute(args);
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
