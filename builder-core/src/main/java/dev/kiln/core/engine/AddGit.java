package dev.kiln.core.engine;

import dev.kiln.api.request.SshSpec;
import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.core.git.GitFailure;
import dev.kiln.core.git.GitFetch;
import dev.kiln.core.git.ResolvedRef;
import dev.kiln.core.step.ContextTree;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.SourceTree;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.dockerfile.instructions.GitReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ADD of git repositories, as BuildKit does it with the git program: the ref is resolved with
 * {@code git ls-remote} when the key is made (so the key holds the commit: a moved branch runs the
 * step again, an unchanged one is reused), {@code --checksum} is checked against that commit, and
 * the same commit is then checked out ({@link GitCheckout}) and copied like a directory of the
 * context: its contents (or the {@code #ref:subdir}'s) land in the destination, owned by root
 * unless {@code --chown}. A ref is resolved once per build, for all its platforms ({@link
 * GitRefs}). The fetching itself is {@link GitFetch}'s, as for a git build context.
 */
final class AddGit {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final BuildScope scope;

  AddGit(BuildScope scope) {
    this.scope = scope;
  }

  /** Whether ADD's sources are git repositories; mixing them with other sources is an error. */
  static boolean isGit(List<String> sources) throws CopyFailure {
    long git = sources.stream().filter(GitReference::isGit).count();
    if (git > 0 && git < sources.size()) {
      throw new CopyFailure(
          "ADD cannot mix git repositories and other sources in one instruction",
          "split it into one ADD per kind of source");
    }
    return git > 0;
  }

  /** The resolved commit of every source (and what the checkout keeps) into {@code key}. */
  void key(CopySpec spec, CacheKeyBuilder key) throws IOException, CopyFailure {
    int n = 0;
    for (String source : spec.files().sourcePaths()) {
      GitReference ref = GitReference.parse(source).orElseThrow();
      key.field("git-commit:" + n, resolve(ref, spec.checksum()).commit());
      // The remote too: relative submodule URLs are resolved against it, and a kept .git/config
      // names it. (Redacted: keys are stored and exported; a token must not be.)
      key.field("git-remote:" + n, ref.redactedRemote());
      if (spec.keepGitDir()) {
        key.field("git-ref:" + n, ref.ref()); // the kept .git checks out the ref by its name
      }
      key.field("git-subdir:" + n++, ref.subdir());
    }
    key.field("git-keep-git-dir", Boolean.toString(spec.keepGitDir()));
  }

  /**
   * Checks out every source into {@code spool} and returns them as a tree; {@code names} receives
   * the directory to copy for each (its contents go to the destination, as for a directory of the
   * context).
   */
  SourceTree checkout(CopySpec spec, Path spool, List<String> names)
      throws IOException, CopyFailure {
    Path root = Files.createDirectories(spool.resolve("git"));
    int n = 0;
    for (String source : spec.files().sourcePaths()) {
      GitReference ref = GitReference.parse(source).orElseThrow();
      ResolvedRef commit = resolve(ref, spec.checksum());
      String name = "repo-" + n++;
      Path dir = root.resolve(name);
      Path subdir;
      try {
        subdir = fetch(ref).checkout(ref, commit, dir, home(), spec.keepGitDir());
      } catch (GitFailure e) {
        throw new CopyFailure("ADD " + ref.redacted() + ": " + e.getMessage(), e.hint());
      }
      String inside = dir.relativize(subdir).toString();
      names.add(inside.isEmpty() ? name : name + "/" + inside);
    }
    return new ContextTree(root, PatternMatcher.of(List.of()));
  }

  /** The commit {@code ref} names, resolved once per build, checked against {@code --checksum}. */
  private ResolvedRef resolve(GitReference ref, String checksum) throws IOException, CopyFailure {
    ResolvedRef commit =
        scope
            .storage()
            .gitRefs()
            .get(
                ref.remote() + "#" + ref.ref(),
                () -> {
                  try {
                    return fetch(ref).resolve(ref, home());
                  } catch (GitFailure e) {
                    throw new CopyFailure(
                        "ADD " + ref.redacted() + ": " + e.getMessage(), e.hint());
                  }
                });
    if (checksum != null && !checksum.isEmpty() && !commit.matches(checksum)) {
      throw new CopyFailure(
          "ADD "
              + ref.redacted()
              + ": expected checksum to match "
              + checksum
              + ", got "
              + commit.commit()
              + (commit.tagObject().isEmpty() ? "" : " (tag object " + commit.tagObject() + ")"),
          "update --checksum to the commit the ref names now, or pin the ref to that commit");
    }
    return commit;
  }

  private GitFetch fetch(GitReference ref) throws CopyFailure {
    return new GitFetch(scope.request().environment(), sshAgent(ref));
  }

  /** An empty directory to be git's HOME, so no configuration of the user is read. */
  private Path home() throws IOException {
    return Files.createDirectories(
        scope.storage().spool().resolve("git-home-" + COUNTER.incrementAndGet()));
  }

  /**
   * The agent an ssh remote authenticates with: {@code --ssh default} (a socket, or {@code
   * $SSH_AUTH_SOCK}), as buildx requires for ADD of an ssh git URL.
   */
  private Optional<java.nio.file.Path> sshAgent(GitReference ref) throws CopyFailure {
    if (!ref.overSsh()) {
      return Optional.empty();
    }
    Optional<SshSpec> spec =
        scope.request().ssh().stream().filter(s -> s.id().equals("default")).findFirst();
    if (spec.isEmpty()) {
      throw new CopyFailure(
          "ADD "
              + ref.redacted()
              + ": an ssh git URL needs an SSH agent, and no --ssh default was given",
          "pass --ssh default (it forwards $SSH_AUTH_SOCK) or --ssh default=SOCKET, or use an"
              + " https:// URL");
    }
    if (spec.get().paths().isEmpty()) {
      String socket = scope.request().environment().get("SSH_AUTH_SOCK");
      if (socket == null || socket.isEmpty()) {
        throw new CopyFailure(
            "ADD " + ref.redacted() + ": --ssh default forwards $SSH_AUTH_SOCK, which is not set",
            "start ssh-agent and ssh-add your key, or pass --ssh default=SOCKET");
      }
      return Optional.of(Path.of(socket));
    }
    if (spec.get().paths().size() == 1 && SshSpec.isSocket(spec.get().paths().get(0))) {
      return Optional.of(spec.get().paths().get(0));
    }
    throw new CopyFailure(
        "ADD " + ref.redacted() + ": ADD of an ssh git URL needs an agent socket in --ssh default",
        "load the key into ssh-agent and pass --ssh default (key files work for RUN mounts only)");
  }
}
