package org.facestream.testing;

import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * The lines one class logs while a test runs, as {@code LEVEL message}: for tests of what a stage says (once,
 * not once per retry) rather than only of what it does. Close it to detach. Thread-safe.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final WriterAppender appender;
    private final StringWriter text = new StringWriter();

    private LogCapture(Class<?> of) {
        this.logger = (Logger) LogManager.getLogger(of);
        this.appender = WriterAppender.newBuilder()
                .setName("capture-" + of.getSimpleName())
                .setTarget(text)
                .setLayout(PatternLayout.newBuilder()
                        .withPattern("%level %message%n")
                        .build())
                .build();
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing what {@code of}'s logger writes (at the levels its configuration lets through). */
    public static LogCapture of(Class<?> of) {
        return new LogCapture(of);
    }

    /** The lines so far, oldest first. */
    public List<String> lines() {
        synchronized (text) {
            String all = text.toString();
            return all.isEmpty() ? List.of() : Arrays.asList(all.split("\n"));
        }
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        appender.stop();
    }
}
