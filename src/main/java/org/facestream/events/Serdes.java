package org.facestream.events;

/** The serde of every message type, in one place. */
public final class Serdes {
  private Serdes() {}

  public static FrameSerde frames() {
    return new FrameSerde();
  }

  public static JsonSerde<FaceObservation> faces() {
    return new JsonSerde<>(FaceObservation.class);
  }

  public static JsonSerde<GalleryRecord> gallery() {
    return new JsonSerde<>(GalleryRecord.class);
  }

  public static IdentityEventSerde identities() {
    return new IdentityEventSerde();
  }

  public static JsonSerde<AuditRecord> audit() {
    return new JsonSerde<>(AuditRecord.class);
  }
}
