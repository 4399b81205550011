package org.facestream.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets a long-running command block until Ctrl-C / SIGTERM and still close its resources in order: the
 * shutdown hook wakes the command thread and then waits (up to 30 s) for it to finish closing, because the
 * JVM would otherwise exit while transactions and RocksDB stores are being closed.
 */
final class ShutdownSignal implements AutoCloseable {
    private final CountDownLatch signalled = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook;

    ShutdownSignal() {
        hook = new Thread(
                () -> {
                    signalled.countDown();
                    try {
                        closed.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "facestream-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until the process is asked to stop. */
    void await() throws InterruptedException {
        signalled.await();
    }

    /** Blocks until asked to stop or until {@code millis} pass; true when asked to stop. */
    boolean await(long millis) throws InterruptedException {
        return signalled.await(millis, TimeUnit.MILLISECONDS);
    }

    boolean isSignalled() {
        return signalled.getCount() == 0;
    }

    /** Call after closing everything: releases the shutdown hook. */
    @Override
    public void close() {
        closed.countDown();
        if (!isSignalled()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and will see 'closed'
            }
        }
    }
}
