package org.facestream.enroll;

import java.time.Duration;
import org.facestream.events.GalleryCommand;
import org.facestream.events.GalleryOutcome;

/**
 * Where entry points send gallery commands and learn their outcome: {@link KafkaGalleryCommands} submits to
 * {@code facestream.gallery-commands.v1} and reads {@code facestream.gallery-outcomes.v1}. Implementations are
 * thread-safe.
 */
public interface GalleryCommands {
    /**
     * Submits {@code command} and waits for its outcome.
     *
     * @return the outcome carrying the command's request id, whatever its status
     * @throws GalleryCommandException {@link GalleryCommandException.Kind#UNAVAILABLE} when the command could not be
     *     submitted, {@link GalleryCommandException.Kind#TIMED_OUT} when no outcome came within {@code timeout}
     */
    GalleryOutcome apply(GalleryCommand command, Duration timeout) throws InterruptedException;
}
