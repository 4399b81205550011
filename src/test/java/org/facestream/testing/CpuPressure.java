package org.facestream.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A busy machine inside the test JVM, for stress tests: threads that spin (the CPU contention of other builds on
 * a 2-core machine, so a thread can be descheduled anywhere, native code included) and one thread that churns
 * the heap and asks for full collections (so the GC, reference processing and finalizers run often, at any point
 * another thread is in native code). Closing stops and joins them.
 */
public final class CpuPressure implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong collections = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    private CpuPressure(int spinners, boolean churnHeap) {
        for (int i = 0; i < spinners; i++) {
            threads.add(Thread.ofPlatform().daemon().name("cpu-spinner-" + i).start(this::spin));
        }
        if (churnHeap) {
            threads.add(Thread.ofPlatform().daemon().name("heap-churn").start(this::churn));
        }
    }

    /** Starts {@code spinners} spinning threads and, when {@code churnHeap}, the heap-churning one. */
    public static CpuPressure start(int spinners, boolean churnHeap) {
        return new CpuPressure(spinners, churnHeap);
    }

    /** Full collections asked for so far. */
    public long collections() {
        return collections.get();
    }

    private void spin() {
        long x = 0;
        while (running.get()) {
            x += System.nanoTime() & 7;
        }
        if (x == 42) {
            System.out.print(""); // keeps the loop from being optimised away
        }
    }

    private void churn() {
        List<byte[]> kept = new ArrayList<>();
        long rounds = 0;
        while (running.get()) {
            kept.add(new byte[256 << 10]);
            if (kept.size() > 64) {
                kept.clear();
            }
            if (++rounds % 200 == 0) {
                System.gc();
                collections.incrementAndGet();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
    }
}
