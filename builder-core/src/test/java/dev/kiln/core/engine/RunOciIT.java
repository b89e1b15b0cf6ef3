package dev.kiln.core.engine;

/** {@link RunIsolationBehaviour} with --isolation=oci. */
class RunOciIT extends RunIsolationBehaviour {
  @Override
  String isolation() {
    return "oci";
  }
}
