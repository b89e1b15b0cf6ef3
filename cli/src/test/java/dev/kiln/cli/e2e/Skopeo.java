package dev.kiln.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** skopeo, the independent tool the end-to-end tests check kiln's results with. */
final class Skopeo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Skopeo() {}

  /** {@code skopeo inspect --raw TRANSPORT:REF}: the manifest bytes as stored. */
  static String rawManifest(String image) {
    return run("inspect", "--raw", image);
  }

  /** {@code skopeo inspect --config --raw TRANSPORT:REF}: the config bytes as stored. */
  static String rawConfig(String image) {
    return run("inspect", "--config", "--raw", image);
  }

  /** {@code skopeo list-tags docker://REPO}: the repository's tags. */
  static List<String> tags(String repository) {
    List<String> tags = new ArrayList<>();
    json(run("list-tags", repository)).path("Tags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  /** {@code skopeo copy SRC DEST}. */
  static void copy(String source, String destination) {
    run("copy", "--quiet", source, destination);
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String run(String... args) {
    List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    for (String a : args) {
      command.add(a);
      if (a.equals("inspect") || a.equals("list-tags")) {
        command.add("--tls-verify=false");
      } else if (a.equals("copy")) {
        command.add("--src-tls-verify=false");
        command.add("--dest-tls-verify=false");
      }
    }
    return ProcessRunner.run(command).requireSuccess().stdout();
  }
}
