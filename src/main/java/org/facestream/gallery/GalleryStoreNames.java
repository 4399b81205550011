package org.facestream.gallery;

/** Names of the gallery's state stores; the store name also names its directory under the state dir. */
public final class GalleryStoreNames {
  /**
   * Global key-value store: subject id to its current {@link org.facestream.events.GalleryRecord}. Only
   * readable records of the expected model pack and dimension are written to it.
   */
  public static final String TEMPLATES_BY_SUBJECT = "templates-by-subject";

  private GalleryStoreNames() {}
}
