package dev.kiln.core.engine;

/** {@link RunBehaviour} with --isolation=chroot and --snapshotter=overlay. */
class RunChrootOverlayIT extends RunBehaviour {
  @Override
  String isolation() {
    return "chroot";
  }

  @Override
  String snapshotter() {
    return "overlay";
  }
}
