package org.facestream.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void returnsAsSoonAsTheConditionHoldsWithTheValueThatMadeItHold() {
        AtomicInteger polls = new AtomicInteger();
        Await.until("the third poll", Duration.ofSeconds(30), () -> polls.incrementAndGet() >= 3);
        assertThat(polls).hasValue(3);
        List<Integer> value = Await.until(
                "a list of two", Duration.ofSeconds(30), () -> List.of(polls.incrementAndGet(), 0), l -> l.get(0) >= 5);
        assertThat(value).containsExactly(5, 0);
    }

    @Test
    void failsWithWhatWasAwaitedAndTheLastValueSeen() {
        assertThatThrownBy(
                        () -> Await.until("two members", Duration.ofMillis(50), () -> List.of("a"), l -> l.size() == 2))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected two members within 50 ms, found it not yet so; last seen: [a]");
        assertThatThrownBy(() -> Await.until("the broker", Duration.ofMillis(50), () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected the broker within 50 ms, found it not yet so");
    }

    @Test
    void aConditionThatThrowsFailsAtOnceNamingWhatWasAwaited() {
        assertThatThrownBy(() -> Await.until("the topic", Duration.ofSeconds(30), () -> {
                    throw new IOException("connection refused");
                }))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected the topic, found the check failing: java.io.IOException: connection refused")
                .hasCauseInstanceOf(IOException.class);
    }
}
