package dev.kiln.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TagSuggestionsTest {
  @Test
  void aFewTagsAreAllListed() {
    assertEquals(
        "its tags: 1.0, 1.1, latest",
        TagSuggestions.describe("1.2", List.of("latest", "1.1", "1.0"), false));
    assertEquals("the repository has no tags", TagSuggestions.describe("1", List.of(), false));
  }

  @Test
  void manyTagsGiveTheClosest() {
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      tags.add("3." + i + ".0");
    }
    tags.add("latest");
    tags.add("3.19-alpine");
    assertEquals(
        "of its 42 tags the closest are: latest, 3.0.0, 3.1.0, 3.10.0, 3.11.0",
        TagSuggestions.describe("lastest", tags, false));
    String near = TagSuggestions.describe("3.19", tags, true);
    assertEquals(
        "of its more than 42 tags the closest are: 3.19.0, 3.1.0, 3.10.0, 3.11.0, 3.12.0", near);
  }
}
