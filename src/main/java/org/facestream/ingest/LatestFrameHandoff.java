package org.facestream.ingest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The bounded slot between the grab thread and the encode/produce thread. When the consumer falls
 * behind, a live source must not queue frames forever (latency would grow without bound), so in
 * {@link Mode#DROP_OLDEST} a new frame evicts the oldest waiting one, which is released and counted.
 * A file processed as fast as possible must lose nothing, so in {@link Mode#BLOCK} the producer waits.
 *
 * <p>Thread-safe: one or more producers, one or more consumers.
 *
 * @param <T> what is handed over; evicted items go to the {@code onDrop} callback (to free native memory)
 */
public final class LatestFrameHandoff<T> {
    /** What {@link #put} does when the slot is full. */
    public enum Mode {
        /** Evict the oldest waiting item: for live sources and real-time pacing. */
        DROP_OLDEST,
        /** Wait for room: for files processed as fast as possible, where every sampled frame counts. */
        BLOCK
    }

    private final int capacity;
    private final Mode mode;
    private final Consumer<? super T> onDrop;
    private final ArrayDeque<T> items;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private long dropped;
    private boolean closed;

    public LatestFrameHandoff(int capacity, Mode mode, Consumer<? super T> onDrop) {
        if (capacity < 1) {
            throw new IllegalArgumentException("expected handoff capacity >= 1, found " + capacity);
        }
        this.capacity = capacity;
        this.mode = Objects.requireNonNull(mode, "mode");
        this.onDrop = Objects.requireNonNull(onDrop, "onDrop");
        this.items = new ArrayDeque<>(capacity);
    }

    /**
     * Hands {@code item} over. In DROP_OLDEST mode never waits; in BLOCK mode waits for room.
     *
     * @return false when the handoff is closed (the item was not taken; the caller still owns it)
     * @throws InterruptedException when interrupted while waiting for room (the caller still owns the item)
     */
    public boolean put(T item) throws InterruptedException {
        Objects.requireNonNull(item, "item");
        T evicted = null;
        lock.lockInterruptibly();
        try {
            while (!closed && items.size() >= capacity && mode == Mode.BLOCK) {
                notFull.await();
            }
            if (closed) {
                return false;
            }
            if (items.size() >= capacity) {
                evicted = items.pollFirst();
                dropped++;
            }
            items.addLast(item);
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        if (evicted != null) {
            onDrop.accept(evicted); // outside the lock: releasing a Mat may take a moment
        }
        return true;
    }

    /**
     * Takes the oldest waiting item, waiting up to {@code timeout}.
     *
     * @return the item, or null when none arrived in time or the handoff is closed and empty
     */
    public T poll(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (items.isEmpty()) {
                if (closed || nanos <= 0) {
                    return null;
                }
                nanos = notEmpty.awaitNanos(nanos);
            }
            T item = items.pollFirst();
            notFull.signal();
            return item;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting items. Waiting items stay available to {@link #poll} (the end of a file is
     * processed to its last frame); blocked producers return false.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Removes and releases everything still waiting (on abort). */
    public void discard() {
        ArrayDeque<T> rest;
        lock.lock();
        try {
            rest = new ArrayDeque<>(items);
            items.clear();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        rest.forEach(onDrop);
    }

    /** True when closed and nothing is left to take. */
    public boolean isDrained() {
        lock.lock();
        try {
            return closed && items.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Items evicted because the consumer was behind. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    public Mode mode() {
        return mode;
    }

    public int capacity() {
        return capacity;
    }
}
