package dev.kiln.core.engine;

import dev.kiln.core.sandbox.MountTable;
import dev.kiln.testdata.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code buildah} from Debian with a private storage (its own {@code --root} and {@code --runroot}
 * under the test's directory, overlay driver), so a test never touches the machine's images and the
 * machine's images never change a test.
 */
final class Buildah implements AutoCloseable {
  private final Path root;
  private final Path runRoot;

  Buildah(Path dir) {
    this.root = dir.resolve("storage");
    this.runRoot = dir.resolve("run");
  }

  /** {@code buildah --version}, or why buildah cannot run here. */
  static String version() {
    ProcessRunner.Result r = ProcessRunner.run(List.of("buildah", "--version"));
    return r.exitCode() == 0 ? r.stdout().strip() : r.stderr().strip();
  }

  /** Copies {@code tag} of an OCI layout into the storage as {@code name}. */
  void importImage(Path layout, String tag, String name) {
    ProcessRunner.run(
            List.of(
                "skopeo",
                "--insecure-policy",
                "copy",
                "oci:" + layout + ":" + tag,
                "containers-storage:[overlay@" + root + "+" + runRoot + "]" + name))
        .requireSuccess();
  }

  /**
   * {@code buildah build --isolation chroot --layers --pull=never --format docker} of {@code
   * context} (Dockerfile in it) tagged {@code name}, with {@code extra} arguments before the
   * context. The docker format is the one in which buildah honours {@code SHELL} (with {@code
   * --format oci} it warns and ignores it); {@link #push} converts the result to OCI.
   */
  ProcessRunner.Result build(Path context, String name, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("build", "--isolation", "chroot", "--layers"));
    args.addAll(List.of("--pull=never", "--format", "docker", "-t", name));
    args.addAll(extra);
    args.add(context.toString());
    return buildah(args).requireSuccess();
  }

  /** Writes image {@code name} as {@code tag} of an OCI layout at {@code layout}. */
  void push(String name, Path layout, String tag) {
    buildah(List.of("push", name, "oci:" + layout + ":" + tag)).requireSuccess();
  }

  private ProcessRunner.Result buildah(List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "buildah",
                "--root",
                root.toString(),
                "--runroot",
                runRoot.toString(),
                "--storage-driver",
                "overlay"));
    command.addAll(args);
    return ProcessRunner.run(command, Map.of("BUILDAH_ISOLATION", "chroot"), Duration.ofMinutes(5));
  }

  /** Removes every image and leaves no overlay mounted under the storage. */
  @Override
  public void close() {
    buildah(List.of("rmi", "--all", "--force"));
    MountTable.unmountAllUnder(root);
    MountTable.unmountAllUnder(runRoot);
  }
}
