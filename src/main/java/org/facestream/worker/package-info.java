/**
 * The vision worker stage: consumes {@code facestream.frames.v1} (consumer group {@code facestream-worker},
 * {@code read_committed}), analyses each frame's faces and produces {@code facestream.faces.v1} keyed by
 * camera id; frames it cannot use go to {@code facestream.deadletter.v1} with stage {@code worker}, their
 * reason and their source topic, partition and offset in headers. Observations, dead letters and the consumer
 * offsets of one poll commit in one Kafka transaction (exactly once). No Kafka stores: the per-camera state below
 * lives in memory and a restart or rebalance starts it afresh.
 *
 * <p>A camera's frames all reach one worker (camera id is the partition key), so the worker follows each camera's
 * faces and analyses each face once per track rather than once per frame:
 *
 * <ul>
 *   <li>{@link org.facestream.worker.VisionWorker}: the consume-transform-produce loop of one instance, over
 *       Kafka's {@code Consumer} and {@code Producer} interfaces; it keeps the cameras' state of an aborted
 *       transaction from counting and forgets the cameras of revoked partitions;
 *   <li>{@link org.facestream.worker.FrameAnalysis}: a poll's frames, camera by camera: motion gate, detection
 *       (the frames of every camera together), tracking, best-shot choice, embedding (the chosen faces of every
 *       camera together);
 *   <li>{@link org.facestream.worker.MotionGate}: skips detection where nothing moved since the last detected
 *       frame (a 64-px grey copy) and tells a scene cut, which ends a camera's tracks, from motion;
 *   <li>{@link org.facestream.worker.FaceTracker}: SORT/ByteTrack-style tracks from box motion and overlap, no
 *       embedding; track ids {@code cameraId/ingestRun/t<frame>.<k>} travel on every observation;
 *   <li>{@link org.facestream.worker.BestShot}: the one quality score (detector score, eye distance, sharpness,
 *       pose) and when a track's face is embedded: at the start, for a clearly better shot, after an interval;
 *   <li>{@link org.facestream.worker.WorkerClients}: opens the Kafka clients (the real, transactional ones, or
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
