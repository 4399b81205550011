/**
 * Configuration: {@link org.facestream.config.FaceStreamConfig} declares every key once (type, default,
 * validator, documentation; the README's table is generated from it) and resolves defaults, a properties
 * file, the environment and flags; the typed records each stage receives ({@link
 * org.facestream.config.VisionOptions}, {@link org.facestream.config.WorkerConfig}, {@link
 * org.facestream.config.IngestSettings}, {@link org.facestream.config.ApiSettings}) are built here, so stage
 * code never reads keys. Also the master-key set-up ({@link org.facestream.config.MasterKeySetup}) and the
 * model-pack set-up ({@link org.facestream.config.VisionSetup}). No topics, no stores.
 */
package org.facestream.config;
