package dev.kiln.core.engine;

/** {@link RunIsolationBehaviour} with --isolation=chroot. */
class RunChrootIT extends RunIsolationBehaviour {
  @Override
  String isolation() {
    return "chroot";
  }
}
