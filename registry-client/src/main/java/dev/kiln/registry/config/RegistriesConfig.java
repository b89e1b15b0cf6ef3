package dev.kiln.registry.config;

import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the machine's registry settings say about pulling, merged from every file in the order
 * {@link #load} reads them: mirrors and locations per prefix, blocked and insecure registries, and
 * short-name resolution. Immutable.
 *
 * <p>Files are merged as podman merges registries.conf and its drop-ins: a {@code [[registry]]}
 * replaces an earlier one with the same prefix, {@code unqualified-search-registries} and {@code
 * short-name-mode} replace earlier values when a later file sets them, aliases are merged. Docker's
 * {@code registry-mirrors} become mirrors of {@code docker.io} (after any a registries.conf gives
 * it), its {@code insecure-registries} insecure hosts.
 */
public final class RegistriesConfig {
  /** No settings: Docker's behaviour (short names mean Docker Hub, no mirrors). */
  public static final RegistriesConfig NONE =
      new RegistriesConfig(List.of(), null, null, null, null, Map.of(), List.of(), List.of());

  private final List<RegistryEntry> registries;
  private final List<String> search;
  private final String searchOrigin;
  private final ShortNameMode mode;
  private final String modeOrigin;
  private final Map<String, ShortNames.Alias> aliases;
  private final List<String> extraInsecure;
  private final List<Path> files;

  private RegistriesConfig(
      List<RegistryEntry> registries,
      List<String> search,
      String searchOrigin,
      ShortNameMode mode,
      String modeOrigin,
      Map<String, ShortNames.Alias> aliases,
      List<String> extraInsecure,
      List<Path> files) {
    this.registries = List.copyOf(registries);
    this.search = search == null ? null : List.copyOf(search);
    this.searchOrigin = searchOrigin;
    this.mode = mode;
    this.modeOrigin = modeOrigin;
    this.aliases = Map.copyOf(aliases);
    this.extraInsecure = List.copyOf(extraInsecure);
    this.files = List.copyOf(files);
  }

  /**
   * Reads, in this order (a later file wins where the merge rules say so):
   *
   * <ol>
   *   <li>registries.conf: {@code $CONTAINERS_REGISTRIES_CONF}, else {@code
   *       ~/.config/containers/registries.conf} if it exists, else {@code
   *       /etc/containers/registries.conf};
   *   <li>the {@code *.conf} drop-ins of {@code /etc/containers/registries.conf.d/} (not when the
   *       per-user registries.conf is used, as in podman), then of {@code
   *       ~/.config/containers/registries.conf.d/}, each directory in name order;
   *   <li>Docker's {@code /etc/docker/daemon.json};
   *   <li>kiln's own {@code ~/.config/kiln/registries.conf} (registries.conf's format).
   * </ol>
   *
   * Missing files are skipped, except one {@code CONTAINERS_REGISTRIES_CONF} names.
   *
   * @throws ConfigFileException for a file kiln cannot use, naming it (and the line)
   * @throws IOException if a file exists but cannot be read
   */
  public static RegistriesConfig load(ConfigLocations where) throws IOException {
    Builder b = new Builder();
    Path userConf = where.userContainersDir().resolve("registries.conf");
    Path userDir = where.userContainersDir().resolve("registries.conf.d");
    Path systemDir = where.etcContainers().resolve("registries.conf.d");
    List<Path> dropInDirs;
    if (where.registriesConf() != null) {
      if (!Files.exists(where.registriesConf())) {
        throw new ConfigFileException(
            where.registriesConf().toString(),
            0,
            "does not exist, but " + ConfigLocations.REGISTRIES_CONF_VARIABLE + " names it",
            "create it, or unset " + ConfigLocations.REGISTRIES_CONF_VARIABLE);
      }
      b.add(RegistriesConfFile.read(where.registriesConf(), false));
      dropInDirs = List.of(systemDir, userDir);
    } else if (Files.exists(userConf)) {
      b.add(RegistriesConfFile.read(userConf, false));
      dropInDirs = List.of(userDir);
    } else {
      Path systemConf = where.etcContainers().resolve("registries.conf");
      if (Files.exists(systemConf)) {
        b.add(RegistriesConfFile.read(systemConf, false));
      }
      dropInDirs = List.of(systemDir, userDir);
    }
    for (Path dir : dropInDirs) {
      for (Path file : dropIns(dir)) {
        try {
          b.add(RegistriesConfFile.read(file, true));
        } catch (NoSuchFileException e) {
          // removed since the listing: as podman, not an error
        }
      }
    }
    if (Files.exists(where.daemonJson())) {
      b.add(DaemonJsonFile.read(where.daemonJson()));
    }
    if (Files.exists(where.kilnRegistriesConf())) {
      b.add(RegistriesConfFile.read(where.kilnRegistriesConf(), true));
    }
    return b.build();
  }

  private static List<Path> dropIns(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    TreeSet<Path> out = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.conf")) {
      for (Path p : entries) {
        if (!Files.isDirectory(p)) {
          out.add(p);
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The files read, in order. */
  public List<Path> files() {
    return files;
  }

  /** The merged {@code [[registry]]} entries, by prefix. */
  public List<RegistryEntry> registries() {
    return registries;
  }

  /** The entry with the longest prefix matching {@code reference}, if any. */
  public Optional<RegistryEntry> entryFor(ImageReference reference) {
    RegistryEntry best = null;
    int bestLength = 0;
    for (RegistryEntry r : registries) {
      if (prefixLength(reference.name(), r.prefix()) >= 0 && r.prefix().length() > bestLength) {
        best = r;
        bestLength = r.prefix().length();
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Where {@code reference} may be pulled from, in order: its mirrors that apply (by {@code
   * mirror-by-digest-only} and {@code pull-from-mirror}), then its registry's location, each with
   * the reference rewritten from the entry's prefix to that location. Just the reference when no
   * entry covers it. Blocked entries are not checked here: see {@link #blockedBy}.
   */
  public List<PullSource> pullSources(ImageReference reference) {
    Optional<RegistryEntry> found = entryFor(reference);
    if (found.isEmpty()) {
      return List.of(new PullSource(reference, false));
    }
    RegistryEntry entry = found.get();
    boolean digested = reference.digest() != null;
    List<PullSource> out = new ArrayList<>();
    for (RegistryEntry.Mirror m : entry.mirrors()) {
      boolean use =
          entry.mirrorByDigestOnly()
              ? digested
              : switch (m.pullFrom()) {
                case ALL -> true;
                case DIGEST_ONLY -> digested;
                case TAG_ONLY -> !digested;
              };
      if (use) {
        out.add(new PullSource(rewrite(reference, entry, m.location()), true));
      }
    }
    out.add(
        new PullSource(
            entry.location().isEmpty() ? reference : rewrite(reference, entry, entry.location()),
            false));
    return out;
  }

  /** The entry that blocks pulling {@code reference}, if one does. */
  public Optional<RegistryEntry> blockedBy(ImageReference reference) {
    return entryFor(reference).filter(RegistryEntry::blocked);
  }

  /**
   * Hosts ({@code host[:port]}) and CIDR ranges that may be spoken to over plain HTTP or unverified
   * TLS: insecure registries and mirrors, Docker's {@code insecure-registries}, and mirrors given
   * with {@code http://}.
   */
  public Set<String> insecureHosts() {
    Set<String> out = new LinkedHashSet<>();
    for (RegistryEntry r : registries) {
      if (r.insecure() && !r.location().isEmpty()) {
        out.add(RegistriesConfFile.hostOf(r.location()));
      }
      for (RegistryEntry.Mirror m : r.mirrors()) {
        if (m.insecure()) {
          out.add(RegistriesConfFile.hostOf(m.location()));
        }
      }
    }
    out.addAll(extraInsecure);
    return Collections.unmodifiableSet(out);
  }

  /**
   * The references a name as the user wrote it ({@code busybox}, {@code quay.io/x:1}) may be pulled
   * as, by the short-name rules of {@link ShortNames}.
   *
   * @throws ShortNameException when the settings leave the short name unresolved or ambiguous
   * @throws InvalidReferenceException when the name is not a reference
   */
  public ShortNameResolution resolve(String name) {
    return ShortNames.resolve(
        name,
        aliases,
        search,
        searchOrigin,
        mode == null ? ShortNameMode.PERMISSIVE : mode,
        modeOrigin == null ? "(the default)" : modeOrigin);
  }

  /** {@code unqualified-search-registries}, or empty when no file sets it. */
  public Optional<List<String>> searchRegistries() {
    return Optional.ofNullable(search);
  }

  /** The length of {@code prefix} if it covers {@code name}, else -1. */
  static int prefixLength(String name, String prefix) {
    if (prefix.startsWith("*.")) {
      String domain = prefix.substring(1);
      int index = name.indexOf(domain);
      if (index < 0 || name.substring(0, index).contains("/")) {
        return -1;
      }
      int end = index + domain.length();
      return end == name.length() || "/:@".indexOf(name.charAt(end)) >= 0 ? end : -1;
    }
    if (!name.startsWith(prefix)) {
      return -1;
    }
    if (name.length() == prefix.length()) {
      return prefix.length();
    }
    return name.charAt(prefix.length()) == '/' ? prefix.length() : -1;
  }

  private static ImageReference rewrite(
      ImageReference reference, RegistryEntry entry, String location) {
    String full = reference.toString();
    int length = prefixLength(reference.name(), entry.prefix());
    String rewritten = location + full.substring(length);
    try {
      return ImageReference.parse(rewritten);
    } catch (InvalidReferenceException e) {
      throw new ConfigFileException(
          entry.origin(),
          0,
          "rewriting "
              + reference
              + " for the registry with prefix "
              + entry.prefix()
              + " gives \""
              + rewritten
              + "\", which is not a reference: "
              + e.getMessage(),
          "check the location of that registry and its mirrors");
    }
  }

  /** Merges files in the order they are added. */
  static final class Builder {
    private final Map<String, RegistryEntry> registries = new TreeMap<>();
    private List<String> search;
    private String searchOrigin;
    private ShortNameMode mode;
    private String modeOrigin;
    private final Map<String, ShortNames.Alias> aliases = new LinkedHashMap<>();
    private final List<String> extraInsecure = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    Builder add(RegistriesConfFile file) {
      files.add(file.path());
      for (RegistryEntry r : file.registries()) {
        registries.put(r.prefix(), r);
      }
      if (file.searchRegistries() != null) {
        search = file.searchRegistries();
        searchOrigin = file.path().toString();
      }
      if (file.mode() != null) {
        mode = file.mode();
        modeOrigin = file.path().toString();
      }
      file.aliases()
          .forEach((k, v) -> aliases.put(k, new ShortNames.Alias(v, file.path().toString())));
      return this;
    }

    Builder add(DaemonJsonFile file) {
      files.add(file.path());
      if (!file.mirrors().isEmpty()) {
        List<RegistryEntry.Mirror> mirrors = new ArrayList<>();
        for (String m : file.mirrors()) {
          mirrors.add(
              new RegistryEntry.Mirror(
                  m, file.plainHttpMirrors().contains(m), RegistryEntry.PullFrom.ALL));
        }
        String origin = file.path() + " (registry-mirrors)";
        RegistryEntry hub = registries.get(ImageReference.DOCKER_HUB);
        registries.put(
            ImageReference.DOCKER_HUB,
            hub == null
                ? new RegistryEntry(
                    ImageReference.DOCKER_HUB,
                    ImageReference.DOCKER_HUB,
                    false,
                    false,
                    false,
                    mirrors,
                    origin)
                : hub.withMoreMirrors(mirrors, origin));
      }
      extraInsecure.addAll(file.insecureRegistries());
      for (String m : file.plainHttpMirrors()) {
        extraInsecure.add(m);
      }
      return this;
    }

    RegistriesConfig build() {
      return new RegistriesConfig(
          new ArrayList<>(registries.values()),
          search,
          searchOrigin,
          mode,
          modeOrigin,
          aliases,
          extraInsecure,
          files);
    }
  }
}
