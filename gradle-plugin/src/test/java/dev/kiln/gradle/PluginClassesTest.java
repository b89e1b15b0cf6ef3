package dev.kiln.gradle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The classes Gradle loads from the plugin jar (everything in {@code dev.kiln.gradle} but the
 * engine) are Java 8 class files that name no kiln class outside the plugin: Gradle 4.4 to 8.x on
 * any JVM can read them, and kiln's Java 17 code is only reached through the nested runtime.
 */
class PluginClassesTest {
  private static final Pattern KILN_CLASS = Pattern.compile("dev/kiln/([a-z]+)/([\\w/$]+)");

  @Test
  void pluginClassesAreJava8AndNameNoKilnClassOutsideThePlugin() throws Exception {
    List<Path> classes = pluginClasses();
    assertTrue(classes.size() >= 8, classes.toString());
    for (Path file : classes) {
      byte[] bytes = Files.readAllBytes(file);
      try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
        assertEquals(0xCAFEBABE, in.readInt());
        in.readUnsignedShort();
        assertEquals(52, in.readUnsignedShort(), file + " is not a Java 8 class file");
      }
      // Class names in the constant pool are plain modified-UTF-8 text.
      Matcher m = KILN_CLASS.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
      while (m.find()) {
        assertEquals("gradle", m.group(1), file + " names " + m.group());
        assertFalse(
            m.group(2).startsWith("engine/"), file + " names the engine class " + m.group());
      }
    }
  }

  @Test
  void theEngineEntryPointsExistUnderTheNamesThePluginUses() throws Exception {
    for (String name : List.of(InProcessRunner.ENTRY_CLASS, ForkedRunner.MAIN_CLASS)) {
      try (InputStream in =
          getClass().getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
        assertTrue(in != null, name);
      }
    }
    assertEquals(
        "run",
        Class.forName(InProcessRunner.ENTRY_CLASS)
            .getMethod("run", java.util.Map.class, java.util.function.BiConsumer.class)
            .getName());
    Class.forName(ForkedRunner.MAIN_CLASS).getMethod("main", String[].class);
  }

  private static List<Path> pluginClasses() throws Exception {
    Path root =
        Path.of(KilnPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = root.resolve("dev/kiln/gradle");
    List<Path> classes = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(f -> f.toString().endsWith(".class")).forEach(classes::add);
    }
    return classes;
  }
}
