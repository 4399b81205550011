package org.facestream.model;

/** Where ONNX Runtime runs a graph. */
public enum ExecutionProvider {
    CPU,
    /** NVIDIA GPU 0; needs the {@code onnxruntime_gpu} build ({@code ./mvnw -Pcuda}). */
    CUDA
}
