package org.facestream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code facestream eval}: offline accuracy of the production vision path (verification, detection). */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Measure accuracy of the production detect-align-embed path on labelled data.",
        subcommands = {
            EvalVerifyCommand.class,
            EvalDetectCommand.class,
            EvalIdentifyCommand.class,
            EvalProvidersCommand.class
        })
public final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "expected a subcommand (verify, detect, identify, providers), found none");
    }
}
