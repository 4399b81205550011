package org.facestream.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.facestream.worker.BatchFallback.Done;
import org.facestream.worker.BatchFallback.Failed;
import org.facestream.worker.BatchFallback.Outcome;
import org.junit.jupiter.api.Test;

class BatchFallbackTest {
    private final List<List<Integer>> calls = new ArrayList<>();
    private final List<RuntimeException> batchFailures = new ArrayList<>();

    /** Squares numbers, and fails any call that holds a negative one (as a batch holding a bad frame fails). */
    private final Function<List<Integer>, List<Integer>> squares = items -> {
        calls.add(items);
        if (items.stream().anyMatch(i -> i < 0)) {
            throw new IllegalArgumentException("expected non-negative numbers, found " + items);
        }
        return items.stream().map(i -> i * i).toList();
    };

    @Test
    void aBatchThatSucceedsIsOneCall() {
        List<Outcome<Integer>> out = BatchFallback.apply(List.of(1, 2, 3), squares, batchFailures::add);
        assertThat(out).containsExactly(new Done<>(1), new Done<>(4), new Done<>(9));
        assertThat(calls).containsExactly(List.of(1, 2, 3));
        assertThat(batchFailures).isEmpty();
    }

    @Test
    void whenTheBatchFailsEachItemIsRetriedAloneAndOnlyTheBadOneFails() {
        List<Outcome<Integer>> out = BatchFallback.apply(List.of(2, -1, 3), squares, batchFailures::add);
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).isEqualTo(new Done<>(4));
        assertThat(out.get(1))
                .isInstanceOfSatisfying(
                        Failed.class,
                        f -> assertThat(f.cause()).hasMessage("expected non-negative numbers, found [-1]"));
        assertThat(out.get(2)).isEqualTo(new Done<>(9));
        assertThat(calls).containsExactly(List.of(2, -1, 3), List.of(2), List.of(-1), List.of(3));
        assertThat(batchFailures)
                .singleElement()
                .satisfies(e -> assertThat(e).hasMessage("expected non-negative numbers, found [2, -1, 3]"));
    }

    @Test
    void aStepThatLosesResultsCountsAsAFailedCall() {
        Function<List<Integer>, List<Integer>> dropsTheLast = items -> {
            calls.add(items);
            return items.size() > 1 ? items.subList(0, items.size() - 1) : items;
        };
        List<Outcome<Integer>> out = BatchFallback.apply(List.of(5, 6), dropsTheLast, batchFailures::add);
        assertThat(out).containsExactly(new Done<>(5), new Done<>(6));
        assertThat(batchFailures)
                .singleElement()
                .satisfies(e -> assertThat(e).hasMessage("expected 2 results, found 1"));
        assertThat(calls).containsExactly(List.of(5, 6), List.of(5), List.of(6));
    }

    @Test
    void noItemsIsNoCall() {
        assertThat(BatchFallback.apply(List.<Integer>of(), squares, batchFailures::add))
                .isEmpty();
        assertThat(calls).isEmpty();
    }
}
