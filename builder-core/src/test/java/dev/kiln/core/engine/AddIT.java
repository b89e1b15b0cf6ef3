package dev.kiln.core.engine;

import static dev.kiln.core.engine.CopyAddIT.assertDir;
import static dev.kiln.core.engine.CopyAddIT.assertFile;
import static dev.kiln.core.engine.CopyAddIT.assertLink;
import static dev.kiln.core.engine.CopyAddIT.createdBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADD end to end: local tar archives in every compression Docker unpacks, archives that must not be
 * unpacked, and http URLs served by an in-test JDK {@link HttpServer}, with and without {@code
 * --checksum}.
 */
class AddIT {
  /** Member times of the test archive (2020-09-13T12:26:40Z). */
  private static final long ARCHIVE_MTIME = 1_600_000_000L;

  /** The Last-Modified the test server sends (2021-01-01T00:00:00Z). */
  private static final long SERVED_MTIME = 1_609_459_200L;

  private static final String SERVED = "downloaded over http\n";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;
  static HttpServer server;
  static final AtomicInteger requests = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/files/",
        exchange -> {
          requests.incrementAndGet();
          String name = exchange.getRequestURI().getPath().substring("/files/".length());
          byte[] body =
              switch (name) {
                case "data.txt" -> SERVED.getBytes(StandardCharsets.UTF_8);
                case "archive.tar.gz" -> gzip(tar());
                default -> null;
              };
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          exchange.getResponseHeaders().add("Last-Modified", "Fri, 01 Jan 2021 00:00:00 GMT");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + name;
  }

  @Test
  void localArchivesInEveryCompressionAreUnpacked() throws Exception {
    byte[] tar = tar();
    ContextDir ctx =
        kiln.context()
            .bytes("plain.tar", tar, 0644)
            .bytes("archive.tar.gz", gzip(tar), 0644)
            .bytes("archive.tar.bz2", compress(tar, "bzip2"), 0644)
            .bytes("archive.tar.xz", compress(tar, "xz"), 0644)
            .bytes("archive.tar.zst", compress(tar, "zstd"), 0644)
            .bytes("notes.txt.gz", gzip("just text\n".getBytes(StandardCharsets.UTF_8)), 0644)
            .dockerfile(
                """
                FROM busybox:kiln
                ADD plain.tar /plain/
                ADD archive.tar.gz /gz
                ADD archive.tar.bz2 /bz2/
                ADD archive.tar.xz /xz/
                ADD archive.tar.zst /zst/
                ADD notes.txt.gz /notes/
                COPY archive.tar.gz /copied/
                ADD --chown=1000:100 archive.tar.gz /owned/
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "add/archives:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());

    for (String dir : List.of("plain", "gz", "bz2", "xz", "zst")) {
      assertDir(tree, dir, 0755, 0, 0);
      // Members keep their owners, modes and times (moby's Untar without ChownOpts).
      assertDir(tree, dir + "/top", 0750, 1001, 1002);
      assertFile(tree, dir + "/top/file.txt", 0640, 1001, 1002, "inside the archive\n");
      assertLink(tree, dir + "/top/link", "file.txt");
      assertFile(tree, dir + "/top/hard", 0640, 1001, 1002, "inside the archive\n");
      assertTrue(
          Files.isSameFile(
              image.rootfs().resolve(dir + "/top/hard"),
              image.rootfs().resolve(dir + "/top/file.txt")),
          "a hard link in the archive stays one");
      assertEquals(
          ARCHIVE_MTIME,
          Files.getLastModifiedTime(image.rootfs().resolve(dir + "/top/file.txt")).toMillis()
              / 1000,
          dir);
    }
    // --chown applies to unpacked members and the directory made for them.
    assertDir(tree, "owned", 0755, 1000, 100);
    assertFile(tree, "owned/top/file.txt", 0640, 1000, 100, "inside the archive\n");
    // Recognised by content, not name: a gzip that is not a tar is copied as it is.
    assertEquals('f', tree.get("notes/notes.txt.gz").type());
    assertFalse(tree.containsKey("notes/notes.txt"));
    // COPY never unpacks.
    assertEquals('f', tree.get("copied/archive.tar.gz").type());
    assertFalse(tree.containsKey("copied/top"));
    List<String> history = createdBy(image.configJson());
    assertTrue(history.contains("ADD archive.tar.gz /gz # buildkit"), history.toString());
  }

  @Test
  void urlsAreDownloadedWithChecksumModeAndLastModified() throws Exception {
    String sha = "sha256:" + FileFacts.sha256(SERVED.getBytes(StandardCharsets.UTF_8));
    ContextDir ctx =
        kiln.context()
            .dockerfile(
                "FROM busybox:kiln\n"
                    + "ADD --checksum="
                    + sha
                    + " "
                    + url("data.txt")
                    + " /downloads/\n"
                    + "ADD "
                    + url("archive.tar.gz")
                    + " /dl/\n"
                    + "ADD --chmod=0644 --chown=1000 "
                    + url("data.txt")
                    + " /named.txt\n");
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "add/url:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    // BuildKit's http source writes the download 0600 and dates it with Last-Modified.
    assertFile(tree, "downloads/data.txt", 0600, 0, 0, SERVED);
    assertEquals(
        SERVED_MTIME,
        Files.getLastModifiedTime(image.rootfs().resolve("downloads/data.txt")).toMillis() / 1000);
    // Remote archives are not unpacked.
    assertEquals('f', tree.get("dl/archive.tar.gz").type());
    assertEquals(0600, tree.get("dl/archive.tar.gz").mode());
    assertFile(tree, "named.txt", 0644, 1000, 1000, SERVED);
    List<String> history = createdBy(image.configJson());
    assertTrue(
        history.contains("ADD " + url("archive.tar.gz") + " /dl/ # buildkit"), history.toString());
  }

  @Test
  void unpackTrueUnpacksARemoteArchiveAndFalseKeepsALocalOnePacked() throws Exception {
    ContextDir ctx =
        kiln.context()
            .bytes("local.tar.gz", gzip(tar()), 0644)
            .dockerfile(
                "FROM busybox:kiln\n"
                    + "ADD --unpack=true "
                    + url("archive.tar.gz")
                    + " /remote/\n"
                    + "ADD --unpack=false local.tar.gz /local/\n"
                    + "ADD --unpack=true local.tar.gz /unpacked/\n");
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "add/unpack:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    // BuildKit's --unpack=true: a downloaded archive is extracted like a local one, members kept.
    assertFile(tree, "remote/top/file.txt", 0640, 1001, 1002, "inside the archive\n");
    assertLink(tree, "remote/top/link", "file.txt");
    assertFalse(tree.containsKey("remote/archive.tar.gz"));
    // --unpack=false: the archive is copied as it is.
    assertEquals('f', tree.get("local/local.tar.gz").type());
    assertFalse(tree.containsKey("local/top"));
    assertFile(tree, "unpacked/top/file.txt", 0640, 1001, 1002, "inside the archive\n");
  }

  @Test
  void aWrongChecksumFailsTheStep() {
    String wrong = "sha256:" + "0".repeat(64);
    ContextDir ctx =
        kiln.context()
            .dockerfile(
                "FROM busybox:kiln\nADD --checksum=" + wrong + " " + url("data.txt") + " /x\n");
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), b -> {}));
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().contains("checksum"), failure.getMessage());
    assertTrue(failure.getMessage().contains(url("data.txt")), failure.getMessage());
  }

  @Test
  void aMissingUrlFailsWithTheStatus() {
    ContextDir ctx = kiln.context().dockerfile("FROM busybox:kiln\nADD " + url("nope") + " /x\n");
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), b -> {}));
    assertTrue(failure.getMessage().contains("404"), failure.getMessage());
  }

  @Test
  void aServerThatStallsMidBodyFailsTheStepNamingTheUrlAndTheBytes() {
    System.setProperty(dev.kiln.core.fetch.IdleLimit.PROPERTY, "1");
    try (var stalling = dev.kiln.testdata.net.StallingHttpServer.start(1234)) {
      String url = stalling.url("slow.bin");
      ContextDir ctx = kiln.context().dockerfile("FROM busybox:kiln\nADD " + url + " /x\n");
      long start = System.nanoTime();
      BuildFailure failure =
          assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), b -> {}));
      assertTrue(System.nanoTime() - start < 30_000_000_000L, "the build waited for the server");
      assertTrue(failure.getMessage().contains("ADD " + url), failure.getMessage());
      assertTrue(failure.getMessage().contains("after 1234 bytes"), failure.getMessage());
      assertTrue(failure.getMessage().contains("Dockerfile:2"), failure.getMessage());
    } finally {
      System.clearProperty(dev.kiln.core.fetch.IdleLimit.PROPERTY);
    }
  }

  // ---- archives ----

  /** top/ (0750, 1001:1002), top/file.txt (0640), top/link → file.txt, top/hard ⇒ file.txt. */
  static byte[] tar() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry root = new TarArchiveEntry("./");
      root.setMode(040755);
      put(tar, root, null);
      TarArchiveEntry top = new TarArchiveEntry("./top/");
      top.setMode(040750);
      put(tar, top, null);
      byte[] content = "inside the archive\n".getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry("./top/file.txt");
      file.setMode(0100640);
      file.setSize(content.length);
      put(tar, file, content);
      TarArchiveEntry link = new TarArchiveEntry("./top/link", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("file.txt");
      put(tar, link, null);
      TarArchiveEntry hard = new TarArchiveEntry("./top/hard", TarArchiveEntry.LF_LINK);
      hard.setLinkName("./top/file.txt");
      hard.setMode(0100640);
      put(tar, hard, null);
    }
    return bytes.toByteArray();
  }

  private static void put(TarArchiveOutputStream tar, TarArchiveEntry e, byte[] content)
      throws IOException {
    e.setIds(1001, 1002);
    e.setModTime(new Date(ARCHIVE_MTIME * 1000));
    tar.putArchiveEntry(e);
    if (content != null) {
      tar.write(content);
    }
    tar.closeArchiveEntry();
  }

  static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] compress(byte[] data, String kind) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream c =
        switch (kind) {
          case "bzip2" -> new BZip2CompressorOutputStream(out);
          case "xz" -> new XZCompressorOutputStream(out);
          default -> new ZstdCompressorOutputStream(out);
        }) {
      c.write(data);
    }
    return out.toByteArray();
  }
}
