package dev.kiln.core.git;

import dev.kiln.dockerfile.instructions.GitReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The one way kiln fetches a git source, for ADD and for a git build context alike: git run clean
 * ({@link GitCommand}) with the URL's credentials through a credential helper, the ref resolved
 * with {@code ls-remote} ({@link GitRemote}), that commit checked out ({@link GitCheckout}), and
 * the fragment's subdirectory found inside it. Failures are {@link GitFailure}s the caller prefixes
 * with what the source was for.
 */
public final class GitFetch {
  /** The limit for each git command: a shallow fetch of a large repository takes a while. */
  public static final Duration TIMEOUT = Duration.ofMinutes(10);

  private final Map<String, String> environment;
  private final Optional<Path> sshAgent;

  /** Git run in a clean environment made from {@code environment}, ssh through {@code agent}. */
  public GitFetch(Map<String, String> environment, Optional<Path> sshAgent) {
    this.environment = environment;
    this.sshAgent = sshAgent;
  }

  /** The commit {@code source}'s ref names now; {@code home} is an empty private directory. */
  public ResolvedRef resolve(GitReference source, Path home) throws GitFailure, IOException {
    if (source.hasQuery()) {
      throw new GitFailure(
          "kiln does not read options in a git URL's query (?ref=…)",
          "write the ref and subdirectory as a fragment: URL#REF:SUBDIR");
    }
    return new GitRemote(command(source, home), home).resolve(source);
  }

  /**
   * Checks {@code commit} of {@code source} out into {@code dir} (which must not exist) and returns
   * the fragment's subdirectory in it.
   */
  public Path checkout(
      GitReference source, ResolvedRef commit, Path dir, Path home, boolean keepGitDir)
      throws GitFailure, IOException {
    new GitCheckout(command(source, home)).checkout(source, commit, dir, keepGitDir);
    return subdirectory(source, dir);
  }

  private GitCommand command(GitReference source, Path home) throws GitFailure {
    return GitCommand.clean(environment, home, sshAgent, TIMEOUT)
        .withCredentials(GitUrl.of(source.remote()));
  }

  /** The fragment's subdirectory of the checkout, reached without symlinks or {@code ..}. */
  private static Path subdirectory(GitReference source, Path checkout) throws GitFailure {
    Path at = checkout;
    String walked = "";
    for (String part : source.subdir().split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new GitFailure(
            "the subdirectory " + source.subdir() + " leaves the repository",
            "name a directory inside the repository after ':' in the fragment");
      }
      at = at.resolve(part);
      walked = walked.isEmpty() ? part : walked + "/" + part;
      if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        throw new GitFailure(
            "the repository has no directory "
                + source.subdir()
                + (Files.isSymbolicLink(at) ? " (" + walked + " is a symlink)" : ""),
            "check the subdirectory after ':' in the fragment");
      }
    }
    return at;
  }
}
