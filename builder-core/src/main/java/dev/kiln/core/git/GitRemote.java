package dev.kiln.core.git;

import dev.kiln.dockerfile.instructions.GitReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resolves the ref of a {@link GitReference} to a commit with {@code git ls-remote}, without
 * fetching anything, so a build can key its cache on the commit: a moved branch gives a new key, an
 * unchanged one the old. As {@code git checkout} does, a branch wins over a tag of the same name; a
 * full commit hash is taken as it is; no ref means the remote's default branch ({@code HEAD}).
 */
public final class GitRemote {
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

  private final GitCommand git;
  private final Path workDir;

  public GitRemote(GitCommand git, Path workDir) {
    this.git = git;
    this.workDir = workDir;
  }

  /** Whether {@code ref} is a full commit hash (sha1 or sha256). */
  public static boolean isCommit(String ref) {
    return COMMIT.matcher(ref).matches();
  }

  public ResolvedRef resolve(GitReference source) throws GitFailure, IOException {
    String ref = source.ref();
    if (isCommit(ref)) {
      return new ResolvedRef(ref, "", "");
    }
    String what = "git ls-remote " + source.redactedRemote();
    String remote = GitUrl.of(source.remote()).remote();
    if (ref.isEmpty()) {
      String out = git.run(workDir, what, List.of("ls-remote", "--symref", "--", remote, "HEAD"));
      String sha = "";
      String name = "";
      for (String line : out.split("\n")) {
        if (line.startsWith("ref: ") && line.endsWith("\tHEAD")) {
          name = line.substring(5, line.length() - 5);
        } else if (line.endsWith("\tHEAD")) {
          sha = line.substring(0, line.indexOf('\t'));
        }
      }
      if (!isCommit(sha)) {
        throw new GitFailure(
            source.redactedRemote() + ": the repository has no default branch (HEAD)",
            "name a branch, tag or commit after '#' in the URL");
      }
      return new ResolvedRef(sha, name, "");
    }
    String out = git.run(workDir, what, List.of("ls-remote", "--", remote, ref, ref + "^{}"));
    String exact = "refs/" + stripPrefix(ref, "refs/");
    String head = "refs/heads/" + stripPrefix(ref, "refs/heads/");
    String tag = "refs/tags/" + stripPrefix(ref, "refs/tags/");
    String exactSha = "";
    String headSha = "";
    String tagSha = "";
    String peeledSha = "";
    for (String line : out.split("\n")) {
      int tab = line.indexOf('\t');
      if (tab < 0) {
        continue;
      }
      String sha = line.substring(0, tab);
      String name = line.substring(tab + 1);
      if (name.equals(head)) {
        headSha = sha;
      } else if (name.equals(tag)) {
        tagSha = sha;
      } else if (name.equals(tag + "^{}")) {
        peeledSha = sha;
      } else if (name.equals(exact)) {
        exactSha = sha;
      }
    }
    if (!headSha.isEmpty()) {
      return new ResolvedRef(headSha, head, "");
    }
    if (!exactSha.isEmpty()) {
      return new ResolvedRef(exactSha, exact, "");
    }
    if (!tagSha.isEmpty()) {
      return peeledSha.isEmpty()
          ? new ResolvedRef(tagSha, tag, "")
          : new ResolvedRef(peeledSha, tag, tagSha);
    }
    throw new GitFailure(
        source.redactedRemote() + ": the repository has no branch, tag or ref named " + ref,
        "check the ref after '#' in the URL (git ls-remote "
            + source.redactedRemote()
            + " lists them); a commit must be given as its full hash");
  }

  private static String stripPrefix(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }
}
