package org.facestream.match;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.facestream.events.SealedGalleryRecord;

/**
 * The {@code gallery-loader} global processor: hands each sealed gallery record to the shared {@link
 * GalleryUnsealer}, which keeps {@code templates-by-subject} and the index. On start it rebuilds the index
 * from the store in one step. Runs on the global thread only. A global processor cannot forward, so unusable
 * records are logged and counted, not dead-lettered (the gallery's producers validate before writing).
 */
final class GalleryLoader implements Processor<String, LenientValue<SealedGalleryRecord>, Void, Void> {
    private final GalleryUnsealer unsealer;
    private ProcessorContext<Void, Void> context;

    GalleryLoader(GalleryUnsealer unsealer) {
        this.unsealer = unsealer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        unsealer.attach(context);
        unsealer.rebuild();
    }

    @Override
    public void process(Record<String, LenientValue<SealedGalleryRecord>> record) {
        if (record.key() == null) {
            unsealer.skipKeyless(where(context));
            return;
        }
        unsealer.onGalleryValue(record.key(), record.value(), where(context));
    }

    static String where(ProcessorContext<?, ?> context) {
        return context.recordMetadata().map(GalleryLoader::describe).orElse("(no record metadata)");
    }

    private static String describe(RecordMetadata m) {
        return m.topic() + "-" + m.partition() + "@" + m.offset();
    }
}
