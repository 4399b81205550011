package org.facestream.match;

import org.facestream.events.GalleryRecord;

/**
 * Told of every change the gallery loaders make to the matcher's index, after it is made, on the global
 * thread: the adaptive threshold's cohort hygiene follows the gallery with it ({@link AdaptiveThreshold}).
 * Implementations must be cheap or incremental: a rebuild is told once, not per subject.
 */
public interface GalleryListener {
    /** Listens to nothing (the fixed threshold). */
    GalleryListener NONE = new GalleryListener() {
        @Override
        public void galleryRebuilt() {}

        @Override
        public void subjectUpserted(GalleryRecord record) {}

        @Override
        public void subjectRemoved(String subjectId) {}
    };

    /** The whole index was replaced (the loader's start, from the restored stores). */
    void galleryRebuilt();

    /** {@code record}'s subject was enrolled or its templates replaced. */
    void subjectUpserted(GalleryRecord record);

    /** {@code subjectId} left the index (erased, refused, or its key destroyed). */
    void subjectRemoved(String subjectId);
}
