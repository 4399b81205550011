package org.facestream.worker;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.errors.InterruptException;

/**
 * Kafka's {@link MockConsumer} with one change: a poll that finds nothing waits for its timeout (or a
 * {@link #wakeup()}) as the real consumer does, instead of returning at once, so a worker running on its own
 * thread idles between polls rather than spinning a core.
 */
final class IdlingMockConsumer extends MockConsumer<String, byte[]> {
    private final Semaphore woken = new Semaphore(0);

    IdlingMockConsumer() {
        super("earliest");
    }

    @Override
    public ConsumerRecords<String, byte[]> poll(Duration timeout) {
        ConsumerRecords<String, byte[]> records = super.poll(timeout);
        if (records.isEmpty()) {
            try {
                woken.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptException(e);
            }
        }
        return records;
    }

    @Override
    public synchronized void wakeup() {
        super.wakeup();
        woken.release();
    }
}
