package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.baseimage.Arm64BusyboxRootfs;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kiln against {@code buildah build --platform linux/amd64,linux/arm64 --manifest} on one
 * Dockerfile with COPY and RUN (arm64's under emulation for both): each platform's image is
 * unpacked with umoci and compared on what the platform changes (the files the build wrote, the
 * config's OS and architecture, the base's command). Both start from the same two-platform busybox,
 * built by kiln and served by a local registry.
 */
class MultiPlatformBuildahIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TWO = "linux/amd64,linux/arm64";
  private static final List<String> FILES = List.of("arch.txt", "uname", "targetarch");

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path work;

  @Test
  void eachPlatformsImageAgreesWithBuildahs() throws Exception {
    BuildHarness kiln = new BuildHarness(work.resolve("kiln"));
    ContextDir base = kiln.context();
    Files.copy(BusyboxRootfs.tar(), base.root().resolve("rootfs-amd64.tar"));
    Files.copy(Arm64BusyboxRootfs.tar(), base.root().resolve("rootfs-arm64.tar"));
    base.dockerfile(
        "FROM scratch\nARG TARGETARCH\nADD rootfs-${TARGETARCH}.tar /\nCMD [\"/bin/sh\"]\n");
    String baseRef = registry.reference("busybox:multi");
    kiln.build(
        base.root(),
        b -> b.platform(TWO).tag(baseRef).output(OutputSpecParser.parse("type=registry")));

    Path context =
        kiln.context()
            .file("amd64.txt", "for amd64\n")
            .file("arm64.txt", "for arm64\n")
            .dockerfile(
                "FROM "
                    + baseRef
                    + "\nARG TARGETARCH\nCOPY $TARGETARCH.txt /arch.txt\n"
                    + "RUN uname -m > /uname && echo \"$TARGETARCH\" > /targetarch\n")
            .root();
    Path kilnLayout = work.resolve("kiln-layout");
    kiln.build(
        context,
        b ->
            b.platform(TWO)
                .output(
                    OutputSpecParser.parse("type=oci,tar=false,name=x:kiln,dest=" + kilnLayout)));

    Path buildahLayout = work.resolve("buildah-layout");
    List<String> buildah =
        List.of(
            "buildah",
            "--root",
            work.resolve("buildah/root").toString(),
            "--runroot",
            work.resolve("buildah/run").toString(),
            "--storage-driver",
            "vfs");
    try {
      run(
          buildah,
          "build",
          "--isolation",
          "chroot",
          // A layer per instruction, as kiln (and BuildKit) write them.
          "--layers",
          "--tls-verify=false",
          "--platform",
          TWO,
          "--manifest",
          "multi",
          context.toString());
      run(buildah, "manifest", "push", "--all", "multi", "oci:" + buildahLayout + ":buildah");

      for (String arch : List.of("amd64", "arm64")) {
        Map<String, String> fromKiln = view(kilnLayout, "kiln", arch);
        Map<String, String> fromBuildah = view(buildahLayout, "buildah", arch);
        assertEquals(fromBuildah, fromKiln, arch);
      }
    } finally {
      run(buildah, "rmi", "--all", "--force");
      MountTable.unmountAllUnder(work.resolve("buildah"));
    }
  }

  /** One platform's files the build wrote, and the config fields a platform changes. */
  private Map<String, String> view(Path layout, String tag, String arch) throws Exception {
    Path one = work.resolve(tag + "-" + arch);
    ProcessRunner.run(
            List.of(
                "skopeo",
                "--insecure-policy",
                "--override-arch",
                arch,
                "copy",
                "oci:" + layout + ":" + tag,
                "oci:" + one + ":" + arch))
        .requireSuccess();
    UnpackedImage image = ImageInspector.unpackLayout(one, arch, work.resolve("unpack-" + tag));
    Map<String, String> view = new LinkedHashMap<>();
    for (String file : FILES) {
      view.put("file " + file, Files.readString(image.rootfs().resolve(file)));
    }
    JsonNode config = image.configJson();
    view.put("os", config.path("os").asText());
    view.put("architecture", config.path("architecture").asText());
    view.put("variant", config.path("variant").asText());
    view.put("cmd", config.path("config").path("Cmd").toString());
    view.put("layers", String.valueOf(JSON.readTree(image.manifest()).path("layers").size()));
    return view;
  }

  private static void run(List<String> buildah, String... args) {
    List<String> command = new ArrayList<>(buildah);
    command.addAll(List.of(args));
    ProcessRunner.run(command, Map.of("BUILDAH_ISOLATION", "chroot"), Duration.ofMinutes(8))
        .requireSuccess();
  }
}
