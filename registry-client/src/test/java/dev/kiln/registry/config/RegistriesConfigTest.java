package dev.kiln.registry.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * registries.conf, its drop-ins, daemon.json and kiln's registries.conf: where they are, how they
 * merge, and what they say about pull sources, insecure registries and short names.
 */
class RegistriesConfigTest {
  private static final String DIGEST = "sha256:" + "a".repeat(64);

  @TempDir Path root;

  private ConfigLocations where(String... env) {
    Map<String, String> map = new java.util.HashMap<>();
    map.put("HOME", root.resolve("home").toString());
    map.put(ConfigLocations.ETC_CONTAINERS_VARIABLE, root.resolve("etc/containers").toString());
    map.put(ConfigLocations.ETC_DOCKER_VARIABLE, root.resolve("etc/docker").toString());
    for (int i = 0; i < env.length; i += 2) {
      map.put(env[i], env[i + 1]);
    }
    return ConfigLocations.fromEnvironment(map);
  }

  private Path write(String relative, String text) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private RegistriesConfig load(String... env) throws IOException {
    return RegistriesConfig.load(where(env));
  }

  private static List<String> sources(RegistriesConfig config, String reference) {
    return config.pullSources(ImageReference.parse(reference)).stream()
        .map(s -> (s.mirror() ? "mirror " : "") + s.reference())
        .toList();
  }

  private static List<String> candidates(RegistriesConfig config, String name) {
    return config.resolve(name).candidates().stream().map(ImageReference::toString).toList();
  }

  // ---------------------------------------------------------------- which files

  @Test
  void noFilesMeansDockersBehaviour() throws IOException {
    RegistriesConfig config = load();
    assertEquals(List.of(), config.files());
    assertEquals(List.of("docker.io/library/busybox:1"), sources(config, "busybox:1"));
    assertEquals(List.of("docker.io/library/busybox"), candidates(config, "busybox"));
    assertEquals(Set.of(), config.insecureHosts());
  }

  @Test
  void filesAreReadInOrderAndLaterOnesWin() throws IOException {
    Path system =
        write(
            "etc/containers/registries.conf",
            "unqualified-search-registries = [\"quay.io\"]\n"
                + "short-name-mode = \"enforcing\"\n"
                + "[[registry]]\nlocation = \"a.example\"\n"
                + "[aliases]\nbb = \"quay.io/bb\"\n");
    Path second =
        write(
            "etc/containers/registries.conf.d/20-second.conf",
            "unqualified-search-registries = [\"docker.io\", \"quay.io\"]\n");
    Path first =
        write(
            "etc/containers/registries.conf.d/10-first.conf",
            "[[registry]]\nlocation = \"a.example\"\nblocked = true\n");
    write("etc/containers/registries.conf.d/ignored.txt", "not = \"read\"");
    Path user =
        write(
            "home/.config/containers/registries.conf.d/50-user.conf",
            "short-name-mode = \"permissive\"\n[aliases]\nbb = \"\"\n");
    Path daemon = write("etc/docker/daemon.json", "{\"insecure-registries\": [\"d.example\"]}");
    Path kiln =
        write(
            "home/.config/kiln/registries.conf",
            "[[registry]]\nlocation = \"k.example\"\ninsecure = true\n");

    RegistriesConfig config = load();
    assertEquals(List.of(system, first, second, user, daemon, kiln), config.files());
    // A later [[registry]] with the same prefix replaces the earlier one.
    assertTrue(config.blockedBy(ImageReference.parse("a.example/x")).isPresent());
    // The later search list and mode; the alias was reset, so the search list applies.
    assertEquals(List.of("docker.io/library/bb", "quay.io/bb"), candidates(config, "bb"));
    assertEquals(Set.of("d.example", "k.example"), config.insecureHosts());
  }

  @Test
  void aPerUserRegistriesConfHidesTheSystemFileAndItsDropIns() throws IOException {
    write(
        "etc/containers/registries.conf", "unqualified-search-registries = [\"system.example\"]\n");
    write(
        "etc/containers/registries.conf.d/00.conf",
        "unqualified-search-registries = [\"dropin.example\"]\n");
    Path user =
        write(
            "home/.config/containers/registries.conf",
            "unqualified-search-registries = [\"user.example\"]\n");
    RegistriesConfig config = load();
    assertEquals(List.of(user), config.files());
    assertEquals(List.of("user.example/x"), candidates(config, "x"));
  }

  @Test
  void containersRegistriesConfNamesTheFileToRead() throws IOException {
    write(
        "etc/containers/registries.conf", "unqualified-search-registries = [\"system.example\"]\n");
    Path named = write("elsewhere.conf", "unqualified-search-registries = [\"named.example\"]\n");
    RegistriesConfig config = load(ConfigLocations.REGISTRIES_CONF_VARIABLE, named.toString());
    assertEquals(List.of(named), config.files());
    assertEquals(List.of("named.example/x"), candidates(config, "x"));
    ConfigFileException missing =
        assertThrows(
            ConfigFileException.class,
            () -> load(ConfigLocations.REGISTRIES_CONF_VARIABLE, root.resolve("none").toString()));
    assertTrue(missing.getMessage().contains("CONTAINERS_REGISTRIES_CONF"), missing.getMessage());
  }

  @Test
  void theVersion1FormatIsReadButNotInDropIns() throws IOException {
    write(
        "etc/containers/registries.conf",
        "[registries.search]\nregistries = ['quay.io']\n"
            + "[registries.insecure]\nregistries = ['old.example:5000']\n"
            + "[registries.block]\nregistries = ['bad.example']\n");
    RegistriesConfig config = load();
    assertEquals(List.of("quay.io/x"), candidates(config, "x"));
    assertEquals(Set.of("old.example:5000"), config.insecureHosts());
    assertTrue(config.blockedBy(ImageReference.parse("bad.example/x:1")).isPresent());

    write("etc/containers/registries.conf.d/v1.conf", "[registries.search]\nregistries = []\n");
    ConfigFileException e = assertThrows(ConfigFileException.class, this::load);
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());
  }

  // ---------------------------------------------------------------- mirrors

  @Test
  void mirrorsComeFirstWithTheReferenceRewritten() throws IOException {
    write(
        "etc/containers/registries.conf",
        """
        [[registry]]
        prefix = "docker.io"
        location = "docker.io"
        [[registry.mirror]]
        location = "mirror.example:5000"
        [[registry.mirror]]
        location = "cache.example/dockerhub"
        pull-from-mirror = "digest-only"
        [[registry.mirror]]
        location = "tags.example"
        pull-from-mirror = "tag-only"

        [[registry]]
        prefix = "example.com/team"
        location = "internal.example/mirror/team"
        """);
    RegistriesConfig config = load();
    assertEquals(
        List.of(
            "mirror mirror.example:5000/library/busybox:1",
            "mirror tags.example/library/busybox:1",
            "docker.io/library/busybox:1"),
        sources(config, "busybox:1"));
    assertEquals(
        List.of(
            "mirror mirror.example:5000/library/busybox@" + DIGEST,
            "mirror cache.example/dockerhub/library/busybox@" + DIGEST,
            "docker.io/library/busybox@" + DIGEST),
        sources(config, "busybox@" + DIGEST));
    // The longest prefix wins, and the location itself can rewrite.
    assertEquals(
        List.of("internal.example/mirror/team/app:2"), sources(config, "example.com/team/app:2"));
    // A prefix matches whole path components only.
    assertEquals(List.of("example.com/teams/app:2"), sources(config, "example.com/teams/app:2"));
  }

  @Test
  void mirrorByDigestOnlyKeepsTagsOnTheRegistry() throws IOException {
    write(
        "etc/containers/registries.conf",
        "[[registry]]\nlocation = \"r.example\"\nmirror-by-digest-only = true\n"
            + "[[registry.mirror]]\nlocation = \"m.example\"\n");
    RegistriesConfig config = load();
    assertEquals(List.of("r.example/x:1"), sources(config, "r.example/x:1"));
    assertEquals(
        List.of("mirror m.example/x@" + DIGEST, "r.example/x@" + DIGEST),
        sources(config, "r.example/x@" + DIGEST));
  }

  @Test
  void aWildcardPrefixCoversSubdomainsOnly() throws IOException {
    write(
        "etc/containers/registries.conf",
        "[[registry]]\nprefix = \"*.corp.example\"\nblocked = true\n");
    RegistriesConfig config = load();
    assertTrue(config.blockedBy(ImageReference.parse("a.corp.example/x")).isPresent());
    assertTrue(config.blockedBy(ImageReference.parse("b.a.corp.example:5000/x")).isPresent());
    assertFalse(config.blockedBy(ImageReference.parse("corp.example/x")).isPresent());
    assertFalse(config.blockedBy(ImageReference.parse("notcorp.example/x")).isPresent());
    assertEquals(List.of("a.corp.example/x:1"), sources(config, "a.corp.example/x:1"));
  }

  @Test
  void dockerMirrorsServeDockerHubAfterRegistriesConfMirrors() throws IOException {
    write(
        "etc/docker/daemon.json",
        "{\"registry-mirrors\": [\"https://hub-mirror.example\", \"http://10.0.0.5:5000/\"],"
            + " \"insecure-registries\": [\"legacy.example:5000\", \"192.168.0.0/16\"],"
            + " \"log-level\": \"debug\"}");
    RegistriesConfig dockerOnly = load();
    assertEquals(
        List.of(
            "mirror hub-mirror.example/library/busybox:1",
            "mirror 10.0.0.5:5000/library/busybox:1",
            "docker.io/library/busybox:1"),
        sources(dockerOnly, "busybox:1"));
    assertEquals(List.of("quay.io/x:1"), sources(dockerOnly, "quay.io/x:1"));
    assertEquals(
        Set.of("legacy.example:5000", "192.168.0.0/16", "10.0.0.5:5000"),
        dockerOnly.insecureHosts());

    write(
        "etc/containers/registries.conf",
        "[[registry]]\nlocation = \"docker.io\"\n[[registry.mirror]]\nlocation = \"first.example\"\n");
    assertEquals(
        List.of(
            "mirror first.example/library/busybox:1",
            "mirror hub-mirror.example/library/busybox:1",
            "mirror 10.0.0.5:5000/library/busybox:1",
            "docker.io/library/busybox:1"),
        sources(load(), "busybox:1"));
  }

  @Test
  void insecureMirrorsAndRegistriesAreInsecureHosts() throws IOException {
    write(
        "etc/containers/registries.conf",
        "[[registry]]\nlocation = \"plain.example:5000/ns\"\ninsecure = true\n"
            + "mirror = [{location = \"m.example:1234/x\", insecure = true}, {location = \"tls.example\"}]\n");
    assertEquals(Set.of("plain.example:5000", "m.example:1234"), load().insecureHosts());
  }

  // ---------------------------------------------------------------- short names

  @Test
  void shortNamesFollowAliasesThenSearchRegistries() throws IOException {
    write(
        "etc/containers/registries.conf",
        """
        unqualified-search-registries = ["quay.io", "docker.io"]
        [aliases]
        "fedora" = "registry.fedoraproject.org/fedora"
        "team/tool" = "ghcr.io/team/tool"
        """);
    RegistriesConfig config = load();
    // Qualified names are used as written.
    assertEquals(List.of("ghcr.io/o/a:1"), candidates(config, "ghcr.io/o/a:1"));
    assertEquals(List.of("localhost/x"), candidates(config, "localhost/x"));
    assertEquals(List.of("host:5000/x"), candidates(config, "host:5000/x"));
    // An alias is used alone, with the name's tag or digest.
    assertEquals(List.of("registry.fedoraproject.org/fedora:40"), candidates(config, "fedora:40"));
    assertEquals(List.of("ghcr.io/team/tool@" + DIGEST), candidates(config, "team/tool@" + DIGEST));
    assertTrue(config.resolve("fedora").description().contains("alias"));
    // Otherwise each search registry, in order (permissive by default).
    assertEquals(
        List.of("quay.io/busybox:1", "docker.io/library/busybox:1"),
        candidates(config, "busybox:1"));
    assertEquals(
        List.of("quay.io/library/busybox", "docker.io/library/busybox"),
        candidates(config, "library/busybox"));
  }

  @Test
  void enforcingRefusesSeveralCandidatesButNotOne() throws IOException {
    Path conf =
        write(
            "etc/containers/registries.conf",
            "short-name-mode = \"enforcing\"\n"
                + "unqualified-search-registries = [\"quay.io\", \"docker.io\"]\n");
    ShortNameException e = assertThrows(ShortNameException.class, () -> load().resolve("busybox"));
    assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    assertTrue(
        e.getMessage().contains("quay.io/busybox, docker.io/library/busybox"), e.getMessage());
    assertTrue(e.getMessage().contains(conf.toString()), e.getMessage());
    assertTrue(e.hint().contains("[aliases] \"busybox\" = \"quay.io/busybox\""), e.hint());
    // A qualified name is never ambiguous.
    assertEquals(List.of("docker.io/library/busybox"), candidates(load(), "docker.io/busybox"));

    write(
        "etc/containers/registries.conf",
        "short-name-mode = \"enforcing\"\nunqualified-search-registries = [\"quay.io\"]\n");
    assertEquals(List.of("quay.io/busybox"), candidates(load(), "busybox"));
  }

  @Test
  void disabledAndPermissiveTryEveryCandidate() throws IOException {
    for (String mode : List.of("disabled", "permissive")) {
      write(
          "etc/containers/registries.conf",
          "short-name-mode = \""
              + mode
              + "\"\nunqualified-search-registries = [\"a.example\", \"b.example\"]\n");
      assertEquals(List.of("a.example/x", "b.example/x"), candidates(load(), "x"), mode);
    }
  }

  @Test
  void anEmptySearchListIsAnError() throws IOException {
    Path conf = write("etc/containers/registries.conf", "unqualified-search-registries = []\n");
    ShortNameException e = assertThrows(ShortNameException.class, () -> load().resolve("busybox"));
    assertTrue(e.getMessage().contains(conf.toString()), e.getMessage());
    assertTrue(e.hint().contains("docker.io/library/busybox"), e.hint());
  }

  // ---------------------------------------------------------------- errors

  @Test
  void mistakesAreReportedWithTheirFileAndLine() throws IOException {
    record Case(String text, int line, String words) {}
    List<Case> cases =
        List.of(
            new Case("[[registry]]\nlocation = \"https://r.example\"\n", 2, "no URL scheme"),
            new Case("[[registry]]\ninsecure = true\n", 1, "needs a location"),
            new Case("[[registry]]\nprefix = \"a.example\"\n", 1, "wildcard prefix"),
            new Case("[[registry]]\nprefix = \"*.a.example/x\"\n", 2, "*.example.com"),
            new Case(
                "[[registry]]\nlocation = \"r\"\npull-from-mirror = \"all\"\n", 3, "belongs in"),
            new Case(
                "[[registry]]\nlocation = \"r\"\nmirror-by-digest-only = true\n"
                    + "[[registry.mirror]]\nlocation = \"m\"\npull-from-mirror = \"all\"\n",
                6,
                "mirror-by-digest-only"),
            new Case(
                "[[registry]]\nlocation = \"r\"\n[[registry.mirror]]\nlocation = \"m\"\n"
                    + "pull-from-mirror = \"sometimes\"\n",
                5,
                "sometimes"),
            new Case(
                "[[registry]]\nlocation = \"r\"\n[[registry.mirror]]\ninsecure = true\n",
                3,
                "needs a location"),
            new Case("short-name-mode = \"strict\"\n", 1, "enforcing, permissive, disabled"),
            new Case("unqualified-search-registries = [\"not a host\"]\n", 1, "not a registry"),
            new Case("[aliases]\n\"docker.io/x\" = \"docker.io/library/x\"\n", 2, "short name"),
            new Case("[aliases]\nx = \"x\"\n", 2, "must name a registry"),
            new Case("[aliases]\nx = \"quay.io/x:1\"\n", 2, "without tag or digest"),
            new Case("[[registry]]\nlocation = \"r\"\ninsecure = \"yes\"\n", 3, "true or false"),
            new Case(
                "[registries.search]\nregistries = []\n[[registry]]\nlocation = \"r\"\n",
                1,
                "mixes"),
            new Case("unqualified-search-registries = [\"quay.io\"\n", 1, "not closed"));
    for (Case c : cases) {
      Path file = write("etc/containers/registries.conf", c.text());
      ConfigFileException e = assertThrows(ConfigFileException.class, this::load, c.text());
      assertEquals(file.toString(), e.file(), c.text());
      assertEquals(c.line(), e.line(), c.text() + " -> " + e.getMessage());
      assertTrue(e.getMessage().contains(c.words()), c.text() + " -> " + e.getMessage());
    }
  }

  @Test
  void conflictingSettingsForOneLocationAreAnError() throws IOException {
    write(
        "etc/containers/registries.conf",
        "[[registry]]\nprefix = \"a.example/one\"\nlocation = \"r.example\"\ninsecure = true\n"
            + "[[registry]]\nprefix = \"a.example/two\"\nlocation = \"r.example\"\n");
    ConfigFileException e = assertThrows(ConfigFileException.class, this::load);
    assertTrue(e.getMessage().contains("'insecure'"), e.getMessage());
  }

  @Test
  void daemonJsonMistakesAreErrors() throws IOException {
    for (String text :
        List.of(
            "{\"registry-mirrors\": [\"mirror.example\"]}",
            "{\"registry-mirrors\": [\"https://mirror.example/path\"]}",
            "{\"registry-mirrors\": \"https://mirror.example\"}",
            "{\"insecure-registries\": [\"http://r.example\"]}",
            "{not json")) {
      Path file = write("etc/docker/daemon.json", text);
      ConfigFileException e = assertThrows(ConfigFileException.class, this::load, text);
      assertEquals(file.toString(), e.file(), text);
    }
    write("etc/docker/daemon.json", "{}");
    assertEquals(Optional.empty(), load().searchRegistries());
  }
}
