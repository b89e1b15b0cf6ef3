package dev.kiln.dockerfile.instructions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which ADD sources are git repositories, as BuildKit's frontend decides, and their fragments. */
class GitReferenceTest {
  @Test
  void theFormsBuildKitTreatsAsGit() {
    assertEquals(
        Optional.of(new GitReference("https://host/org/repo.git", "v1.2", "docs/api")),
        GitReference.parse("https://host/org/repo.git#v1.2:docs/api"));
    assertEquals(
        Optional.of(new GitReference("http://host/repo.git", "main", "")),
        GitReference.parse("http://host/repo.git#main"));
    assertEquals(
        Optional.of(new GitReference("git://host/repo", "", "")),
        GitReference.parse("git://host/repo"));
    assertEquals(
        Optional.of(new GitReference("ssh://git@host/repo.git", "", "sub")),
        GitReference.parse("ssh://git@host/repo.git#:sub"));
    GitReference scp = GitReference.parse("git@github.com:moby/buildkit.git#v0.13").orElseThrow();
    assertEquals("git@github.com:moby/buildkit.git", scp.remote());
    assertEquals("v0.13", scp.ref());
    assertTrue(scp.overSsh());
    assertFalse(GitReference.parse("git://host/repo").orElseThrow().overSsh());
  }

  @Test
  void theSubdirectoryIsCleanedFromTheRootAsBuildKitDoes() {
    assertEquals("x/y", GitReference.parse("git://h/r#main:../x/./y/").orElseThrow().subdir());
    assertEquals("", GitReference.parse("git://h/r#main:/").orElseThrow().subdir());
  }

  @Test
  void aQueryIsRecognisedSoItCanBeRefused() {
    GitReference query = GitReference.parse("https://host/repo.git?ref=v1").orElseThrow();
    assertTrue(query.hasQuery());
    assertFalse(GitReference.parse("https://host/repo.git#v1").orElseThrow().hasQuery());
  }

  @Test
  void otherUrlsAndPathsAreNotGit() {
    assertFalse(GitReference.isGit("https://host/file.tar.gz"));
    assertFalse(GitReference.isGit("https://host/repo.git/file.txt"));
    assertFalse(GitReference.isGit("https://host/repo"));
    assertFalse(GitReference.isGit("src/app.git"));
    assertFalse(GitReference.isGit("./local"));
  }

  @Test
  void passwordsAndTokensAreRedacted() {
    GitReference ref =
        GitReference.parse("https://user:tok3n@host/repo.git#main:sub").orElseThrow();
    assertEquals("https://user:xxxxx@host/repo.git#main:sub", ref.redacted());
    // A user without a password is how hosts take a token: it is redacted like a password.
    assertEquals(
        "https://xxxxx@host/repo.git", GitReference.redact("https://ghp_T0k3n@host/repo.git"));
    assertEquals(
        "https://xxxxx@host/repo.git#main",
        GitReference.parse("https://T0k@host/repo.git#main").orElseThrow().redacted());
    // An ssh user is a login name, not a secret.
    assertEquals("ssh://git@host/repo.git", GitReference.redact("ssh://git@host/repo.git"));
    assertEquals("git@host:repo.git", GitReference.redact("git@host:repo.git"));
  }

  @Test
  void aGitChecksumIsAHexCommitHash() {
    BuildPlan.compile(
        "FROM scratch\nADD --checksum=0123abcd git://host/repo#main /src\n"
            .getBytes(StandardCharsets.UTF_8),
        BuildOptions.defaults());
    DockerfileException e =
        assertThrows(
            DockerfileException.class,
            () ->
                BuildPlan.compile(
                    ("FROM scratch\nADD --checksum=sha256:"
                            + "0".repeat(64)
                            + " https://host/repo.git /src\n")
                        .getBytes(StandardCharsets.UTF_8),
                    BuildOptions.defaults()));
    assertTrue(e.getMessage().contains("expected hex commit hash"), e.getMessage());
  }
}
