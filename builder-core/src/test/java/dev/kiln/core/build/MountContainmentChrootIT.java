package dev.kiln.core.build;

/** {@link MountContainment} with --isolation=chroot. */
class MountContainmentChrootIT extends MountContainment {
  @Override
  String isolation() {
    return "chroot";
  }
}
