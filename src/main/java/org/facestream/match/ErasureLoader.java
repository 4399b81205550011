package org.facestream.match;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.facestream.events.ErasureRecord;

/**
 * The {@code erasure-loader} global processor: hands each erasure record to the shared {@link GalleryUnsealer},
 * which remembers the destroyed key in {@code destroyed-keys} and drops the subject when it still holds that key
 * or a record sealed under it. Its store is registered (and restored) before the gallery's and the keys', so a
 * replayed key or record is refused while those are restored too. Runs on the global thread only.
 */
final class ErasureLoader implements Processor<String, LenientValue<ErasureRecord>, Void, Void> {
    private final GalleryUnsealer unsealer;
    private ProcessorContext<Void, Void> context;

    ErasureLoader(GalleryUnsealer unsealer) {
        this.unsealer = unsealer;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        unsealer.attach(context);
    }

    @Override
    public void process(Record<String, LenientValue<ErasureRecord>> record) {
        if (record.key() == null) {
            unsealer.skipKeyless(GalleryLoader.where(context));
            return;
        }
        unsealer.onErasureValue(record.key(), record.value(), GalleryLoader.where(context));
    }
}
