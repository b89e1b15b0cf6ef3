package dev.kiln.core.checksum;

/**
 * What {@code stat} says about a file that changes whenever its content or attributes may have
 * changed: a memoised checksum is reused only while all of it is unchanged. The change time matters
 * most: no user can set it, and writing, {@code chmod}, {@code chown} and {@code setcap} all update
 * it, even when a tool restores the modification time.
 *
 * @param device the file system's device number
 * @param inode the inode number
 * @param size the size in bytes
 * @param mtimeNanos modification time, nanoseconds since the epoch
 * @param ctimeNanos status change time, nanoseconds since the epoch
 * @param mode the full {@code st_mode} (type and permission bits)
 */
public record StatStamp(
    long device, long inode, long size, long mtimeNanos, long ctimeNanos, int mode) {}
