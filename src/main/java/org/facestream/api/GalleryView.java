package org.facestream.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;
import org.facestream.events.GalleryOutcome;
import org.facestream.events.GalleryRecord;

/**
 * The gallery as the API sees it: subject id to its current record, built by reading the compacted
 * {@code facestream.gallery.v1} topic from the beginning (a tombstone removes the subject), and the erasures of
 * {@code facestream.erasures.v1}, which decide what the API may still show of a subject. Implementations are
 * thread-safe.
 */
public interface GalleryView {
    /** Every subject and its record, sorted by subject id (a snapshot). */
    SortedMap<String, GalleryRecord> subjects();

    /** The subject's current record, if enrolled. */
    Optional<GalleryRecord> subject(String subjectId);

    /**
     * Waits until the view has applied the record an enrollment wrote (the version its outcome names).
     *
     * @return true when applied within {@code timeout}, false when the wait timed out
     */
    boolean awaitEnrolled(GalleryOutcome enrolled, Duration timeout) throws InterruptedException;

    /**
     * Waits until the view has applied an erasure (the subject dropped, its events hidden).
     *
     * @return true when applied within {@code timeout}, false when the wait timed out
     */
    boolean awaitErased(GalleryOutcome erased, Duration timeout) throws InterruptedException;

    /**
     * Whether what names {@code subjectId} and was decided at {@code decidedAt} must not be shown: the subject was
     * erased at or after that time, or was erased and is not enrolled again. Identity events, their thumbnails and
     * candidate lists follow it.
     */
    boolean hides(String subjectId, Instant decidedAt);

    /** True once the view has read up to the end offsets it saw when it started. */
    boolean caughtUp();
}
