package org.facestream.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One ONNX Runtime session over one model file, taking and returning plain float arrays.
 *
 * <p>Thread safety: {@link #run} may be called from several threads at once (ONNX Runtime sessions allow
 * concurrent runs; each call creates and closes its own tensors). {@link #close} must be called once, after
 * every run has returned. The process-wide {@link OrtEnvironment} is shared and never closed here.
 */
public final class OnnxModel implements AutoCloseable {
    private final String id;
    private final OrtEnvironment env;
    private final OrtSession.SessionOptions sessionOptions;
    private final OrtSession session;
    private final List<String> inputNames;
    private final List<String> outputNames;
    private final Map<String, long[]> inputShapes;

    private OnnxModel(String id, OrtEnvironment env, OrtSession.SessionOptions options, OrtSession session)
            throws OrtException {
        this.id = id;
        this.env = env;
        this.sessionOptions = options;
        this.session = session;
        this.inputNames = List.copyOf(session.getInputNames());
        this.outputNames = List.copyOf(session.getOutputNames());
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (e.getValue().getInfo() instanceof TensorInfo t) {
                shapes.put(e.getKey(), t.getShape());
            }
        }
        this.inputShapes = shapes;
    }

    /**
     * Opens a session on {@code file}. {@code id} names the model in every error message (use the file name or
     * pack id). The caller should have verified the file with {@link ModelFiles} first.
     *
     * @throws InferenceException when the file is not a loadable model or CUDA was asked for and is absent
     */
    public static OnnxModel open(Path file, String id, OnnxOptions options) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(options, "options");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setIntraOpNumThreads(options.intraOpThreads());
            so.setInterOpNumThreads(1);
            so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // w600k declares its output as [1, 512] while its batch is dynamic: ORT warns on every batch > 1
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (options.provider() == ExecutionProvider.CUDA) {
                if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                    throw new InferenceException(
                            "CUDA requested but ONNX Runtime has no CUDA provider (build with -Pcuda "
                                    + "to use onnxruntime_gpu, and install CUDA 12 + cuDNN 9); available: "
                                    + OrtEnvironment.getAvailableProviders());
                }
                so.addCUDA(0);
            }
            OrtSession session = env.createSession(file.toString(), so);
            try {
                return new OnnxModel(id, env, so, session);
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            so.close();
            throw new InferenceException(
                    "model " + id + ": could not open " + file + " on " + options.provider() + ": " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            so.close();
            throw e;
        }
    }

    public String id() {
        return id;
    }

    /** Input names in graph order. */
    public List<String> inputNames() {
        return inputNames;
    }

    /** Output names in graph order. */
    public List<String> outputNames() {
        return outputNames;
    }

    /** Declared shape of an input; -1 marks a dynamic dimension. */
    public long[] inputShape(String name) {
        long[] shape = inputShapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException(
                    "model " + id + ": expected an input named one of " + inputNames + ", found " + name);
        }
        return shape.clone();
    }

    /** Runs the graph on its single input. */
    public Map<String, FloatTensor> run(FloatTensor input, String context) {
        if (inputNames.size() != 1) {
            throw new IllegalStateException(
                    "model " + id + ": expected a single-input graph, found inputs " + inputNames);
        }
        return run(Map.of(inputNames.get(0), input), context);
    }

    /**
     * Runs the graph and returns every float output by name, in graph order.
     *
     * @param context what is being processed, for error messages (e.g. "frame cam-3/1042" or "batch of 8 crops")
     * @throws InferenceException wrapping the {@link OrtException}, with model id, context and input shapes
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> inputs, String context) {
        List<OnnxTensor> created = new ArrayList<>(inputs.size());
        try {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            for (Map.Entry<String, FloatTensor> e : inputs.entrySet()) {
                OnnxTensor t = OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(e.getValue().data()), e.getValue().shape());
                created.add(t);
                feed.put(e.getKey(), t);
            }
            try (OrtSession.Result result = session.run(feed)) {
                Map<String, FloatTensor> out = new LinkedHashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
                        FloatBuffer buffer = t.getFloatBuffer();
                        float[] values = new float[buffer.remaining()];
                        buffer.get(values);
                        out.put(e.getKey(), new FloatTensor(values, t.getInfo().getShape()));
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            StringBuilder shapes = new StringBuilder();
            inputs.forEach((k, v) -> shapes.append(' ').append(k).append(Arrays.toString(v.shape())));
            throw new InferenceException(
                    "model " + id + " failed on " + context + " (inputs" + shapes + "): " + e.getMessage(), e);
        } finally {
            created.forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new InferenceException("model " + id + ": closing its session failed: " + e.getMessage(), e);
        } finally {
            sessionOptions.close();
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + id + "]";
    }
}
