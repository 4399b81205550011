package org.facestream.cli;

import java.util.concurrent.Callable;
import org.facestream.config.FaceStreamConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code facestream config docs|show}: the configuration table, or the resolved values. */
@Command(
        name = "config",
        description = "Print the configuration table (docs) or the resolved configuration, secrets redacted (show).")
final class ConfigCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "docs|show",
            description = "docs: Markdown table of every key; show: resolved values.")
    String action;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        switch (action) {
            case "docs" -> System.out.print(FaceStreamConfig.markdownTable());
            case "show" -> {
                // secrets redacted, as in the config-resolved audit records
                common.resolve().redacted().forEach((k, v) -> System.out.println(k + "=" + v));
            }
            default -> throw new IllegalArgumentException("expected 'docs' or 'show', found '" + action + "'");
        }
        return 0;
    }
}
