package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Image names and tags as both plugins read them. */
class ImageNamesTest {
  @Test
  void plainTagsNameTheImagesRepository() {
    assertEquals(
        List.of(
            "registry.example.com:5000/team/app:1.0",
            "registry.example.com:5000/team/app:latest",
            "registry.example.com:5000/team/app:1.0-SNAPSHOT"),
        ImageNames.of(
            "registry.example.com:5000/team/app:1.0",
            List.of("latest", " 1.0-SNAPSHOT ", ""),
            "<image>",
            "<tags>"));
  }

  @Test
  void aTagThatIsAReferenceStandsForItselfAndDuplicatesAreDropped() {
    assertEquals(
        List.of("ghcr.io/org/app:1", "ghcr.io/org/mirror:1"),
        ImageNames.of(
            "ghcr.io/org/app:1", List.of("ghcr.io/org/mirror:1", "1"), "<image>", "<tags>"));
  }

  @Test
  void noTagsIsJustTheImage() {
    assertEquals(List.of("app"), ImageNames.of("app", null, "<image>", "<tags>"));
  }

  @Test
  void badValuesSayWhichParameterIsWrong() {
    IllegalArgumentException image =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageNames.of("App:1", List.of(), "<image>", "<tags>"));
    assertTrue(image.getMessage().startsWith("<image> 'App:1'"), image.getMessage());
    IllegalArgumentException tag =
        assertThrows(
            IllegalArgumentException.class,
            () -> ImageNames.of("app:1", List.of("1.0+build"), "<image>", "<tags>"));
    assertTrue(tag.getMessage().startsWith("<tags> '1.0+build'"), tag.getMessage());
  }
}
