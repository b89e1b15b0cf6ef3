package dev.kiln.core.engine;

/** {@link MountContainment} with --isolation=oci (runc). */
class MountContainmentOciIT extends MountContainment {
  @Override
  String isolation() {
    return "oci";
  }
}
