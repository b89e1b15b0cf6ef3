package dev.kiln.core.engine;

/** {@link RunBehaviour} with --isolation=oci and --snapshotter=overlay. */
class RunOciOverlayIT extends RunBehaviour {
  @Override
  String isolation() {
    return "oci";
  }

  @Override
  String snapshotter() {
    return "overlay";
  }
}
