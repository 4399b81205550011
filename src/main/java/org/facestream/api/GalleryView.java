package org.facestream.api;

import java.time.Duration;
import java.util.Optional;
import java.util.SortedMap;
import org.facestream.enroll.GalleryWriter;
import org.facestream.enroll.SubjectRecords;
import org.facestream.events.GalleryRecord;

/**
 * The gallery as the API sees it: subject id to its current record, built by reading the compacted
 * {@code facestream.gallery.v1} topic from the beginning (a tombstone removes the subject). Also what the
 * enrollment service clusters a subject's new photos with. Implementations are thread-safe.
 */
public interface GalleryView extends SubjectRecords {
    /** Every subject and its record, sorted by subject id (a snapshot). */
    SortedMap<String, GalleryRecord> subjects();

    /** The subject's current record, if enrolled. */
    @Override
    Optional<GalleryRecord> subject(String subjectId);

    /**
     * Waits until the view has applied the record written at {@code written} (it has read past that offset).
     *
     * @return true when applied within {@code timeout}, false when the wait timed out
     */
    boolean awaitApplied(GalleryWriter.Written written, Duration timeout) throws InterruptedException;

    /** True once the view has read up to the end offsets it saw when it started. */
    boolean caughtUp();
}
