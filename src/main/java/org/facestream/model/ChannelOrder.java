package org.facestream.model;

/** Channel order a network expects in its NCHW input. Frames are decoded as BGR. */
public enum ChannelOrder {
    RGB,
    BGR
}
