package dev.kiln.core.build;

/** {@link MountContainment} with --isolation=oci (runc). */
class MountContainmentOciIT extends MountContainment {
  @Override
  String isolation() {
    return "oci";
  }
}
