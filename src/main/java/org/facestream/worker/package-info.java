/**
 * The vision worker stage: consumes {@code facestream.frames.v1} (consumer group {@code facestream-worker},
 * {@code read_committed}), analyses each frame's faces and produces {@code facestream.faces.v1} keyed by
 * camera id; frames it cannot use go to {@code facestream.deadletter.v1} with stage {@code worker}, their
 * reason and their source topic, partition and offset in headers. Observations, dead letters and the consumer
 * offsets of one poll commit in one Kafka transaction (exactly once). No stores.
 *
 * <ul>
 *   <li>{@link org.facestream.worker.VisionWorker}: the consume-transform-produce loop of one instance, over
 *       Kafka's {@code Consumer} and {@code Producer} interfaces;
 *   <li>{@link org.facestream.worker.WorkerClients}: opens those clients (the real, transactional ones, or
 *       Kafka's mocks in tests);
 *   <li>{@link org.facestream.worker.FrameAdmission}: the pure decision whether a frame record may be analysed
 *       (size limits, deserialization, decompression-bomb guard, decode budget, corrupt image) or is dead-lettered, and why;
 *   <li>{@link org.facestream.worker.BatchFallback}: a failed batch is analysed frame by frame, so only the
 *       frame the models fail on is dead-lettered;
 *   <li>{@link org.facestream.worker.WorkerPool}: the instances of one process, each with its own analyzer
 *       and thread.
 * </ul>
 */
package org.facestream.worker;
