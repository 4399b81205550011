package org.facestream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.facestream.testing.Await;
import org.junit.jupiter.api.Test;

class LatestFrameHandoffTest {
    private static final Duration NOW = Duration.ZERO;

    @Test
    void liveModeEvictsTheOldestAndReleasesIt() throws Exception {
        List<Integer> released = new CopyOnWriteArrayList<>();
        var handoff = new LatestFrameHandoff<Integer>(2, LatestFrameHandoff.Mode.DROP_OLDEST, released::add);
        for (int i = 1; i <= 5; i++) {
            assertThat(handoff.put(i)).isTrue(); // never waits
        }
        assertThat(handoff.dropped()).isEqualTo(3);
        assertThat(released).containsExactly(1, 2, 3);
        assertThat(handoff.poll(NOW)).isEqualTo(4);
        assertThat(handoff.poll(NOW)).isEqualTo(5);
        assertThat(handoff.poll(NOW)).isNull();
    }

    @Test
    void fileModeBlocksUntilTheConsumerTakesAndLosesNothing() throws Exception {
        var handoff = new LatestFrameHandoff<Integer>(1, LatestFrameHandoff.Mode.BLOCK, i -> {
            throw new AssertionError("nothing may be dropped in BLOCK mode, found " + i);
        });
        assertThat(handoff.put(1)).isTrue();
        var secondPut = new CountDownLatch(1);
        var producer = Thread.ofPlatform().start(() -> {
            try {
                handoff.put(2);
                secondPut.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(secondPut.await(300, TimeUnit.MILLISECONDS))
                .as("put into a full slot must wait")
                .isFalse();
        assertThat(handoff.poll(NOW)).isEqualTo(1);
        assertThat(secondPut.await(2, TimeUnit.SECONDS)).isTrue();
        assertThat(handoff.poll(NOW)).isEqualTo(2);
        producer.join();
        assertThat(handoff.dropped()).isZero();
    }

    @Test
    void closeLetsTheConsumerDrainAndRefusesNewItems() throws Exception {
        var handoff = new LatestFrameHandoff<Integer>(3, LatestFrameHandoff.Mode.BLOCK, i -> {});
        handoff.put(7);
        handoff.put(8);
        handoff.close();
        assertThat(handoff.put(9)).isFalse();
        assertThat(handoff.isDrained()).isFalse();
        assertThat(handoff.poll(Duration.ofSeconds(1))).isEqualTo(7);
        assertThat(handoff.poll(Duration.ofSeconds(1))).isEqualTo(8);
        assertThat(handoff.poll(Duration.ofSeconds(1))).isNull(); // returns at once once closed and empty
        assertThat(handoff.isDrained()).isTrue();
    }

    @Test
    void closeWakesABlockedProducer() throws Exception {
        var handoff = new LatestFrameHandoff<Integer>(1, LatestFrameHandoff.Mode.BLOCK, i -> {});
        handoff.put(1);
        var result = new AtomicBoolean(true);
        var producer = Thread.ofPlatform().start(() -> {
            try {
                result.set(handoff.put(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Await.until(
                "the producer blocked on the full handoff",
                Duration.ofSeconds(10),
                () -> producer.getState() == Thread.State.WAITING || producer.getState() == Thread.State.TIMED_WAITING);
        handoff.close();
        producer.join(10_000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(result.get()).isFalse();
    }

    @Test
    void discardReleasesWaitingItems() throws Exception {
        List<Integer> released = new CopyOnWriteArrayList<>();
        var handoff = new LatestFrameHandoff<Integer>(4, LatestFrameHandoff.Mode.DROP_OLDEST, released::add);
        handoff.put(1);
        handoff.put(2);
        handoff.discard();
        assertThat(released).containsExactly(1, 2);
        assertThat(handoff.poll(NOW)).isNull();
        assertThat(handoff.dropped()).isZero(); // discarded on stop, not dropped for being late
    }
}
