package dev.kiln.registry.config;

import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One registries.conf file ({@code containers-registries.conf(5)}), checked as podman checks it:
 * {@code [[registry]]} entries with their mirrors, {@code unqualified-search-registries}, {@code
 * short-name-mode} and {@code [aliases]}. The version 1 format ({@code [registries.search]}, {@code
 * .insecure}, {@code .block}) is read too, except in drop-in files. Keys kiln has no use for
 * ({@code credential-helpers}, …) are ignored, as podman ignores keys it does not know.
 *
 * @param searchRegistries null when the file does not set the key (an empty list is a setting)
 * @param mode null when the file does not set it
 * @param aliases short name → fully qualified name; an empty value removes an earlier alias
 */
record RegistriesConfFile(
    Path path,
    List<RegistryEntry> registries,
    List<String> searchRegistries,
    ShortNameMode mode,
    Map<String, String> aliases) {

  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
              + "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
              + "|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");

  static RegistriesConfFile read(Path path, boolean dropIn) throws IOException {
    String name = path.toString();
    TomlTable root = TomlParser.parse(Files.readString(path, StandardCharsets.UTF_8), name);
    TomlTable v1 = root.table("registries");
    boolean hasV2 =
        root.has("registry")
            || root.has("unqualified-search-registries")
            || root.has("short-name-mode")
            || root.has("aliases");
    if (v1 != null) {
      if (dropIn) {
        throw new ConfigFileException(
            name,
            root.lineOf("registries"),
            "a drop-in file must use the version 2 format ([[registry]]), not [registries.*]",
            "rewrite it with [[registry]] tables and unqualified-search-registries");
      }
      if (hasV2) {
        throw new ConfigFileException(
            name,
            root.lineOf("registries"),
            "mixes the version 1 format ([registries.*]) with version 2 keys",
            "use only one format in the file");
      }
      return fromV1(path, v1);
    }
    List<RegistryEntry> registries = new ArrayList<>();
    for (TomlTable t : root.tables("registry")) {
      registries.add(registry(t, name));
    }
    checkConflicts(registries, name);
    List<String> search = root.strings("unqualified-search-registries");
    if (search != null) {
      search = searchRegistries(search, name, root.lineOf("unqualified-search-registries"));
    }
    String modeText = root.string("short-name-mode");
    ShortNameMode mode =
        modeText == null || modeText.isEmpty()
            ? null
            : ShortNameMode.parse(modeText, name, root.lineOf("short-name-mode"));
    Map<String, String> aliases = new LinkedHashMap<>();
    TomlTable aliasTable = root.table("aliases");
    if (aliasTable != null) {
      for (String shortName : aliasTable.keys()) {
        int line = aliasTable.lineOf(shortName);
        String value = aliasTable.string(shortName);
        checkAlias(shortName, value, name, line);
        aliases.put(shortName, value);
      }
    }
    return new RegistriesConfFile(path, uniquePrefixes(registries), search, mode, aliases);
  }

  private static RegistriesConfFile fromV1(Path path, TomlTable v1) {
    String name = path.toString();
    Map<String, Boolean[]> flags = new LinkedHashMap<>();
    for (String kind : List.of("block", "insecure")) {
      TomlTable t = v1.table(kind);
      List<String> hosts = t == null ? null : t.strings("registries");
      for (String host : hosts == null ? List.<String>of() : hosts) {
        String location = location(host, name, t.lineOf("registries"));
        Boolean[] f = flags.computeIfAbsent(location, k -> new Boolean[] {false, false});
        f[kind.equals("block") ? 0 : 1] = true;
      }
    }
    List<RegistryEntry> registries = new ArrayList<>();
    flags.forEach(
        (location, f) ->
            registries.add(
                new RegistryEntry(location, location, f[1], f[0], false, List.of(), name)));
    TomlTable searchTable = v1.table("search");
    List<String> search = searchTable == null ? null : searchTable.strings("registries");
    if (search != null) {
      search = searchRegistries(search, name, searchTable.lineOf("registries"));
    }
    return new RegistriesConfFile(path, registries, search, null, Map.of());
  }

  private static RegistryEntry registry(TomlTable t, String file) {
    String where = file + ":" + t.line();
    String location =
        t.has("location") ? location(t.string("location"), file, t.lineOf("location")) : "";
    String prefix = t.has("prefix") ? location(t.string("prefix"), file, t.lineOf("prefix")) : "";
    if (prefix.isEmpty()) {
      if (location.isEmpty()) {
        throw new ConfigFileException(
            file,
            t.line(),
            "a [[registry]] needs a location or a prefix",
            "add location = \"host[:port][/namespace]\"");
      }
      prefix = location;
    } else if (prefix.startsWith("*.")) {
      if (prefix.matches(".*[/@:].*")) {
        throw new ConfigFileException(
            file,
            t.lineOf("prefix"),
            "a wildcard prefix must look like *.example.com (no port, path or digest): " + prefix,
            "write prefix = \"*.example.com\"");
      }
    } else if (location.isEmpty()) {
      throw new ConfigFileException(
          file,
          t.line(),
          "a [[registry]] without a location needs a wildcard prefix (*.example.com)",
          "add location = \"host[:port][/namespace]\"");
    }
    if (t.has("pull-from-mirror")) {
      throw new ConfigFileException(
          file,
          t.lineOf("pull-from-mirror"),
          "pull-from-mirror belongs in a [[registry.mirror]], not in the registry " + prefix,
          "move it into the mirror it is meant for");
    }
    boolean byDigest = t.bool("mirror-by-digest-only", false);
    List<RegistryEntry.Mirror> mirrors = new ArrayList<>();
    for (TomlTable m : t.tables("mirror")) {
      String mirrorLocation =
          m.has("location") ? location(m.string("location"), file, m.lineOf("location")) : "";
      if (mirrorLocation.isEmpty()) {
        throw new ConfigFileException(
            file, m.line(), "a mirror needs a location", "add location = \"host[:port]\"");
      }
      String pullFrom = m.string("pull-from-mirror");
      RegistryEntry.PullFrom when = RegistryEntry.PullFrom.ALL;
      if (pullFrom != null && !pullFrom.isEmpty()) {
        if (byDigest) {
          throw new ConfigFileException(
              file,
              m.lineOf("pull-from-mirror"),
              "the registry "
                  + prefix
                  + " sets mirror-by-digest-only, so its mirror "
                  + mirrorLocation
                  + " may not set pull-from-mirror",
              "keep one of the two");
        }
        when =
            switch (pullFrom) {
              case "all" -> RegistryEntry.PullFrom.ALL;
              case "digest-only" -> RegistryEntry.PullFrom.DIGEST_ONLY;
              case "tag-only" -> RegistryEntry.PullFrom.TAG_ONLY;
              default ->
                  throw new ConfigFileException(
                      file,
                      m.lineOf("pull-from-mirror"),
                      "pull-from-mirror \"" + pullFrom + "\" is not all, digest-only or tag-only",
                      "use \"all\", \"digest-only\" or \"tag-only\"");
            };
      }
      mirrors.add(new RegistryEntry.Mirror(mirrorLocation, m.bool("insecure", false), when));
    }
    return new RegistryEntry(
        prefix,
        location,
        t.bool("insecure", false),
        t.bool("blocked", false),
        byDigest,
        mirrors,
        where);
  }

  /** A location or prefix: trailing {@code /} dropped, no URL scheme. */
  private static String location(String value, String file, int line) {
    String trimmed = value == null ? "" : value.replaceAll("/+$", "");
    if (trimmed.startsWith("http://") || trimmed.startsWith("https://")) {
      throw new ConfigFileException(
          file,
          line,
          "\"" + value + "\": a registry location has no URL scheme",
          "write host[:port][/namespace]; set insecure = true for plain HTTP");
    }
    return trimmed;
  }

  private static List<String> searchRegistries(List<String> values, String file, int line) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      String host = location(v, file, line);
      if (!DOMAIN.matcher(host).matches()) {
        throw new ConfigFileException(
            file,
            line,
            "\"" + v + "\" in unqualified-search-registries is not a registry host[:port]",
            "list registries such as \"docker.io\" or \"quay.io\"");
      }
      out.add(host);
    }
    return out;
  }

  /** Two entries for one location may not disagree about insecure or blocked. */
  private static void checkConflicts(List<RegistryEntry> registries, String file) {
    Map<String, RegistryEntry> byLocation = new HashMap<>();
    for (RegistryEntry r : registries) {
      String key = r.location().isEmpty() ? r.prefix() : r.location();
      RegistryEntry other = byLocation.putIfAbsent(key, r);
      if (other == null) {
        continue;
      }
      String setting =
          other.insecure() != r.insecure()
              ? "insecure"
              : other.blocked() != r.blocked() ? "blocked" : null;
      if (setting != null) {
        throw new ConfigFileException(
            file,
            0,
            "the registry "
                + key
                + " is defined more than once with different '"
                + setting
                + "' settings ("
                + other.origin()
                + " and "
                + r.origin()
                + ")",
            "give every entry for " + key + " the same " + setting + " value");
      }
    }
  }

  /** The first entry for a prefix wins, as in podman. */
  private static List<RegistryEntry> uniquePrefixes(List<RegistryEntry> registries) {
    Map<String, RegistryEntry> byPrefix = new LinkedHashMap<>();
    for (RegistryEntry r : registries) {
      byPrefix.putIfAbsent(r.prefix(), r);
    }
    return new ArrayList<>(byPrefix.values());
  }

  private static void checkAlias(String shortName, String value, String file, int line) {
    if (!ShortNames.isShortName(shortName) || shortName.contains("@") || hasTag(shortName)) {
      throw new ConfigFileException(
          file,
          line,
          "the alias name \"" + shortName + "\" must be a short name without tag or digest",
          "write \"name\" = \"registry.example.com/repository\"");
    }
    if (value.isEmpty()) {
      return;
    }
    ImageReference ref;
    try {
      ref = ImageReference.parse(value);
    } catch (InvalidReferenceException e) {
      throw new ConfigFileException(
          file,
          line,
          "the alias " + shortName + " = \"" + value + "\": " + e.getMessage(),
          "write it as registry.example.com/repository");
    }
    if (ShortNames.isShortName(value) || ref.tag() != null || ref.digest() != null) {
      throw new ConfigFileException(
          file,
          line,
          "the alias "
              + shortName
              + " = \""
              + value
              + "\" must name a registry and a repository, without tag or digest",
          "write it as registry.example.com/repository");
    }
  }

  private static boolean hasTag(String name) {
    int colon = name.lastIndexOf(':');
    return colon > name.lastIndexOf('/');
  }

  /**
   * {@code host[:port]} of a location, lower-cased ({@code example.com/ns} → {@code example.com}).
   */
  static String hostOf(String location) {
    int slash = location.indexOf('/');
    return (slash < 0 ? location : location.substring(0, slash)).toLowerCase(Locale.ROOT);
  }
}
