package dev.kiln.core.engine;

import static dev.kiln.core.engine.CopyAddIT.assertFile;
import static dev.kiln.core.engine.CopyAddIT.createdBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.SshSpec;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.git.LocalGitServer;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADD of git repositories against real git servers on loopback ({@code git daemon} for git://,
 * {@code git http-backend} as smart HTTP for http://): branches, tags, commits, subdirectories,
 * {@code --keep-git-dir}, {@code --checksum}, the cache keyed on the resolved commit, and the
 * errors for a missing ref, a missing subdirectory and an ssh URL without an agent.
 */
class AddGitIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;
  static LocalGitServer git;
  static LocalGitServer.Repository app;
  static String first;
  static String second;

  @BeforeAll
  static void start() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    git = LocalGitServer.start(work.resolve("git"));
    app = git.repository("app");
    Files.write(app.workTree().resolve("archive.tar"), AddIT.tar());
    first =
        app.commit(
            Map.of(
                "README", "first\n",
                "bin/run.sh", "#!/bin/sh\necho run\n",
                "sub/inner.txt", "inside sub\n"),
            "first");
    app.executable("bin/run.sh");
    first = app.commit(Map.of(), "first, executable");
    app.git("tag", "-a", "-m", "version one", "v1");
    app.git("branch", "feature");
    second = app.commit(Map.of("README", "second\n"), "second");
    app.push("main", "feature", "v1");
  }

  @AfterAll
  static void stop() {
    if (git != null) {
      git.close();
    }
  }

  @Test
  void branchesTagsCommitsAndSubdirectoriesOverGitAndHttp() throws Exception {
    String dockerfile =
        "FROM busybox:kiln\n"
            + ("ADD " + git.gitUrl("app") + " /default\n")
            + ("ADD " + git.gitUrl("app") + "#main /main\n")
            + ("ADD " + git.httpUrl("app") + "#v1 /tag\n")
            + ("ADD " + git.gitUrl("app") + "#" + first + " /commit\n")
            + ("ADD " + git.httpUrl("app") + "#feature:sub /sub\n")
            + ("ADD --chown=1000:100 " + git.httpUrl("app") + "#refs/heads/main /owned/\n");
    UnpackedImage image =
        kiln.pushAndUnpack(registry, kiln.context().dockerfile(dockerfile).root(), "git/refs:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertFile(tree, "default/README", 0644, 0, 0, "second\n");
    assertFile(tree, "main/README", 0644, 0, 0, "second\n");
    assertFile(tree, "main/bin/run.sh", 0755, 0, 0, "#!/bin/sh\necho run\n");
    assertFile(tree, "tag/README", 0644, 0, 0, "first\n");
    assertFile(tree, "commit/README", 0644, 0, 0, "first\n");
    assertFile(tree, "sub/inner.txt", 0644, 0, 0, "inside sub\n");
    assertFalse(tree.containsKey("sub/README"), "only the subdirectory is copied");
    assertFile(tree, "owned/README", 0644, 1000, 100, "second\n");
    // Nothing of git is left without --keep-git-dir, and archives of the repository stay packed.
    for (String dir : List.of("default", "main", "tag", "commit", "owned")) {
      assertFalse(tree.containsKey(dir + "/.git"), dir);
    }
    assertEquals('f', tree.get("main/archive.tar").type());
    assertFalse(tree.containsKey("main/top"));
    List<String> history = createdBy(image.configJson());
    assertTrue(
        history.contains("ADD " + git.httpUrl("app") + "#v1 /tag # buildkit"), history.toString());
  }

  @Test
  void keepGitDirKeepsTheCommitAndTheRefWithoutThePassword() throws Exception {
    String withPassword = git.httpUrl("app").replace("http://", "http://user:s3cret@");
    String dockerfile =
        "FROM busybox:kiln\n"
            + ("ADD --keep-git-dir " + withPassword + "#main /keep\n")
            + ("ADD " + withPassword + "#v1 /plain\n");
    UnpackedImage image =
        kiln.pushAndUnpack(registry, kiln.context().dockerfile(dockerfile).root(), "git/keep:1");
    Path keep = image.rootfs().resolve("keep");
    assertTrue(Files.isDirectory(keep.resolve(".git")));
    assertEquals(second, hostGit(keep, "rev-parse", "HEAD"));
    assertEquals(second, hostGit(keep, "rev-parse", "refs/heads/main"));
    assertEquals(git.httpUrl("app"), hostGit(keep, "config", "remote.origin.url"));
    assertEquals("", hostGit(keep, "status", "--porcelain"), "the work tree is the commit");
    assertFalse(Files.exists(image.rootfs().resolve("plain/.git")));
    String config = image.configJson().toString();
    assertFalse(config.contains("s3cret"), config);
    assertTrue(config.contains("user:xxxxx@"), config);
    assertFalse(Files.readString(keep.resolve(".git/config")).contains("s3cret"));
  }

  /**
   * A password or token in the URL goes to git through its environment only: never in the argv of
   * any process (which every user can read in /proc), nor in a kept .git/config or a relative
   * submodule's config, nor in the image's history or an error. The server takes Basic credentials
   * only, so each fetch proves git had them.
   */
  @Test
  void credentialsStayOutOfCommandLinesKeptConfigsAndMessages() throws Exception {
    LocalGitServer.Repository lib = git.repository("seclib");
    String libCommit = lib.commit(Map.of("lib.txt", "from the secured submodule\n"), "lib");
    lib.push("main");
    LocalGitServer.Repository secured = git.repository("secured");
    secured.commit(
        Map.of(
            "README",
            "secured\n",
            ".gitmodules",
            "[submodule \"lib\"]\n\tpath = lib\n\turl = ../seclib.git\n"),
        "one");
    secured.git("update-index", "--add", "--cacheinfo", "160000," + libCommit + ",lib");
    secured.git("commit", "-q", "-m", "with a relative submodule");
    secured.push("main");

    String url = git.authHttpUrl("secured");
    String withPassword =
        url.replace(
            "http://", "http://" + LocalGitServer.USER + ":" + LocalGitServer.PASSWORD + "@");
    String withToken = url.replace("http://", "http://" + LocalGitServer.TOKEN + "@");
    Path log = kiln.newDir("argv").resolve("git.log");
    Path bin = gitWrapper(log, "");
    String dockerfile =
        "FROM busybox:kiln\n"
            + ("ADD --keep-git-dir " + withPassword + "#main /keep\n")
            + ("ADD --keep-git-dir " + withToken + "#main /token\n");
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    UnpackedImage image;
    try (CommandLineWatch watch = CommandLineWatch.start(seen)) {
      image =
          kiln.pushAndUnpack(
              registry,
              kiln.context().dockerfile(dockerfile).root(),
              "git/secured:1",
              b -> b.environment(Map.of("PATH", bin + ":/usr/bin:/bin")));
    }
    String events = kiln.events().toString();
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertFile(tree, "keep/lib/lib.txt", 0644, 0, 0, "from the secured submodule\n");
    assertFile(tree, "token/lib/lib.txt", 0644, 0, 0, "from the secured submodule\n");
    String argv = Files.readString(log);
    assertTrue(argv.contains("ls-remote"), argv);
    for (String secret : List.of(LocalGitServer.PASSWORD, LocalGitServer.TOKEN)) {
      assertFalse(argv.contains(secret), argv);
      assertEquals(List.of(), seen.stream().filter(c -> c.contains(secret)).toList());
      for (String dir : List.of("keep", "token")) {
        Path repo = image.rootfs().resolve(dir);
        for (Path config :
            List.of(repo.resolve(".git/config"), repo.resolve(".git/modules/lib/config"))) {
          String text = Files.readString(config);
          assertFalse(text.contains(secret), config + ":\n" + text);
          assertFalse(text.contains(LocalGitServer.USER + "@"), config + ":\n" + text);
        }
      }
      assertFalse(image.configJson().toString().contains(secret), "in the history");
      assertFalse(events.contains(secret), "in the progress events: " + events);
    }
    assertEquals(url, hostGit(image.rootfs().resolve("token"), "config", "remote.origin.url"));

    BuildFailure failure = failureOf("FROM busybox:kiln\nADD " + withToken + "#nope /x\n");
    assertTrue(
        failure.getMessage().contains("no branch, tag or ref named nope"), failure.getMessage());
    assertFalse(failure.getMessage().contains(LocalGitServer.TOKEN), failure.getMessage());
  }

  /**
   * The platforms of one build share the ref's commit: it is resolved once, so a branch that moves
   * while the build runs (here right after the first ls-remote) cannot give two commits.
   */
  @Test
  void aMultiPlatformBuildResolvesTheRefOnce() throws Exception {
    LocalGitServer.Repository racing = git.repository("racing");
    racing.commit(Map.of("VERSION", "1\n"), "one");
    racing.push("main");
    String moved = racing.commit(Map.of("VERSION", "2\n"), "two");
    Path bare = work.resolve("git/racing.git");
    Path log = kiln.newDir("argv").resolve("git.log");
    Path bin =
        gitWrapper(
            log,
            "case \"$1\" in ls-remote) [ -e "
                + log
                + ".moved ] || { touch "
                + log
                + ".moved; /usr/bin/git --git-dir="
                + bare
                + " update-ref refs/heads/main "
                + moved
                + "; } ;; esac\n");
    kiln.build(
        kiln.context()
            .dockerfile("FROM scratch\nADD " + git.httpUrl("racing") + "#main /src\n")
            .root(),
        b ->
            b.platform("linux/amd64,linux/arm64")
                .environment(Map.of("PATH", bin + ":/usr/bin:/bin"))
                .output(dev.kiln.api.request.OutputSpecParser.parse("type=image"))
                .tag("git/racing:1"));
    List<String> lsRemotes =
        Files.readAllLines(log).stream().filter(l -> l.startsWith("ls-remote")).toList();
    assertEquals(1, lsRemotes.size(), lsRemotes.toString());
  }

  /**
   * A {@code git} first on PATH that logs its arguments to {@code log}, runs the real git, then
   * {@code after} (shell lines), and exits as git did.
   */
  private static Path gitWrapper(Path log, String after) throws Exception {
    Path bin = kiln.newDir("bin");
    Path script = bin.resolve("git");
    Files.writeString(
        script,
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> "
            + log
            + "\n/usr/bin/git \"$@\"\nrc=$?\n"
            + after
            + "exit $rc\n");
    Files.setPosixFilePermissions(
        script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  /** Reads every process's command line from /proc while a build runs, into {@code seen}. */
  private static final class CommandLineWatch implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stop;

    private CommandLineWatch(List<String> seen) {
      thread =
          new Thread(
              () -> {
                while (!stop) {
                  try (var procs = Files.list(Path.of("/proc"))) {
                    procs
                        .filter(
                            p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                        .forEach(
                            p -> {
                              try {
                                byte[] line = Files.readAllBytes(p.resolve("cmdline"));
                                String text =
                                    new String(line, java.nio.charset.StandardCharsets.UTF_8)
                                        .replace('\0', ' ');
                                if (text.contains("git")) {
                                  seen.add(text);
                                }
                              } catch (java.io.IOException e) {
                                // The process ended meanwhile.
                              }
                            });
                  } catch (java.io.IOException e) {
                    // /proc changes under the listing; try again.
                  }
                }
              },
              "cmdline-watch");
      thread.setDaemon(true);
    }

    static CommandLineWatch start(List<String> seen) {
      CommandLineWatch watch = new CommandLineWatch(seen);
      watch.thread.start();
      return watch;
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.join();
    }
  }

  @Test
  void submodulesAreFetchedAndLeaveNoGitFiles() throws Exception {
    LocalGitServer.Repository lib = git.repository("lib");
    lib.commit(Map.of("lib.txt", "from the submodule\n"), "lib");
    lib.push("main");
    LocalGitServer.Repository outer = git.repository("outer");
    outer.commit(Map.of("outer.txt", "outer\n"), "outer");
    outer.git(
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        git.gitUrl("lib"),
        "vendor/lib");
    outer.commit(Map.of(), "with the submodule");
    outer.push("main");
    UnpackedImage image =
        kiln.pushAndUnpack(
            registry,
            kiln.context()
                .dockerfile("FROM busybox:kiln\nADD " + git.httpUrl("outer") + "#main /o\n")
                .root(),
            "git/submodules:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertFile(tree, "o/vendor/lib/lib.txt", 0644, 0, 0, "from the submodule\n");
    assertFalse(tree.containsKey("o/vendor/lib/.git"), "the submodule's gitlink file is gone");
    assertFalse(tree.containsKey("o/.git"));
    assertTrue(tree.containsKey("o/.gitmodules"), "tracked files stay, .gitmodules included");
  }

  @Test
  void checksumIsTheCommitAndAMismatchNamesBoth() throws Exception {
    String ok =
        "FROM busybox:kiln\nADD --checksum="
            + first.substring(0, 12)
            + " "
            + git.gitUrl("app")
            + "#v1 /v1\n";
    kiln.build(kiln.context().dockerfile(ok).root(), b -> {});

    String wrong =
        "FROM busybox:kiln\nADD --checksum=" + first + " " + git.gitUrl("app") + "#main /main\n";
    BuildFailure failure =
        assertThrows(
            BuildFailure.class, () -> kiln.build(kiln.context().dockerfile(wrong).root(), b -> {}));
    assertTrue(
        failure.getMessage().contains("expected checksum to match " + first), failure.getMessage());
    assertTrue(failure.getMessage().contains("got " + second), failure.getMessage());
  }

  @Test
  void aMovedBranchRunsTheStepAgainAndAnUnchangedOneIsReused() throws Exception {
    LocalGitServer.Repository moving = git.repository("moving");
    moving.commit(Map.of("VERSION", "1\n"), "one");
    moving.push("main");
    Path ctx =
        kiln.context()
            .dockerfile("FROM busybox:kiln\nADD " + git.httpUrl("moving") + "#main /src\n")
            .root();
    kiln.build(ctx, b -> {});
    assertEquals(0, addsCached());
    kiln.build(ctx, b -> {});
    assertEquals(1, addsCached(), "the branch did not move: the step is reused");

    moving.commit(Map.of("VERSION", "2\n"), "two");
    moving.push("main");
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx, "git/moving:1");
    assertEquals(0, addsCached(), "the branch moved: the step runs again");
    assertEquals("2\n", Files.readString(image.rootfs().resolve("src/VERSION")));
  }

  /**
   * The same commit from another remote (its relative submodules resolve elsewhere), or with
   * --keep-git-dir under another ref name (the kept .git records it), is not the same layer.
   */
  @Test
  void anotherRemoteOrAKeptRefNameAtTheSameCommitRunsAgain() throws Exception {
    LocalGitServer.Repository twin = git.repository("twin");
    twin.commit(Map.of("VERSION", "1\n"), "one");
    twin.git("branch", "other");
    twin.push("main", "other");
    String add = "FROM busybox:kiln\nADD --keep-git-dir ";
    kiln.build(
        kiln.context().dockerfile(add + git.httpUrl("twin") + "#main /src\n").root(), b -> {});
    kiln.build(
        kiln.context().dockerfile(add + git.gitUrl("twin") + "#main /src\n").root(), b -> {});
    assertEquals(0, addsCached(), "another remote: the step runs again");
    kiln.build(
        kiln.context().dockerfile(add + git.gitUrl("twin") + "#other /src\n").root(), b -> {});
    assertEquals(0, addsCached(), "another ref name kept in .git: the step runs again");
    kiln.build(
        kiln.context().dockerfile(add + git.gitUrl("twin") + "#other /src\n").root(), b -> {});
    assertEquals(1, addsCached(), "the same source again is reused");
  }

  @Test
  void aMissingRefOrSubdirectoryIsAClearError() {
    BuildFailure ref = failureOf("FROM busybox:kiln\nADD " + git.gitUrl("app") + "#nope /x\n");
    assertTrue(ref.getMessage().contains("no branch, tag or ref named nope"), ref.getMessage());
    assertTrue(ref.getMessage().contains("Dockerfile:2"), ref.getMessage());

    BuildFailure subdir =
        failureOf("FROM busybox:kiln\nADD " + git.gitUrl("app") + "#main:nodir /x\n");
    assertTrue(subdir.getMessage().contains("no directory nodir"), subdir.getMessage());

    BuildFailure query = failureOf("FROM busybox:kiln\nADD " + git.httpUrl("app") + "?ref=v1 /x\n");
    assertTrue(query.getMessage().contains("query (?ref="), query.getMessage());

    BuildFailure missing = failureOf("FROM busybox:kiln\nADD " + git.gitUrl("absent") + " /x\n");
    assertTrue(missing.getMessage().contains("git ls-remote"), missing.getMessage());
    assertTrue(missing.getMessage().contains("absent.git"), missing.getMessage());
  }

  @Test
  void anSshUrlNeedsAnAgent() throws Exception {
    BuildFailure failure = failureOf("FROM busybox:kiln\nADD git@127.0.0.1:app.git#main /x\n");
    assertTrue(failure.getMessage().contains("--ssh default"), failure.getMessage());
    BuildFailure unset =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    kiln.context()
                        .dockerfile("FROM busybox:kiln\nADD git@127.0.0.1:app.git#main /x\n")
                        .root(),
                    b ->
                        b.ssh(SshSpec.parse("default"))
                            .environment(Map.of("PATH", "/usr/bin:/bin"))));
    assertTrue(unset.getMessage().contains("SSH_AUTH_SOCK"), unset.getMessage());

    // With an agent, git runs ssh without prompting; nothing listens there, and ssh says so.
    int closed;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Path keys = kiln.newDir("ssh");
    try (TestSshAgent agent =
        TestSshAgent.start(keys.resolve("agent.sock"), TestSshAgent.key(keys, "id", ""))) {
      BuildFailure refused =
          assertThrows(
              BuildFailure.class,
              () ->
                  kiln.build(
                      kiln.context()
                          .dockerfile(
                              "FROM busybox:kiln\nADD ssh://git@127.0.0.1:"
                                  + closed
                                  + "/app.git#main /x\n")
                          .root(),
                      b -> b.ssh(SshSpec.parse("default=" + agent.socket()))));
      assertTrue(refused.getMessage().contains("git ls-remote"), refused.getMessage());
      assertTrue(refused.getMessage().contains("Connection refused"), refused.getMessage());
    }
  }

  private long addsCached() {
    return kiln.events().stream()
        .filter(e -> e instanceof BuildEvent.StepCached c && c.step().text().startsWith("ADD"))
        .count();
  }

  private static String hostGit(Path repo, String... args) {
    List<String> command =
        new java.util.ArrayList<>(List.of("git", "-c", "safe.directory=*", "-C", repo.toString()));
    command.addAll(List.of(args));
    return ProcessRunner.run(command).requireSuccess().stdout().strip();
  }

  /** The failure of building {@code dockerfile} in an otherwise empty context. */
  private BuildFailure failureOf(String dockerfile) {
    return assertThrows(
        BuildFailure.class,
        () -> kiln.build(kiln.context().dockerfile(dockerfile).root(), b -> {}));
  }
}
