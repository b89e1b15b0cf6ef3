package dev.kiln.core.engine;

/** {@link RunBehaviour} with --isolation=chroot and --snapshotter=copy. */
class RunChrootCopyIT extends RunBehaviour {
  @Override
  String isolation() {
    return "chroot";
  }

  @Override
  String snapshotter() {
    return "copy";
  }
}
