package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheDirectoryTest {
  private static final Path HOME = Path.of("/home/ada");

  @Test
  void defaultsToDotCacheKilnInHome() {
    assertEquals(
        Path.of("/home/ada/.cache/kiln"), CacheDirectory.resolve(Optional.empty(), Map.of(), HOME));
  }

  @Test
  void xdgCacheHomeReplacesDotCacheButOnlyWhenAbsolute() {
    assertEquals(
        Path.of("/var/cache/ada/kiln"),
        CacheDirectory.resolve(Optional.empty(), Map.of("XDG_CACHE_HOME", "/var/cache/ada"), HOME));
    assertEquals(
        Path.of("/home/ada/.cache/kiln"),
        CacheDirectory.resolve(Optional.empty(), Map.of("XDG_CACHE_HOME", "rel/dir"), HOME));
  }

  @Test
  void environmentVariableBeatsXdgAndOptionBeatsEnvironment() {
    Map<String, String> env = Map.of("KILN_CACHE_DIR", "/srv/kiln", "XDG_CACHE_HOME", "/x");
    assertEquals(Path.of("/srv/kiln"), CacheDirectory.resolve(Optional.empty(), env, HOME));
    assertEquals(Path.of("/opt/c"), CacheDirectory.resolve(Optional.of("/opt/c"), env, HOME));
  }

  @Test
  void blankValuesAreIgnoredAndTildeIsExpanded() {
    Map<String, String> env = Map.of("KILN_CACHE_DIR", " ");
    assertEquals(
        Path.of("/home/ada/.cache/kiln"), CacheDirectory.resolve(Optional.of(""), env, HOME));
    assertEquals(
        Path.of("/home/ada/c"), CacheDirectory.resolve(Optional.of("~/c"), Map.of(), HOME));
  }
}
