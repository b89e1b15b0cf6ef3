package dev.kiln.core.git;

import dev.kiln.dockerfile.instructions.GitReference;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks out one resolved commit of a repository into a directory, as BuildKit's git source does: a
 * shallow fetch of just that ref ({@code --depth=1}), the commit checked out detached, submodules
 * fetched shallow and recursively, files 0644 or 0755 and directories 0755 whatever the umask,
 * dated at checkout. Without {@code keepGitDir} nothing of git is left ({@code .git} removed, in
 * submodules too); with it {@code .git} holds the one commit, the ref by its name, and {@code
 * origin} set to the URL without its user and password ({@link GitUrl}: git never had them on its
 * command line, so neither the kept config nor a relative submodule's URL resolved from it holds
 * them).
 */
public final class GitCheckout {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r--r--");
  private static final Set<PosixFilePermission> EXECUTABLE =
      PosixFilePermissions.fromString("rwxr-xr-x");

  private final GitCommand git;

  public GitCheckout(GitCommand git) {
    this.git = git;
  }

  /** Checks {@code resolved} of {@code source} out into {@code dir}, which must not exist. */
  public void checkout(GitReference source, ResolvedRef resolved, Path dir, boolean keepGitDir)
      throws GitFailure, IOException {
    String what = "git fetch " + source.redacted();
    Files.createDirectories(dir);
    List<String> init = new ArrayList<>(List.of("-c", "init.defaultBranch=master", "init", "-q"));
    if (resolved.commit().length() == 64) {
      init.add("--object-format=sha256");
    }
    git.run(dir, what, init);
    git.run(dir, what, List.of("remote", "add", "origin", GitUrl.of(source.remote()).remote()));
    fetch(source, resolved, dir, what);
    git.run(
        dir,
        what,
        List.of(
            "-c", "advice.detachedHead=false", "checkout", "-q", "--detach", resolved.commit()));
    if (Files.isRegularFile(dir.resolve(".gitmodules"), LinkOption.NOFOLLOW_LINKS)) {
      git.run(
          dir,
          "git submodule update " + source.redacted(),
          List.of("submodule", "update", "--init", "--recursive", "--depth=1"));
    }
    if (keepGitDir) {
      git.run(dir, what, List.of("reflog", "expire", "--all", "--expire=now"));
      Files.deleteIfExists(dir.resolve(".git/FETCH_HEAD"));
    } else {
      removeGitData(dir);
    }
    normalizeModes(dir);
  }

  /**
   * Fetches the one commit: by the ref's name when it has one (every server serves that), checked
   * against the resolved commit; by hash when the ref moved since or a hash was given, which needs
   * a server that serves any commit (protocol v2); else the whole history as the last resort.
   */
  private void fetch(GitReference source, ResolvedRef resolved, Path dir, String what)
      throws GitFailure, IOException {
    if (!resolved.refName().isEmpty()) {
      String name = resolved.refName();
      git.run(
          dir,
          what,
          List.of(
              "fetch", "-q", "-u", "--no-tags", "--depth=1", "origin", "+" + name + ":" + name));
      if (has(dir, resolved.commit())) {
        return;
      }
    }
    try {
      git.run(
          dir, what, List.of("fetch", "-q", "--no-tags", "--depth=1", "origin", resolved.commit()));
    } catch (GitFailure byHash) {
      git.run(
          dir,
          what,
          List.of("fetch", "-q", "--no-tags", "origin", "+refs/heads/*:refs/remotes/origin/*"));
    }
    if (!has(dir, resolved.commit())) {
      throw new GitFailure(
          source.redactedRemote()
              + ": commit "
              + resolved.commit()
              + (resolved.refName().isEmpty()
                  ? " is not in the repository"
                  : " of "
                      + resolved.refName()
                      + " could not be fetched (the ref moved meanwhile?)"),
          "check the commit hash, or run the build again");
    }
  }

  private boolean has(Path dir, String commit) throws IOException {
    try {
      git.run(dir, "git cat-file", List.of("cat-file", "-e", commit + "^{commit}"));
      return true;
    } catch (GitFailure e) {
      return false;
    }
  }

  /** Removes {@code .git} and the {@code .git} files submodules point to it with. */
  private static void removeGitData(Path dir) throws IOException {
    List<Path> gits = new ArrayList<>();
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
            if (d.getFileName().toString().equals(".git")) {
              gits.add(d);
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
            if (f.getFileName().toString().equals(".git")) {
              gits.add(f);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    for (Path g : gits) {
      deleteTree(g);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.deleteIfExists(root);
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            Files.delete(f);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Modes as git records them (0644, 0755), whatever umask git ran with. */
  private static void normalizeModes(Path dir) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            Files.setPosixFilePermissions(d, EXECUTABLE);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
            if (attrs.isRegularFile()) {
              boolean exec =
                  Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS)
                      .contains(PosixFilePermission.OWNER_EXECUTE);
              Files.setPosixFilePermissions(f, exec ? EXECUTABLE : FILE);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
