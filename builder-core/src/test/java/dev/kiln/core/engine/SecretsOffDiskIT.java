package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.core.sandbox.ProcessScan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secret values never reach the store's disk: not while the step that uses them runs, not after the
 * build is SIGKILLed in the middle of it. A file secret ({@code --secret id=..,src=FILE}) and an
 * environment secret ({@code env=}, which an OCI runtime's {@code config.json} carries) are looked
 * for, byte for byte, in every file under the store; the memory-backed directory they live in
 * instead is removed by the next build.
 */
@Timeout(600) // a guard against a hang, not a measurement
class SecretsOffDiskIT {
  @TempDir Path tmp;
  private final String sleep = "sleep " + (800 + ThreadLocalRandom.current().nextInt(99));

  @AfterEach
  void removeLeftovers() {
    for (long pid : ProcessScan.withMarker(sleep)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    MountTable.unmountAllUnder(tmp);
  }

  @ParameterizedTest
  @ValueSource(strings = {"oci", "chroot"})
  void noSecretByteIsInTheStoreDuringAStepOrAfterSigkill(String isolation) throws Exception {
    BusyboxBuilds builds = BusyboxBuilds.create(tmp);
    String fileSecret = "file-secret-" + UUID.randomUUID();
    String envSecret = "env-secret-" + UUID.randomUUID();
    Path secretFile = builds.dir("secrets").resolve("token");
    Files.writeString(secretFile, fileSecret + "\n");
    Path ctx = builds.dir("ctx");
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM busybox:test\n"
            + "RUN --mount=type=secret,id=tok,target=/run/secrets/tok"
            + " --mount=type=secret,id=envtok,env=TOKEN"
            + " sh -c 'test -s /run/secrets/tok && test -n \"$TOKEN\" && echo step-is-running && "
            + sleep
            + "'\n");
    Path store = builds.cacheDir();
    Path space;
    try (ChildBuild child =
        ChildBuild.start(
            store,
            ctx,
            List.of(
                "isolation=" + isolation,
                "secret=id=tok,src=" + secretFile,
                "secret=id=envtok,env=KILN_TEST_TOKEN"),
            Map.of("KILN_TEST_TOKEN", envSecret))) {
      child.await(line -> line.equals("output step-is-running"), 240);
      assertEquals(List.of(), filesHolding(store, fileSecret, envSecret), "while the step runs");
      space = secretSpaceOf(store);
      assertTrue(isMemoryBacked(space), space + " is not a tmpfs");
      assertFalse(filesHolding(space, fileSecret, envSecret).isEmpty(), "the secrets are there");
      child.signal("KILL");
      assertEquals(137, child.waitFor(120), child.output());
    }
    assertEquals(List.of(), filesHolding(store, fileSecret, envSecret), "after SIGKILL");

    // The next build cleans up the dead build's workspace, its memory-backed directory with it.
    Files.writeString(ctx.resolve("Dockerfile"), "FROM busybox:test\nRUN echo next > /next\n");
    builds.build(BuildRequest.builder(ctx).isolation(isolation));
    assertFalse(Files.exists(space, LinkOption.NOFOLLOW_LINKS), space + " was left behind");
    assertEquals(List.of(), ProcessScan.withMarker(sleep), "the killed build's step is stopped");
  }

  /** The target of the one live build's secret-space link in the store's workspaces. */
  private static Path secretSpaceOf(Path store) throws IOException {
    try (Stream<Path> builds = Files.list(store.resolve("tmp"))) {
      List<Path> links =
          builds.map(b -> b.resolve(SecretSpace.LINK)).filter(Files::isSymbolicLink).toList();
      assertEquals(1, links.size(), links.toString());
      return Files.readSymbolicLink(links.get(0));
    }
  }

  private static boolean isMemoryBacked(Path dir) throws IOException {
    FileStore fs = Files.getFileStore(dir);
    return fs.type().equals("tmpfs") || fs.type().equals("ramfs");
  }

  /** Every regular file under {@code root} (links not followed) holding one of the values. */
  private static List<Path> filesHolding(Path root, String... values) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attributes) {
            if (!attributes.isRegularFile()) {
              return FileVisitResult.CONTINUE;
            }
            try {
              String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
              for (String v : values) {
                if (text.contains(v)) {
                  found.add(f);
                }
              }
            } catch (IOException e) {
              // Removed meanwhile: it holds nothing now.
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path f, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    return found;
  }
}
