package dev.kiln.core.engine;

/** {@link RunBehaviour} with --isolation=oci and --snapshotter=copy. */
class RunOciCopyIT extends RunBehaviour {
  @Override
  String isolation() {
    return "oci";
  }

  @Override
  String snapshotter() {
    return "copy";
  }
}
