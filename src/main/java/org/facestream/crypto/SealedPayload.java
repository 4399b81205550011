package org.facestream.crypto;

import java.util.List;
import org.facestream.events.Template;

/**
 * The plaintext inside a sealed gallery record, as JSON: everything of a {@code GalleryRecord} that is not
 * in the clear on the record.
 *
 * @param displayName the subject's human-readable name (it may be a real name: identifying)
 * @param templates the templates: embeddings, sources and quality
 */
record SealedPayload(String displayName, List<Template> templates) {}
