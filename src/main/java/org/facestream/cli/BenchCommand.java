package org.facestream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code facestream bench ...}: performance measurements against peer systems (see ../shared/bench). */
@Command(
        name = "bench",
        description = "Benchmarks of FaceStream components.",
        mixinStandardHelpOptions = true,
        subcommands = {
            BenchMatchCommand.class,
            BenchGalleryCommand.class,
            BenchPipelineCommand.class,
            BenchSoakCommand.class,
            BenchCamerasCommand.class
        })
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    /** Runs the bench commands on their own until the launcher registers {@code bench}. */
}
