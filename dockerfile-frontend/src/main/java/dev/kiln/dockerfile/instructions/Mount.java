package dev.kiln.dockerfile.instructions;

import java.util.Locale;

/**
 * One {@code RUN --mount}. Fields that do not apply to the mount's type are empty or null.
 *
 * @param type bind, cache, tmpfs, secret or ssh
 * @param from the stage, image or named context the source is read from ("" = build context)
 * @param source path inside {@code from} (bind/cache), or the secret's id (secret: another name for
 *     {@code id=}, which cannot be given with it)
 * @param target where it is mounted in the container
 * @param readOnly whether it is mounted read-only
 * @param cacheId cache id (cache) or secret/ssh id
 * @param sharing cache sharing mode, null when not set
 * @param required secret/ssh: fail when not provided
 * @param sizeLimit tmpfs size in bytes, 0 when unlimited
 * @param mode file mode (cache/secret/ssh), null when not set
 * @param uid owner uid, null when not set
 * @param gid owner gid, null when not set
 * @param env secret: expose it as this environment variable, "" when not set
 */
public record Mount(
    Type type,
    String from,
    String source,
    String target,
    boolean readOnly,
    String cacheId,
    Sharing sharing,
    boolean required,
    long sizeLimit,
    Integer mode,
    Long uid,
    Long gid,
    String env) {

  /** Mount types of the stable Dockerfile syntax. */
  public enum Type {
    BIND,
    CACHE,
    TMPFS,
    SECRET,
    SSH;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Cache mount sharing modes. */
  public enum Sharing {
    SHARED,
    PRIVATE,
    LOCKED;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
