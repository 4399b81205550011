/**
 * The vision worker: consumes {@code facestream.frames.v1} (consumer group {@code facestream-worker}),
 * analyses each frame's faces and produces {@code facestream.faces.v1}, in Kafka transactions (exactly
 * once); frames it cannot read go to {@code facestream.deadletter.v1} with their reason. No stores.
 */
package org.facestream.worker;
