package dev.kiln.core.sandbox;

/** One line of a user namespace's uid or gid map: {@code size} ids from {@code hostId} on. */
public record IdMapping(long containerId, long hostId, long size) {
  public IdMapping {
    if (containerId < 0 || hostId < 0 || size <= 0) {
      throw new IllegalArgumentException(
          "invalid id mapping " + containerId + " " + hostId + " " + size);
    }
  }
}
