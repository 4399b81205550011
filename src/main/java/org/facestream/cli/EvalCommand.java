package org.facestream.cli;

import java.io.PrintWriter;
import org.facestream.eval.EvaluationException;
import org.facestream.eval.PairsFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code facestream eval}: offline accuracy of the production vision path (verification, detection). */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Measure accuracy of the production detect-align-embed path on labelled data.",
    subcommands = {EvalVerifyCommand.class, EvalDetectCommand.class})
public final class EvalCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "expected a subcommand (verify, detect), found none");
  }

  /**
   * A command line whose bad-input errors (a malformed pairs file, a missing image, a bad option value) print
   * one line instead of a stack trace.
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new EvalCommand());
    cli.setExecutionExceptionHandler((e, line, parse) -> {
      if (e instanceof PairsFormatException || e instanceof EvaluationException || e instanceof IllegalArgumentException) {
        PrintWriter err = line.getErr();
        err.println("facestream " + line.getCommandName() + ": " + e.getMessage());
        err.flush();
        return 2;
      }
      throw e;
    });
    return cli;
  }

  /** Runs {@code eval} on its own until the main command registers it. */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
