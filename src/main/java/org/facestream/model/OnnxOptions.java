package org.facestream.model;

import java.util.Objects;

/**
 * How an {@link OnnxModel} session runs.
 *
 * @param intraOpThreads threads ONNX Runtime may use inside one run; 1 by default because on small CPUs two
 *     threads were not faster than one: parallelise across sessions or batches instead
 * @param provider where the graph runs
 */
public record OnnxOptions(int intraOpThreads, ExecutionProvider provider) {
    public OnnxOptions {
        if (intraOpThreads < 1 || intraOpThreads > 256) {
            throw new IllegalArgumentException("expected intraOpThreads in [1, 256], found " + intraOpThreads);
        }
        Objects.requireNonNull(provider, "provider");
    }

    /** One thread on the CPU. */
    public static OnnxOptions cpu() {
        return new OnnxOptions(1, ExecutionProvider.CPU);
    }
}
