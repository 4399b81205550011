package org.facestream.gallery;

/** Names of the gallery's state stores; the store name also names its directory under the state dir. */
public final class GalleryStoreNames {
    /**
     * Global persistent (RocksDB) key-value store: subject id to its current {@link
     * org.facestream.events.SealedGalleryRecord}, ciphertext as on the topic. Only records of the expected
     * model pack and dimension that have not been refused are written to it.
     */
    public static final String TEMPLATES_BY_SUBJECT = "templates-by-subject";

    /**
     * Global in-memory key-value store: subject id to its wrapped data key ({@link
     * org.facestream.events.SubjectKeyRecord}). In memory so that no key, even wrapped, is ever on the
     * matcher's disk, and so that every start re-reads the key topic and cannot keep a destroyed key.
     */
    public static final String KEYS_BY_SUBJECT = "keys-by-subject";

    /**
     * Global persistent (RocksDB) key-value store: data key id to the {@link org.facestream.events.ErasureRecord}
     * that destroyed it, from the append-only {@code facestream.erasures.v1}. A key record or a gallery record naming
     * one of these keys (a replay, a restored backup) is refused, also after a restart. Holds no key material.
     */
    public static final String DESTROYED_KEYS = "destroyed-keys";

    private GalleryStoreNames() {}
}
