package org.facestream.match;

/**
 * Reason codes the matcher writes in {@link org.facestream.events.DeadLetters#HEADER_REASON} (and uses as
 * metric labels). Codes are stable: dashboards and alert rules select on them.
 */
public final class DeadLetterReasons {
  /** Bytes that do not read as the expected record (bad JSON, a violated invariant, a missing value). */
  public static final String DESERIALIZATION_FAILED = "deserialization-failed";
  /** The record was made with another model pack than the matcher's. */
  public static final String MODEL_PACK_MISMATCH = "model-pack-mismatch";
  /** The embedding length differs from the gallery's. */
  public static final String EMBEDDING_DIMENSION_MISMATCH = "embedding-dimension-mismatch";
  /**
   * An embedding holding NaN or an infinite value (a broken embedder or a producer bug): it has no cosine
   * with anything. Such bytes do not make a valid observation, but they get their own reason rather than
   * {@link #DESERIALIZATION_FAILED} because the cure is different (the model, not the bytes).
   */
  public static final String EMBEDDING_NOT_FINITE = "embedding-not-finite";
  /** An embedding of zeros (a broken embedder): it has no direction, so no cosine. */
  public static final String EMBEDDING_ZERO_NORM = "embedding-zero-norm";
  /** A gallery record whose subject id differs from its key. */
  public static final String SUBJECT_KEY_MISMATCH = "subject-key-mismatch";
  /** A gallery record without a key (cannot be attributed to a subject). */
  public static final String MISSING_KEY = "missing-key";
  /**
   * A gallery record sealed under a data key this matcher saw destroyed by an erasure: a restored backup or
   * a replayed copy of an erased subject. It can never be decrypted again.
   */
  public static final String KEY_DESTROYED = "key-destroyed";
  /**
   * A gallery record that does not open under its subject's data key: its ciphertext or a clear field was
   * changed, or it was sealed for another subject and moved. Also a record that authenticates but whose
   * payload does not read or breaks the record's invariants (a template with NaN, of another length or not
   * L2-normalised, no template, another template count or dimension than the clear fields declare): only a
   * writer holding the subject's key can make one, so that writer is broken. The logged detail tells the two
   * apart ("does not authenticate" or "authenticates but ...").
   */
  public static final String DECRYPTION_FAILED = "decryption-failed";
  /**
   * A subject-key record that cannot be used: unreadable bytes, a subject id that differs from the key, a
   * master key that is not configured, or a wrapped key that does not authenticate.
   */
  public static final String KEY_UNREADABLE = "key-unreadable";
  /** An unexpected failure while matching a readable observation (a bug, never expected). */
  public static final String MATCH_FAILED = "match-failed";

  private DeadLetterReasons() {}
}
