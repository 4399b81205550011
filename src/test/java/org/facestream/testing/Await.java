package org.facestream.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Waits for a condition with a deadline, instead of sleeping and hoping: the condition is polled (every 10 ms at
 * first, backing off to 200 ms) until it holds, and when the deadline passes first the test fails with what was
 * awaited and the last value seen. A deadline is a bound on a failure, never on a success, so a loaded machine
 * makes a test slower, not red.
 *
 * <pre>{@code
 * Await.until("the worker's first observation", Duration.ofSeconds(60), () -> tap.eventCount() >= 1);
 * List<Located> log = Await.until("the erasure's audit record", Duration.ofSeconds(90), () -> auditLog(kafka),
 *     log -> count(log, "subject-erased") == 1);
 * }</pre>
 */
public final class Await {
    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long LONGEST_PAUSE_MILLIS = 200;

    private Await() {}

    /** A condition that may throw what the client calls it makes throw (Kafka admin calls, HTTP). */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    /** A value read on each poll. */
    @FunctionalInterface
    public interface Probe<T> {
        T read() throws Exception;
    }

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @param description what is awaited, for the failure message ("expected DESCRIPTION within 30 s")
     * @throws AssertionError when {@code timeout} passes first, or the condition throws
     */
    public static void until(String description, Duration timeout, Condition condition) {
        Objects.requireNonNull(condition, "condition");
        until(description, timeout, condition::holds, Boolean::booleanValue);
    }

    /**
     * Reads {@code probe} until {@code done} accepts its value, and returns that value.
     *
     * @param description what is awaited, for the failure message, which also shows the last value read
     * @throws AssertionError when {@code timeout} passes first, or the probe throws
     */
    public static <T> T until(String description, Duration timeout, Probe<T> probe, Predicate<? super T> done) {
        Objects.requireNonNull(description, "description");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("expected a positive timeout, found " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE_MILLIS;
        while (true) {
            T value;
            try {
                value = probe.read();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new AssertionError("expected " + description + ", found the check failing: " + e, e);
            }
            if (done.test(value)) {
                return value;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + description + " within " + seconds(timeout)
                        + ", found it not yet so" + (value instanceof Boolean ? "" : "; last seen: " + value));
            }
            try {
                Thread.sleep(Math.min(pause, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + description, e);
            }
            pause = Math.min(LONGEST_PAUSE_MILLIS, pause * 2);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
