package org.facestream.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs a batch step (the analysis of a poll's frames) over all items at once, and when the batch fails, over
 * each item alone: one frame the models cannot process must not block its partition, so only the items that
 * fail on their own are failed. The batch is the fast path (the embedder runs the faces of all frames in one
 * call); the fallback costs one call per item and happens only after a failure. Stateless.
 */
final class BatchFallback {
    private BatchFallback() {}

    /** What became of one item. */
    sealed interface Outcome<R> permits Done, Failed {}

    /** The item's result, from the batch or from its own call. */
    record Done<R>(R result) implements Outcome<R> {}

    /** The item failed on its own; {@code cause} is what its own call threw. */
    record Failed<R>(RuntimeException cause) implements Outcome<R> {}

    /**
     * One outcome per item, in item order.
     *
     * @param step returns one result per item, in item order; a result list of another length counts as a
     *     failure of the call
     * @param onBatchFailure told why the whole batch failed, before the items are retried one by one
     */
    static <T, R> List<Outcome<R>> apply(
            List<T> items, Function<List<T>, List<R>> step, Consumer<RuntimeException> onBatchFailure) {
        if (items.isEmpty()) {
            return List.of();
        }
        try {
            List<Outcome<R>> out = new ArrayList<>(items.size());
            for (R result : call(step, items)) {
                out.add(new Done<>(result));
            }
            return out;
        } catch (RuntimeException batchFailure) {
            onBatchFailure.accept(batchFailure);
        }
        List<Outcome<R>> out = new ArrayList<>(items.size());
        for (T item : items) {
            try {
                out.add(new Done<>(call(step, List.of(item)).get(0)));
            } catch (RuntimeException e) {
                out.add(new Failed<>(e));
            }
        }
        return out;
    }

    private static <T, R> List<R> call(Function<List<T>, List<R>> step, List<T> items) {
        List<R> results = step.apply(items);
        if (results.size() != items.size()) {
            throw new IllegalStateException("expected " + items.size() + " results, found " + results.size());
        }
        return results;
    }
}
