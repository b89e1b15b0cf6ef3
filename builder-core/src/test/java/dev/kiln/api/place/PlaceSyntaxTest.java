package dev.kiln.api.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.place.Place.ArchiveKind;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every form a user can name an image place in, against a directory with a few real paths. */
class PlaceSyntaxTest {
  private static final String DIGEST =
      "sha256:0000000000000000000000000000000000000000000000000000000000000001";

  @TempDir Path base;

  @BeforeEach
  void paths() throws IOException {
    new TestLayouts(base.resolve("lay"));
    Files.writeString(base.resolve("img.tar"), "not read while parsing");
    Files.createDirectories(base.resolve("app")); // a build context, not a layout
  }

  private Place parse(String text) throws IOException {
    return PlaceSyntax.parse(text, base);
  }

  @Test
  void prefixesNameTheKindOfPlace() throws IOException {
    assertEquals(
        new Place.Registry(
            "docker://localhost:5000/app:1", ImageReference.parse("localhost:5000/app:1")),
        parse("docker://localhost:5000/app:1"));
    assertEquals(
        new Place.Layout("oci-layout://out/x:v1", base.resolve("out/x"), "v1"),
        parse("oci-layout://out/x:v1"));
    assertEquals(
        new Place.Layout("oci-layout://out@" + DIGEST, base.resolve("out"), "@" + DIGEST),
        parse("oci-layout://out@" + DIGEST));
    assertEquals(new Place.Layout("oci:out", base.resolve("out"), ""), parse("oci:out"));
    assertEquals(new Place.Layout("oci:out:v1", base.resolve("out"), "v1"), parse("oci:out:v1"));
    assertEquals(
        new Place.Layout("oci:/abs/out@" + DIGEST, Path.of("/abs/out"), "@" + DIGEST),
        parse("oci:/abs/out@" + DIGEST));
    assertEquals(
        new Place.Archive("oci-archive:o.tar:1", base.resolve("o.tar"), "1", ArchiveKind.OCI),
        parse("oci-archive:o.tar:1"));
    assertEquals(
        new Place.Archive(
            "docker-archive:d.tar:app:1", base.resolve("d.tar"), "app:1", ArchiveKind.DOCKER),
        parse("docker-archive:d.tar:app:1"),
        "skopeo's rule: the path ends at the first colon, the rest is a docker reference");
  }

  @Test
  void anExistingLayoutOrFileIsAPlaceWithOrWithoutAName() throws IOException {
    assertEquals(new Place.Layout("lay", base.resolve("lay"), ""), parse("lay"));
    assertEquals(new Place.Layout("lay:v2", base.resolve("lay"), "v2"), parse("lay:v2"));
    assertEquals(
        new Place.Archive("img.tar", base.resolve("img.tar"), "", ArchiveKind.EITHER),
        parse("img.tar"));
    assertEquals(
        new Place.Archive("img.tar:1", base.resolve("img.tar"), "1", ArchiveKind.EITHER),
        parse("img.tar:1"));
  }

  @Test
  void anythingElseIsANameInTheStoreAndAContextDirectoryDoesNotHideIt() throws IOException {
    assertEquals(new Place.Store("app:1", ImageReference.parse("app:1")), parse("app:1"));
    Place app = parse("app");
    assertEquals(new Place.Store("app", ImageReference.parse("app")), app);
    assertEquals("docker.io/library/app:latest", ((Place.Store) app).name());
  }

  @Test
  void textThatCanOnlyBeAPathMustNameOne() {
    ImageNotFoundException missing =
        assertThrows(ImageNotFoundException.class, () -> parse("/nonexistent/app.tar"));
    assertEquals("/nonexistent/app.tar: no such file or directory", missing.getMessage());
    assertTrue(missing.hint().contains("OCI layout directory that exists"), missing.hint());

    ImageNotFoundException notLayout =
        assertThrows(ImageNotFoundException.class, () -> PlaceSyntax.parse("./app", base));
    assertTrue(
        notLayout
            .getMessage()
            .endsWith("is a directory but not an OCI image layout" + " (it has no index.json)"),
        notLayout.getMessage());
  }

  @Test
  void relativePathsAreTakenFromTheBaseDirectory() throws IOException {
    Path elsewhere = base.resolve("project");
    Files.createDirectories(elsewhere.resolve("target"));
    Files.writeString(elsewhere.resolve("target/kiln-image.tar"), "x");
    assertEquals(
        new Place.Archive(
            "target/kiln-image.tar:1",
            elsewhere.resolve("target/kiln-image.tar"),
            "1",
            ArchiveKind.EITHER),
        PlaceSyntax.parse("target/kiln-image.tar:1", elsewhere));
  }

  @Test
  void aReferenceIsTheRegistryOnlyWithItsPrefixElseTheStoreFirst() {
    assertEquals(
        new Place.Registry("docker://app:1", ImageReference.parse("app:1")),
        PlaceSyntax.parseReference("docker://app:1"));
    assertEquals(
        new Place.Store("app:1", ImageReference.parse("app:1")),
        PlaceSyntax.parseReference("app:1"));
  }
}
