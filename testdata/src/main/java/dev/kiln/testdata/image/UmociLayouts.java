package dev.kiln.testdata.image;

import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.nio.file.Path;
import java.util.List;

/**
 * OCI layouts made by {@code umoci}, an independent tool, to feed kiln images it did not produce
 * itself (for pulls, {@code FROM oci-layout://…}, interop tests).
 */
public final class UmociLayouts {
  private UmociLayouts() {}

  /**
   * Creates an OCI layout at {@code layout} whose tag {@code tag} is the busybox rootfs as one
   * layer with {@code Cmd ["/bin/sh"]}. umoci stamps the current time, so two calls differ in
   * digest.
   */
  public static Path busybox(Path layout, String tag) {
    ProcessRunner.run(List.of("umoci", "init", "--layout", layout.toString())).requireSuccess();
    String image = layout + ":" + tag;
    ProcessRunner.run(List.of("umoci", "new", "--image", image)).requireSuccess();
    ProcessRunner.run(
            List.of("umoci", "raw", "add-layer", "--image", image, BusyboxRootfs.tar().toString()))
        .requireSuccess();
    ProcessRunner.run(List.of("umoci", "config", "--image", image, "--config.cmd", "/bin/sh"))
        .requireSuccess();
    return layout;
  }
}
