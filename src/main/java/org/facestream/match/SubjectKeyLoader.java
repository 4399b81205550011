package org.facestream.match;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.facestream.events.SubjectKeyRecord;
import org.facestream.events.Topics;

/**
 * The {@code subject-key-loader} global processor: hands each wrapped data key (or its tombstone) to the
 * shared {@link GalleryUnsealer}, which keeps {@code keys-by-subject} and indexes or drops the subject's
 * sealed record accordingly. Runs on the global thread only, like {@code gallery-loader}.
 */
final class SubjectKeyLoader implements Processor<String, LenientValue<SubjectKeyRecord>, Void, Void> {
    private final GalleryUnsealer unsealer;
    private ProcessorContext<Void, Void> context;

    SubjectKeyLoader(GalleryUnsealer unsealer) {
        this.unsealer = unsealer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        // no rebuild: gallery-loader's init does it, and until then every key change refreshes its subject
        unsealer.attach(context);
    }

    @Override
    public void process(Record<String, LenientValue<SubjectKeyRecord>> record) {
        if (Topics.SEGMENT_ROLL_KEY.equals(record.key())) {
            return; // the gallery processor's append that lets the segment roll: not a subject
        }
        if (record.key() == null) {
            unsealer.skipKeyless(GalleryLoader.where(context));
            return;
        }
        unsealer.onKeyValue(record.key(), record.value(), GalleryLoader.where(context));
    }
}
