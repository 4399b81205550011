package org.facestream.enroll;

import java.util.concurrent.atomic.LongAdder;
import org.facestream.events.DeadLetters;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;
import org.facestream.metrics.MetricsRegistry;

/**
 * The gallery processor's series in the process's {@link MetricsRegistry}: {@code gallery_commands_total{outcome}}
 * (one series per action and status, e.g. {@code enroll-enrolled}, {@code erase-erased}, {@code enroll-expired},
 * created at zero), {@code gallery_destroyed_keys_refused_total} (entries naming a destroyed key, never reused) and
 * the dead letters of unreadable commands in {@code deadletter_total{reason}}, the series every stage counts into.
 * Thread-safe.
 */
public final class GalleryMetrics {
    private static final String COMMANDS = "gallery_commands_total";
    private static final String COMMANDS_HELP = "Gallery commands the gallery processor applied, by action and outcome";
    private final MetricsRegistry registry;
    private final LongAdder destroyedKeysRefused;

    public GalleryMetrics(MetricsRegistry registry) {
        this.registry = registry;
        command(GalleryCommand.ENROLL, GalleryOutcome.ENROLLED);
        command(GalleryCommand.ENROLL, GalleryOutcome.REFUSED);
        command(GalleryCommand.ENROLL, GalleryOutcome.EXPIRED);
        command(GalleryCommand.ERASE, GalleryOutcome.ERASED);
        destroyedKeysRefused = registry.counter(
                "gallery_destroyed_keys_refused_total",
                "Gallery entries naming a data key destroyed by an erasure, never reused");
        deadLetters(DeadLetters.Reason.DESERIALIZATION_FAILED);
    }

    private LongAdder command(String action, String status) {
        return registry.counter(COMMANDS, COMMANDS_HELP, MetricsRegistry.label("outcome", action + "-" + status));
    }

    private LongAdder deadLetters(DeadLetters.Reason reason) {
        return registry.counter(
                "deadletter_total",
                "Records sent to the dead-letter topic",
                MetricsRegistry.label("reason", reason.code()));
    }

    void applied(GalleryOutcome outcome) {
        command(outcome.action(), outcome.status()).increment();
    }

    void destroyedKeyRefused() {
        destroyedKeysRefused.increment();
    }

    void deadLetter(DeadLetters.Reason reason) {
        deadLetters(reason).increment();
    }

    /** Commands applied with {@code action} and {@code status} since start. */
    public long commands(String action, String status) {
        return command(action, status).sum();
    }

    /** Entries that named a destroyed key and were not reused. */
    public long destroyedKeysRefused() {
        return destroyedKeysRefused.sum();
    }
}
