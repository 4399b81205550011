package org.facestream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code --data DIR}: where an in-process run keeps its broker and state; by default a temporary directory. */
final class DataDirOption {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirOption.class);

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "Broker and state directory (default: a temporary directory, deleted at exit).")
    Path data;

    /** The directory of one run: {@code --data}, kept, or a new temporary one, deleted when the run closes it. */
    RunDirectory open(String prefix) throws IOException {
        return data != null ? new RunDirectory(data, false) : new RunDirectory(Files.createTempDirectory(prefix), true);
    }

    /** A run's directory; {@link #close} deletes it when it is temporary. */
    record RunDirectory(Path path, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (!temporary) {
                return;
            }
            try (Stream<Path> paths = Files.walk(path)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("could not delete {}: {}", path, e.toString());
            }
        }
    }
}
