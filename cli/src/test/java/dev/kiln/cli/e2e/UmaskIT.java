package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files kiln writes for the user get the mode the umask gives a new file, as {@code >} or {@code
 * touch} would: they were 0600 whatever the umask, because they were renamed from {@code
 * Files.createTempFile}'s temp files.
 */
class UmaskIT {
  @TempDir Path home;

  @Test
  void outputsIidfileAndMetadataFollowTheUmask() throws Exception {
    KilnCli kiln = new KilnCli(home);
    Path context =
        kiln.context("app", Map.of("Dockerfile", "FROM scratch\nCOPY hello /\n", "hello", "hi\n"));
    for (String umask : new String[] {"022", "027"}) {
      String mode = umask.equals("022") ? "rw-r--r--" : "rw-r-----";
      Path out = Files.createDirectories(home.resolve("out-" + umask));
      kiln.runUnderUmask(
              umask,
              "build",
              "-q",
              "-t",
              "app:1",
              "--load",
              "--iidfile",
              out.resolve("iid").toString(),
              "--metadata-file",
              out.resolve("metadata.json").toString(),
              "-o",
              "type=oci,dest=" + out.resolve("oci.tar"),
              "-o",
              "type=docker,dest=" + out.resolve("docker.tar"),
              "-o",
              "type=tar,dest=" + out.resolve("files.tar"),
              "-o",
              "type=oci,tar=false,dest=" + out.resolve("layout"),
              context.toString())
          .ok();
      kiln.runUnderUmask(umask, "save", "app:1", "-o", out.resolve("saved.tar").toString()).ok();
      for (String file :
          new String[] {
            "iid",
            "metadata.json",
            "oci.tar",
            "docker.tar",
            "files.tar",
            "saved.tar",
            "layout/index.json",
            "layout/oci-layout"
          }) {
        assertEquals(mode, mode(out.resolve(file)), file + " under umask " + umask);
      }
      try (Stream<Path> blobs = Files.list(out.resolve("layout/blobs/sha256"))) {
        for (Path blob : blobs.toList()) {
          assertEquals(mode, mode(blob), blob + " under umask " + umask);
        }
      }
    }
  }

  private static String mode(Path file) throws Exception {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
  }
}
