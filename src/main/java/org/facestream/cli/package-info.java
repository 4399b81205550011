/**
 * The command line, and the only package that wires stages together.
 *
 * <p>Commands: one picocli subcommand per role ({@code broker}, {@code ingest}, {@code worker}, {@code matcher},
 * {@code gallery} (the gallery processor), {@code enroll}, {@code erase}, {@code api}, {@code api-key}, {@code keys}, {@code audit}, {@code demo},
 * {@code eval}, {@code bench}, {@code models}, {@code config}; {@link org.facestream.cli.FaceStreamCli} is the
 * root and maps failures to exit codes). A command parses its options into a typed record and calls one service
 * of a stage package (the eval commands call {@code eval}'s experiments, {@code ingest} calls
 * {@link org.facestream.ingest.CameraIngest}); commands never call commands. Options several commands share are
 * picocli mixins: {@link org.facestream.cli.CommonOptions} (configuration file, {@code -D} keys, broker, models),
 * {@link org.facestream.cli.EnrollOptions} ({@code --enroll}), {@link org.facestream.cli.FpsOption}
 * ({@code --fps}), {@link org.facestream.cli.DataDirOption} ({@code --data}) and
 * {@link org.facestream.cli.EvalOptions} ({@code --pack}, {@code --models}).
 *
 * <p>Wiring of the one-JVM run: {@link org.facestream.cli.InProcessPipeline} starts the whole pipeline on a real
 * in-process broker (the catalogue's topics, the audit chain, the gallery processor, the enrolled gallery, the matcher, optionally the
 * API, the identity tap and the worker pool); {@link org.facestream.cli.InProcessRun} runs one camera through it
 * ({@code demo}, {@code bench pipeline}) and {@link org.facestream.cli.SoakRun} several ({@code bench soak}).
 *
 * <p>Topics: the stages started here read and write every topic of {@code topologies/topics.json}, which the
 * in-process pipeline creates on its broker; {@link org.facestream.cli.IdentityEventTap} reads
 * {@code facestream.identities.v1} for the demo's output and summary. Stores: none of its own (the matcher's
 * belong to {@code match}).
 */
package org.facestream.cli;
