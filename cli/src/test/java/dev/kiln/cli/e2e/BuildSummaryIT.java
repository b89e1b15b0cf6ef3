package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closing lines of a build say what each output got: files written where, and, when one build
 * writes images of two digests (OCI and Docker media types), which digest went where; each name is
 * listed once however many outputs carry it.
 */
class BuildSummaryIT {
  private static final Pattern WROTE =
      Pattern.compile("(?m)^wrote (sha256:[0-9a-f]{64}) \\(([^)]*)\\) to (.*)$");

  @TempDir static Path home;
  static KilnCli kiln;
  static Path context;

  @BeforeAll
  static void context() {
    kiln = new KilnCli(home);
    context =
        kiln.context(
            "summary", Map.of("Dockerfile", "FROM scratch\nCOPY a.txt /a.txt\n", "a.txt", "a\n"));
  }

  @Test
  void aLocalExportEndsWithWhereTheFilesWent() throws Exception {
    Path out = home.resolve("files");
    Path tar = home.resolve("files.tar");
    KilnCli.Result build =
        kiln.run(
                "build",
                "--progress=plain",
                "-o",
                "type=local,dest=" + out,
                "-o",
                "type=tar,dest=" + tar,
                context.toString())
            .ok();
    assertTrue(Files.isRegularFile(out.resolve("a.txt")));
    List<String> lines = build.stderr().lines().toList();
    assertEquals(
        List.of(
            "wrote the final stage's files to " + out,
            "wrote the final stage's files to " + tar + " (tar)"),
        lines.subList(lines.size() - 2, lines.size()),
        build.describe());
  }

  @Test
  void twoDigestsAreBothPrintedAndEachNameOnce() {
    Path oci = home.resolve("oci.tar");
    Path docker = home.resolve("docker-types.tar");
    KilnCli.Result build =
        kiln.run(
                "build",
                "--progress=plain",
                "-t",
                "app:1",
                "-t",
                "app:1",
                "-t",
                "registry.example/app:2",
                "--load",
                "-o",
                "type=oci,dest=" + oci,
                "-o",
                "type=oci,dest=" + docker + ",oci-mediatypes=false",
                context.toString())
            .ok();
    Matcher wrote = WROTE.matcher(build.stderr());
    assertTrue(wrote.find(), build.describe());
    assertEquals("oci", wrote.group(2), build.describe());
    assertEquals(oci.toString(), wrote.group(3));
    String ociDigest = wrote.group(1);
    assertTrue(wrote.find(), build.describe());
    assertEquals("oci, oci-mediatypes=false", wrote.group(2));
    assertEquals(docker.toString(), wrote.group(3));
    assertNotEquals(ociDigest, wrote.group(1), "Docker media types make another manifest");
    assertTrue(wrote.find(), build.describe());
    assertEquals("image", wrote.group(2));
    assertEquals("kiln's store as docker.io/library/app:1, registry.example/app:2", wrote.group(3));

    List<String> named =
        build.stderr().lines().filter(l -> l.startsWith("  -> ")).map(l -> l.substring(5)).toList();
    assertEquals(List.of("app:1", "registry.example/app:2"), named, build.describe());
    assertTrue(build.stderr().contains("built " + ociDigest), build.describe());
  }
}
