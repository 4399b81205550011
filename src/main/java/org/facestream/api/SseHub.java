package org.facestream.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent events to many clients. {@link #publish} never blocks: each client has a bounded queue that
 * its own request thread drains to the socket, and a client whose queue is full (it reads too slowly) is
 * dropped, so one slow browser cannot hold back the consumer that feeds everyone. A comment line every
 * heartbeat interval keeps proxies from closing idle streams and detects gone clients. Thread-safe.
 */
public final class SseHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SseHub.class);
    private static final Frame CLOSE = new Frame(new byte[0], Set.of());
    private final int queueCapacity;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService heartbeat;
    private final LongAdder dropped = new LongAdder();
    private volatile boolean closed;

    /** Bytes to send, and the subjects they name (so an erasure can drop them before they are sent). */
    private record Frame(byte[] bytes, Set<String> subjects) {}

    private static final class Client {
        final BlockingQueue<Frame> queue;

        Client(int capacity) {
            queue = new ArrayBlockingQueue<>(capacity);
        }
    }

    public SseHub(int queueCapacity, Duration heartbeatInterval) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("expected an SSE queue capacity >= 1, found " + queueCapacity);
        }
        this.queueCapacity = queueCapacity;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("sse-heartbeat").factory());
        long ms = heartbeatInterval.toMillis();
        heartbeat.scheduleAtFixedRate(
                () -> broadcast(new Frame(": heartbeat\n\n".getBytes(StandardCharsets.UTF_8), Set.of())),
                ms,
                ms,
                TimeUnit.MILLISECONDS);
    }

    /** Sends {@code json} as one {@code data:} line to every client (JSON from Jackson has no raw newlines). */
    public void publish(String json) {
        publish(json, Set.of());
    }

    /** As {@link #publish(String)}, for a message that names {@code subjects} ({@link #purge} drops it while queued). */
    public void publish(String json, Set<String> subjects) {
        broadcast(new Frame(
                ("data: " + json.replace("\n", "") + "\n\n").getBytes(StandardCharsets.UTF_8), Set.copyOf(subjects)));
    }

    /** Drops every queued message that names {@code subjectId} from every client's queue (an erasure). */
    public void purge(String subjectId) {
        for (Client c : clients) {
            c.queue.removeIf(f -> f.subjects().contains(subjectId));
        }
    }

    private void broadcast(Frame frame) {
        for (Client c : clients) {
            if (!c.queue.offer(frame)) {
                drop(c);
            }
        }
    }

    private void drop(Client c) {
        if (clients.remove(c)) {
            dropped.increment();
            LOG.info("dropped a slow server-sent-events client ({} events queued)", queueCapacity);
            c.queue.clear();
            c.queue.offer(CLOSE);
        }
    }

    /** Clients connected now. */
    public int clients() {
        return clients.size();
    }

    /** Clients dropped for reading too slowly, since start. */
    public long droppedClients() {
        return dropped.sum();
    }

    /**
     * Streams to {@code out} on the calling (request) thread until the client goes away, is dropped, the hub
     * closes or {@code open} turns false (checked every second: the server closing). {@code first} is written
     * at once (e.g. a retry hint).
     */
    public void serve(OutputStream out, String first, BooleanSupplier open) throws IOException {
        if (closed) {
            return;
        }
        Client c = new Client(queueCapacity);
        clients.add(c);
        try {
            out.write(first.getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                Frame frame = c.queue.poll(1, TimeUnit.SECONDS);
                if (frame == CLOSE || closed || !open.getAsBoolean()) {
                    return;
                }
                if (frame != null) {
                    out.write(frame.bytes());
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(c);
        }
    }

    @Override
    public void close() {
        closed = true;
        heartbeat.shutdownNow();
        for (Client c : clients) {
            c.queue.clear();
            c.queue.offer(CLOSE);
        }
    }
}
