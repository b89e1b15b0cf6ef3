package dev.kiln.api.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.RequestException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A recipe as the Dockerfile and request kiln builds; ImageRecipeIT builds them for real. */
class ImageRecipeTest {
  @TempDir Path temp;

  @Test
  void eachLayerIsACopyFromAContextOfItsOwnAndValuesAreQuoted() throws Exception {
    Path lib = Files.createDirectories(temp.resolve("lib"));
    Path jar = Files.writeString(temp.resolve("app.jar"), "jar");
    ImageRecipe recipe =
        ImageRecipe.from("eclipse-temurin:21-jre")
            .addLayer(LayerSource.of(lib, "/app/lib"))
            .addLayer(LayerSource.of(jar, "/app/app.jar").ownedBy("1000:1000"))
            .env("GREETING", "say \"hi\" to $HOME\\")
            .label("org.opencontainers.image.title", "app")
            .exposedPort("8080/tcp")
            .workingDirectory("/app")
            .user("app")
            .entrypoint("java", "-jar", "/app/app.jar")
            .cmd("--name", "it's me");

    assertEquals(
        """
        FROM eclipse-temurin:21-jre
        COPY --from=kiln-recipe-layer-0 [".","/app/lib/"]
        COPY --from=kiln-recipe-layer-1 --chown=1000:1000 ["app.jar","/app/app.jar"]
        ENV GREETING="say \\"hi\\" to \\$HOME\\\\"
        LABEL "org.opencontainers.image.title"="app"
        EXPOSE 8080/tcp
        WORKDIR /app
        USER app
        ENTRYPOINT ["java","-jar","/app/app.jar"]
        CMD ["--name","it's me"]
        """,
        recipe.dockerfile());

    BuildRequest request =
        recipe
            .configure(b -> b.sourceDateEpoch(1704067200))
            .request(Destination.ociArchive(temp.resolve("image.tar"), "app:1"), temp);
    assertEquals(
        Map.of(
            "kiln-recipe-layer-0",
            new NamedContext.Directory("kiln-recipe-layer-0", lib),
            "kiln-recipe-layer-1",
            new NamedContext.Directory("kiln-recipe-layer-1", temp)),
        request.buildContexts());
    assertEquals(List.of("app:1"), request.tags());
    assertEquals(OutputSpec.Type.OCI, request.outputs().get(0).type());
    assertEquals(1704067200L, request.sourceDateEpoch().orElseThrow());
    assertEquals(
        recipe.dockerfile(),
        new String(request.dockerfileContent().orElseThrow(), StandardCharsets.UTF_8));
  }

  @Test
  void aBaseFromALayoutIsANamedContext() {
    BuildRequest request =
        ImageRecipe.fromLayout(temp, "1.0")
            .request(Destination.layout(temp.resolve("out"), "app:1"), temp);
    assertEquals(
        new NamedContext.OciLayout("kiln-recipe-base", temp, ":1.0"),
        request.buildContexts().get("kiln-recipe-base"));
    assertTrue(
        new String(request.dockerfileContent().orElseThrow(), StandardCharsets.UTF_8)
            .startsWith("FROM kiln-recipe-base\n"));
  }

  @Test
  void valuesThatCannotBeWrittenSafelyAreRefusedByName() throws Exception {
    Path file = Files.writeString(temp.resolve("f"), "x");
    assertRefused(
        ImageRecipe.from("scratch").addLayer(LayerSource.of(temp.resolve("missing"), "/m")),
        "is neither a file nor a directory");
    assertRefused(
        ImageRecipe.from("scratch").addLayer(LayerSource.of(file, "app/f")),
        "'app/f' is not an absolute path");
    assertRefused(
        ImageRecipe.from("scratch").addLayer(LayerSource.of(file, "/$HOME/f")), "contains $ or \\");
    assertRefused(ImageRecipe.from("scratch").env("A-B", "1"), "environment variable name");
    assertRefused(ImageRecipe.from("scratch").env("A", "1\n2"), "contains a line break");
    assertRefused(ImageRecipe.from("scratch").exposedPort("http"), "port 'http'");
    assertRefused(ImageRecipe.from("scratch").user("app; rm"), "user 'app; rm'");
    assertRefused(ImageRecipe.from("alpine\nRUN x"), "base image");
  }

  private static void assertRefused(ImageRecipe recipe, String expected) {
    RequestException e = assertThrows(RequestException.class, recipe::dockerfile);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
