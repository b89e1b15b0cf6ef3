package dev.kiln.cli;

import dev.kiln.api.request.GitContext;
import dev.kiln.api.request.UrlContextDownload;
import dev.kiln.dockerfile.instructions.GitReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A build context given as a URL, as buildx takes one: a git repository ({@code
 * https://host/repo.git#ref:dir}, {@code git://…}, {@code git@host:repo.git}) is checked out and
 * its fragment's subdirectory is the context; any other {@code http(s)} URL is downloaded and read
 * like the context {@code -}: a tar (plain, gzip or bzip2) is unpacked into the context, anything
 * else is the Dockerfile with an empty context. The Dockerfile is looked up in the context, and
 * {@code -f} names a file inside it. {@link #close} deletes what was fetched.
 *
 * @param root the temporary directory to delete
 * @param dir the context directory
 * @param dockerfile the Dockerfile the URL served, or null when it served a context
 */
record UrlContext(Path root, Path dir, byte[] dockerfile) implements AutoCloseable {

  /** Whether {@code context} is a URL rather than a directory. */
  static boolean isUrl(String context) {
    String lower = context.toLowerCase(Locale.ROOT);
    return GitReference.isGit(context)
        || lower.startsWith("http://")
        || lower.startsWith("https://");
  }

  /** Fetches {@code context}; {@code keepGitDir} keeps a git checkout's {@code .git}. */
  static UrlContext open(String context, Map<String, String> environment, boolean keepGitDir)
      throws IOException {
    var git = GitReference.parse(context);
    if (git.isPresent()) {
      Path root = Files.createTempDirectory("kiln-context-");
      try {
        GitContext checkout =
            GitContext.checkout(git.get(), environment, root.resolve("repo"), keepGitDir);
        return new UrlContext(root, checkout.context(), null);
      } catch (IOException | RuntimeException e) {
        StdinContext.delete(root);
        throw e;
      }
    }
    String shown = GitReference.redact(context);
    StdinContext fetched =
        UrlContextDownload.read(
            context, shown, environment, body -> StdinContext.read(body, "the context " + shown));
    return new UrlContext(fetched.dir(), fetched.dir(), fetched.dockerfile());
  }

  @Override
  public void close() throws IOException {
    StdinContext.delete(root);
  }
}
