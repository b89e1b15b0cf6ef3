package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.testdata.git.LocalGitServer;
import dev.kiln.testdata.net.ForwardProxy;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln build URL} as buildx takes it (issue 16, item 15): a git repository served by {@code
 * git daemon} and smart HTTP on loopback ({@code #ref:dir} picks the commit and the context
 * directory, where the Dockerfile is looked up and {@code -f} is relative to), and an http URL of a
 * gzip tar or of a Dockerfile.
 */
class UrlContextTest {
  @TempDir static Path work;
  static LocalGitServer git;
  static HttpServer http;
  static String second;

  @BeforeAll
  static void start() throws Exception {
    git = LocalGitServer.start(work.resolve("git"));
    LocalGitServer.Repository repo = git.repository("ctx");
    repo.commit(
        Map.of(
            "app/Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n",
            "app/hello.txt", "hello v1\n",
            "app/docker/Other", "FROM scratch\nCOPY hello.txt /other.txt\n",
            "Dockerfile", "FROM scratch\nCOPY app/hello.txt /root.txt\n"),
        "one");
    repo.git("tag", "v1");
    second = repo.commit(Map.of("app/hello.txt", "hello v2\n"), "two");
    repo.push("main", "v1");

    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          byte[] body =
              switch (exchange.getRequestURI().getPath()) {
                case "/ctx.tar.gz" -> contextTar();
                case "/linked.tar.gz" -> linkedTar("Dockerfile", "/etc/hostname");
                case "/linked-ignore.tar.gz" -> linkedTar(".dockerignore", "/etc/hostname");
                case "/device.tar.gz" -> linkedTar("Dockerfile", "/dev/zero");
                case "/huge" -> new byte[(16 << 20) + 1];
                case "/Dockerfile" ->
                    "FROM scratch\nCOPY <<EOF /made.txt\nmade\nEOF\n"
                        .getBytes(StandardCharsets.UTF_8);
                default -> null;
              };
          if (body == null) {
            exchange.sendResponseHeaders(404, -1);
          } else {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
          exchange.close();
        });
    http.start();
  }

  @AfterAll
  static void stop() {
    if (git != null) {
      git.close();
    }
    if (http != null) {
      http.stop(0);
    }
  }

  private static String httpUrl(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  @Test
  void aGitUrlIsCheckedOutAndItsFragmentPicksRefAndDirectory() throws Exception {
    Path main = work.resolve("main");
    var run =
        RealEngineRun.kiln(
            work,
            new byte[0],
            RealEngineRun.build(
                work, git.httpUrl("ctx") + "#main:app", "-o", "type=local,dest=" + main));
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("hello v2\n", Files.readString(main.resolve("hello.txt")));

    Path tag = work.resolve("tag");
    var tagged =
        RealEngineRun.kiln(
            work,
            new byte[0],
            RealEngineRun.build(
                work,
                git.gitUrl("ctx") + "#v1:app",
                "-f",
                "docker/Other",
                "-o",
                "type=local,dest=" + tag));
    assertEquals(0, tagged.exitCode(), tagged.stderr());
    assertEquals("hello v1\n", Files.readString(tag.resolve("other.txt")));

    Path root = work.resolve("root");
    var whole =
        RealEngineRun.kiln(
            work,
            new byte[0],
            RealEngineRun.build(work, git.gitUrl("ctx"), "-o", "type=local,dest=" + root));
    assertEquals(0, whole.exitCode(), whole.stderr());
    assertEquals("hello v2\n", Files.readString(root.resolve("root.txt")));
  }

  /**
   * A context URL's password reaches git only through a credential helper (the server asks for
   * Basic authentication), so the kept .git's config, its relative submodule's included, and the
   * messages do not hold it.
   */
  @Test
  void aGitContextsPasswordStaysOutOfTheKeptGitDirectory() throws Exception {
    LocalGitServer.Repository lib = git.repository("ctxlib");
    String libCommit = lib.commit(Map.of("lib.txt", "lib\n"), "lib");
    lib.push("main");
    LocalGitServer.Repository repo = git.repository("ctxsec");
    repo.commit(
        Map.of(
            "Dockerfile",
            "FROM scratch\nCOPY . /\n",
            ".gitmodules",
            "[submodule \"lib\"]\n\tpath = lib\n\turl = ../ctxlib.git\n"),
        "one");
    repo.git("update-index", "--add", "--cacheinfo", "160000," + libCommit + ",lib");
    repo.git("commit", "-q", "-m", "with a relative submodule");
    repo.push("main");
    String url =
        git.authHttpUrl("ctxsec")
            .replace(
                "http://", "http://" + LocalGitServer.USER + ":" + LocalGitServer.PASSWORD + "@");
    Path out = work.resolve("secured");
    var run =
        RealEngineRun.kiln(
            work,
            new byte[0],
            RealEngineRun.build(
                work,
                url + "#main",
                "--build-arg",
                "BUILDKIT_CONTEXT_KEEP_GIT_DIR=1",
                "-o",
                "type=local,dest=" + out));
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("lib\n", Files.readString(out.resolve("lib/lib.txt")));
    for (Path config :
        List.of(out.resolve(".git/config"), out.resolve(".git/modules/lib/config"))) {
      String text = Files.readString(config);
      assertFalse(text.contains(LocalGitServer.PASSWORD), config + ":\n" + text);
      assertTrue(text.contains("url = http://127.0.0.1:"), config + ":\n" + text);
    }
    assertFalse(run.stderr().contains(LocalGitServer.PASSWORD), run.stderr());
  }

  @Test
  void aMissingRefOrADockerfileOutsideTheContextIsRefused() {
    var missing =
        RealEngineRun.kiln(
            work, new byte[0], RealEngineRun.build(work, git.gitUrl("ctx") + "#nope"));
    assertEquals(2, missing.exitCode(), missing.stderr());
    assertTrue(missing.stderr().contains("no branch, tag or ref named nope"), missing.stderr());
    var outside =
        RealEngineRun.kiln(
            work,
            new byte[0],
            RealEngineRun.build(work, git.gitUrl("ctx") + "#main:app", "-f", "../../x"));
    assertEquals(2, outside.exitCode(), outside.stderr());
    assertTrue(outside.stderr().contains("leaves the context"), outside.stderr());
  }

  @Test
  void anHttpTarballIsTheContextAndAnHttpDockerfileBuildsWithAnEmptyOne() throws Exception {
    Path out = work.resolve("tarball");
    var run =
        RealEngineRun.kiln(
            work,
            new byte[0],
            RealEngineRun.build(work, httpUrl("/ctx.tar.gz"), "-o", "type=local,dest=" + out));
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("from the tarball\n", Files.readString(out.resolve("served.txt")));

    Path made = work.resolve("dockerfile");
    var dockerfile =
        RealEngineRun.kiln(
            work,
            new byte[0],
            RealEngineRun.build(work, httpUrl("/Dockerfile"), "-o", "type=local,dest=" + made));
    assertEquals(0, dockerfile.exitCode(), dockerfile.stderr());
    assertEquals("made\n", Files.readString(made.resolve("made.txt")));

    var missing =
        RealEngineRun.kiln(work, new byte[0], RealEngineRun.build(work, httpUrl("/nope.tar")));
    assertEquals(2, missing.exitCode(), missing.stderr());
    assertTrue(missing.stderr().contains("HTTP 404"), missing.stderr());
    assertFalse(missing.stderr().contains("Exception"), missing.stderr());
  }

  /** A context server that sends its headers and then stalls fails the build, not hangs it. */
  @Test
  void aContextServerThatStallsFailsNamingTheUrlAndTheBytes() {
    System.setProperty("kiln.download.idleSeconds", "1");
    try (var stalling = dev.kiln.testdata.net.StallingHttpServer.start(512)) {
      String url = stalling.url("ctx.tar.gz");
      long start = System.nanoTime();
      var run = RealEngineRun.kiln(work, new byte[0], RealEngineRun.build(work, url));
      assertTrue(System.nanoTime() - start < 30_000_000_000L, "the build waited for the server");
      assertEquals(2, run.exitCode(), run.stderr());
      assertTrue(run.stderr().contains("the context " + url), run.stderr());
      assertTrue(run.stderr().contains("after 512 bytes"), run.stderr());
      assertFalse(run.stderr().contains("Exception"), run.stderr());
    } finally {
      System.clearProperty("kiln.download.idleSeconds");
    }
  }

  /** A context URL goes through the environment's proxy with its user and password, as ADD's. */
  @Test
  void aContextUrlGoesThroughAProxyThatWantsCredentials() throws Exception {
    try (ForwardProxy proxy =
        ForwardProxy.requiringCredentials("builder", "s3cret")
            .resolving("context.test", InetAddress.getLoopbackAddress())) {
      proxy.start();
      String url = "http://context.test:" + http.getAddress().getPort() + "/ctx.tar.gz";
      Path out = work.resolve("proxied");
      var run =
          RealEngineRun.kiln(
              work,
              Map.of("HTTP_PROXY", proxy.url().replace("://", "://builder:s3cret@")),
              new byte[0],
              RealEngineRun.build(work, url, "-o", "type=local,dest=" + out));
      assertEquals(0, run.exitCode(), run.stderr());
      assertEquals("from the tarball\n", Files.readString(out.resolve("served.txt")));
      assertTrue(
          proxy.requestsTo("context.test:" + http.getAddress().getPort()).stream()
              .anyMatch(ForwardProxy.Request::authorized),
          proxy.requests().toString());
    }
  }

  /**
   * Whoever serves a context chooses its links: kiln must not read a file of this machine, or an
   * endless device, as the Dockerfile or ignore file, nor hold an endless body in memory.
   */
  @Test
  void aFetchedContextCannotMakeKilnReadHostFilesOrExhaustIt() {
    for (String path : List.of("/linked.tar.gz", "/linked-ignore.tar.gz", "/device.tar.gz")) {
      var run = RealEngineRun.kiln(work, new byte[0], RealEngineRun.build(work, httpUrl(path)));
      assertEquals(2, run.exitCode(), path + ": " + run.stderr());
      assertTrue(run.stderr().contains("fetched context"), path + ": " + run.stderr());
      assertFalse(run.stderr().contains("Exception"), run.stderr());
    }
    var huge = RealEngineRun.kiln(work, new byte[0], RealEngineRun.build(work, httpUrl("/huge")));
    assertEquals(2, huge.exitCode(), huge.stderr());
    assertTrue(huge.stderr().contains("at most 16 MiB"), huge.stderr());
  }

  /** A context whose {@code name} is a symlink to {@code target}, plus a plain Dockerfile. */
  private static byte[] linkedTar(String name, String target) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar =
          new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
        if (!name.equals("Dockerfile")) {
          add(tar, "Dockerfile", "FROM scratch\nCOPY . /\n");
        }
        TarArchiveEntry link = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
        link.setLinkName(target);
        tar.putArchiveEntry(link);
        tar.closeArchiveEntry();
      }
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] contextTar() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream tar =
          new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
        add(tar, "Dockerfile", "FROM scratch\nCOPY files/served.txt /served.txt\n");
        add(tar, "files/served.txt", "from the tarball\n");
      }
      return bytes.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void add(TarArchiveOutputStream tar, String name, String content)
      throws java.io.IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100644);
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }
}
