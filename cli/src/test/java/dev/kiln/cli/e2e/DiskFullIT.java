package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.ExitCode;
import dev.kiln.registry.model.Digest;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A disk that fills up while kiln writes, made real with a 1 MiB tmpfs (the tests run as root, as
 * the other end-to-end tests do) used as an output's destination or as kiln's store: the error
 * names the path and the system's "No space left on device", kiln exits with the documented code
 * for file-system failures, and nothing half-written is left under a final name.
 */
class DiskFullIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path home;
  static KilnCli kiln;
  static Path context;
  static String image;

  /** A 1 MiB tmpfs, mounted for one test. */
  Path small;

  @BeforeAll
  static void aContextAndAnImageLargerThanTheDisk() throws IOException {
    kiln = new KilnCli(home);
    context = kiln.context("big", Map.of("Dockerfile", "FROM scratch\nCOPY big.bin /\n"));
    byte[] noise = new byte[3 << 20]; // incompressible: the layer stays 3 MiB
    new Random(13).nextBytes(noise);
    Files.write(context.resolve("big.bin"), noise);
    image = registry.reference("big:1");
    kiln.run("build", "-q", "--push", "-t", image, context.toString()).ok();
  }

  @BeforeEach
  void mountASmallDisk() throws IOException {
    small = Files.createTempDirectory(home, "small-");
    ProcessRunner.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString()))
        .requireSuccess();
  }

  @AfterEach
  void unmount() {
    ProcessRunner.run(List.of("umount", small.toString())).requireSuccess();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "type=oci,dest=DEST",
        "type=docker,dest=DEST",
        "type=oci,tar=false,dest=DEST",
        "type=tar,dest=DEST",
        "type=local,dest=DEST"
      })
  void aBuildOutputThatFillsTheDiskNamesItAndLeavesNothing(String spec) throws IOException {
    Path dest = small.resolve("out");
    KilnCli.Result build =
        kiln.run("build", "-q", "-o", spec.replace("DEST", dest.toString()), context.toString())
            .exits(ExitCode.FILE_SYSTEM);
    assertFullDiskNamed(build, dest);
    assertEquals(List.of(), contents(small), "nothing is left on the full disk");
  }

  @Test
  void aPullToAnArchiveThatFillsTheDiskNamesItAndLeavesNothing() throws IOException {
    Path dest = small.resolve("pulled.tar");
    KilnCli.Result pull =
        kiln.run("pull", "-q", "-o", "type=oci,dest=" + dest, image).exits(ExitCode.FILE_SYSTEM);
    assertFullDiskNamed(pull, dest);
    assertEquals(List.of(), contents(small), "nothing is left on the full disk");
  }

  @Test
  void aPullIntoAFullStoreNamesTheStoreAndKeepsNoPartialBlob() throws IOException {
    Path store = small.resolve("store");
    KilnCli.Result pull =
        kiln.run("pull", "-q", "--cache-dir", store.toString(), image).exits(ExitCode.FILE_SYSTEM);
    assertFullDiskNamed(pull, store);
    assertEveryBlobMatchesItsName(store);
  }

  @Test
  void aBuildWhoseStoreFillsUpNamesTheStoreAndTheStep() throws IOException {
    Path store = small.resolve("store");
    KilnCli.Result build =
        kiln.run("build", "-q", "--cache-dir", store.toString(), context.toString())
            .exits(ExitCode.FILE_SYSTEM);
    assertFullDiskNamed(build, store);
    assertTrue(build.stderr().contains("Dockerfile:2:1: "), build.describe());
    assertEveryBlobMatchesItsName(store);
  }

  private static void assertFullDiskNamed(KilnCli.Result result, Path path) {
    String stderr = result.stderr();
    String first = stderr.lines().findFirst().orElse("");
    assertTrue(first.startsWith("ERROR: "), result.describe());
    assertTrue(first.contains(" " + path + ": "), result.describe());
    assertTrue(first.contains("No space left on device"), result.describe());
    assertTrue(stderr.contains("hint: free space on the file system"), result.describe());
    assertFalse(stderr.contains("internal error"), result.describe());
    assertFalse(stderr.contains("Exception"), result.describe());
  }

  /** A blob is named by the digest of its bytes: a truncated one under that name is corrupt. */
  private static void assertEveryBlobMatchesItsName(Path store) throws IOException {
    Path blobs = store.resolve("blobs/sha256");
    if (!Files.isDirectory(blobs)) {
      return;
    }
    for (Path blob : contents(blobs)) {
      String name = blob.getFileName().toString();
      if (name.matches("[0-9a-f]{64}")) {
        assertEquals(
            "sha256:" + name,
            Digest.sha256(Files.readAllBytes(blob)).toString(),
            "a partial blob is kept under its digest: " + blob);
      }
    }
  }

  private static List<Path> contents(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}
