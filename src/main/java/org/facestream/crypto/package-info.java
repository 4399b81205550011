/**
 * Encryption at rest of the gallery, by crypto-shredding: every subject has its own random 256-bit data key
 * ({@link org.facestream.crypto.SubjectKey}); its templates exist on topics, in RocksDB and in backups only
 * as AES-256-GCM ciphertext under that key ({@link org.facestream.crypto.GalleryCipher}); the data keys
 * travel on their own compacted topic {@code facestream.subject-keys.v1}, wrapped under a master
 * key-encryption key that lives only in configuration ({@link org.facestream.crypto.MasterKey}, several
 * by id for rotation: {@link org.facestream.crypto.MasterKeys}). Erasure destroys the subject's key
 * (tombstone), after which every copy of its gallery records, wherever it lies, is undecryptable. And the
 * audit log's authentication: {@link org.facestream.crypto.AuditKey} (HMAC-SHA256 over each audit record and
 * chain checkpoint, several by id for rotation: {@link org.facestream.crypto.AuditKeys}).
 *
 * <p>Plain JDK {@code javax.crypto}; no Kafka dependency. Every class is immutable and thread-safe.
 */
package org.facestream.crypto;
