package dev.kiln.core.checksum;

import dev.kiln.core.layer.EntryType;
import java.util.Objects;

/**
 * What a content checksum covers of a file's header: the fields a tar header carries and a copy
 * preserves. No modification time, so touching a file or checking it out again does not change its
 * checksum. A regular file's bytes and {@code security.capability} come separately ({@link
 * FileContent}), because they cost a read.
 *
 * @param type the kind of file
 * @param mode permission bits including setuid, setgid and sticky ({@code 07777} at most)
 * @param uid numeric owner
 * @param gid numeric group
 * @param size content length of a regular file, else 0
 * @param linkTarget a symlink's target as stored (a hardlink's target path), else ""
 * @param devMajor a device's major number, else 0
 * @param devMinor a device's minor number, else 0
 */
public record FileMeta(
    EntryType type,
    int mode,
    long uid,
    long gid,
    long size,
    String linkTarget,
    int devMajor,
    int devMinor) {
  public FileMeta {
    Objects.requireNonNull(type, "type");
    linkTarget = linkTarget == null ? "" : linkTarget;
  }

  /** A directory with {@code mode}, owned by {@code uid:gid}. */
  public static FileMeta directory(int mode, long uid, long gid) {
    return new FileMeta(EntryType.DIRECTORY, mode, uid, gid, 0, "", 0, 0);
  }
}
