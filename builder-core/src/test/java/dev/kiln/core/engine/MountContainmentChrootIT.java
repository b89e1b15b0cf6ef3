package dev.kiln.core.engine;

/** {@link MountContainment} with --isolation=chroot. */
class MountContainmentChrootIT extends MountContainment {
  @Override
  String isolation() {
    return "chroot";
  }
}
