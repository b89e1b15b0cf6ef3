package dev.kiln.api.request;

import dev.kiln.core.git.GitFailure;
import dev.kiln.core.git.GitFetch;
import dev.kiln.core.git.ResolvedRef;
import dev.kiln.dockerfile.instructions.GitReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A build context given as a git URL ({@code kiln build https://host/repo.git#ref:dir}), as buildx
 * takes one: the ref's commit is checked out (shallow, submodules included, without {@code .git}
 * unless the build argument {@code BUILDKIT_CONTEXT_KEEP_GIT_DIR} is true) and the context is the
 * fragment's subdirectory, where the Dockerfile is looked up and {@code -f} is relative to. The
 * fetch is {@link GitFetch}'s, as for ADD of a git repository.
 *
 * @param checkout the directory the repository was checked out into
 * @param context the build context: {@code checkout}, or its subdirectory
 * @param commit the commit checked out
 */
public record GitContext(Path checkout, Path context, String commit) {

  /**
   * Checks {@code url} out into {@code dir} (which must not exist), with git run in a clean
   * environment made from {@code environment}; an ssh URL uses its {@code SSH_AUTH_SOCK}.
   */
  public static GitContext checkout(
      GitReference url, Map<String, String> environment, Path dir, boolean keepGitDir)
      throws IOException {
    Path home = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-git-home"));
    Optional<Path> agent = Optional.empty();
    if (url.overSsh()) {
      String socket = environment.get("SSH_AUTH_SOCK");
      if (socket == null || socket.isEmpty()) {
        throw new RequestException(
            "the context " + url.redacted() + " is an ssh URL and SSH_AUTH_SOCK is not set",
            "start ssh-agent and ssh-add your key, or give the context as an https:// URL");
      }
      agent = Optional.of(Path.of(socket));
    }
    GitFetch fetch = new GitFetch(environment, agent);
    try {
      ResolvedRef commit = fetch.resolve(url, home);
      Path context = fetch.checkout(url, commit, dir, home, keepGitDir);
      return new GitContext(dir, context, commit.commit());
    } catch (GitFailure e) {
      throw new RequestException("the context " + url.redacted() + ": " + e.getMessage(), e.hint());
    }
  }
}
