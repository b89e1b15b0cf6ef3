package dev.kiln.api.place;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.RequestException;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies between the places on disk (layouts, both archive kinds, kiln's store), read back through
 * the same facade; what other tools make of them is checked in {@code PlacesIT}.
 */
class PlacesTest {
  private static final Platform ARM64 = Platform.parse("linux/arm64");

  @TempDir Path temp;
  private Path store;
  private Places places;
  private ImageManifest amd64;
  private ImageManifest arm64;
  private ImageIndex index;

  @BeforeEach
  void setUp() throws IOException {
    store = temp.resolve("store");
    places =
        new Places(
            store,
            () -> {
              throw new AssertionError("no place in these tests is a registry");
            },
            new ByteArrayOutputStream());
    TestLayouts layout = new TestLayouts(temp.resolve("lay"));
    amd64 = layout.image(Platform.linuxAmd64(), "amd64");
    arm64 = layout.image(ARM64, "arm64");
    index = layout.index(List.of(amd64, arm64), List.of(Platform.linuxAmd64(), ARM64));
    layout
        .tag("v1", MediaType.OCI_MANIFEST, amd64.raw())
        .tag("multi", MediaType.OCI_INDEX, index.raw());
  }

  @AfterEach
  void tearDown() {
    places.close();
  }

  private Place parse(String text) throws IOException {
    return PlaceSyntax.parse(text, temp);
  }

  @Test
  void anImageCopiedToEachFilePlaceReadsBackWithItsExactBytes() throws IOException {
    LocatedImage source = places.openLocal(parse("oci:lay:v1"));
    assertEquals(amd64.digest(), source.manifest().digest());

    List<String> names = List.of("example.com/app:1");
    for (String target : List.of("oci:copy", "oci-archive:copy.tar", "docker-archive:copy-d.tar")) {
      WrittenImage written = places.sink(parse(target)).write(source, names);
      assertEquals(amd64.digest(), written.digest(), target);
    }
    places.sink(new Place.Store("app:1", ImageReference.parse("app:1"))).write(source, names);

    for (String copy : List.of("copy:1", "copy.tar:1", "copy-d.tar", "example.com/app:1")) {
      LocatedImage back = places.openLocal(parse(copy));
      assertEquals(amd64.digest(), back.manifest().digest(), copy);
      assertArrayEquals(
          source.reader().readBlob(amd64.config()), back.reader().readBlob(amd64.config()), copy);
      assertArrayEquals(
          source.reader().readBlob(amd64.layers().get(0)),
          back.reader().readBlob(amd64.layers().get(0)),
          copy);
    }
  }

  @Test
  void aBuiltImageGoesToTheSameSinks() throws IOException {
    BuiltImage built = places.openLocal(parse("oci:lay:v1")).builtImage();

    LocatedImage image = LocatedImage.of(built, Map.of(), "built");
    places.sink(parse("oci-archive:built.tar")).write(image, List.of("app:1"));

    LocatedImage back = places.openLocal(parse("built.tar"));
    assertEquals(built.digest(), back.manifest().digest());
    assertArrayEquals(built.config().raw().toByteArray(), back.reader().readBlob(amd64.config()));
  }

  @Test
  void anArchiveWrittenWithSeveralTagsOpensWithoutAName() throws IOException {
    LocatedImage source = places.openLocal(parse("oci:lay:v1"));
    places.sink(parse("oci-archive:tags.tar")).write(source, List.of("app:1", "app:2"));

    assertEquals(amd64.digest(), places.openLocal(parse("tags.tar")).manifest().digest());
    assertEquals(amd64.digest(), places.openLocal(parse("tags.tar:2")).manifest().digest());
  }

  @Test
  void anIndexOpensWholeOrForOnePlatformAndADockerArchiveRefusesIt() throws IOException {
    LocatedImage multi = places.openLocal(parse("oci:lay:multi"));
    assertTrue(multi.isIndex());
    assertEquals(index.digest(), multi.manifest().digest());
    assertEquals(arm64.digest(), multi.forPlatform(ARM64).manifest().digest());

    places.sink(parse("oci-archive:multi.tar")).write(multi, List.of("app:1"));
    LocatedImage whole = places.openLocal(parse("multi.tar"));
    assertTrue(whole.isIndex());
    assertEquals(index.digest(), whole.manifest().digest());
    assertEquals(arm64.digest(), whole.forPlatform(ARM64).manifest().digest());

    ImageSink docker = places.sink(parse("docker-archive:multi-docker.tar"));
    RequestException e =
        assertThrows(RequestException.class, () -> docker.write(multi, List.of("app:1")));
    assertTrue(e.getMessage().contains("is a multi-platform index"), e.getMessage());
    assertTrue(e.hint().contains("--platform"), e.hint());
    assertFalse(Files.exists(temp.resolve("multi-docker.tar")));

    ImageNotFoundException none =
        assertThrows(
            ImageNotFoundException.class, () -> multi.forPlatform(Platform.parse("linux/s390x")));
    assertTrue(
        none.getMessage().contains("has no image for platform linux/s390x"), none.getMessage());
  }

  @Test
  void anArchiveOfNoSaidKindCannotBeWritten() throws IOException {
    Files.writeString(temp.resolve("plain.tar"), "");
    RequestException e =
        assertThrows(RequestException.class, () -> places.sink(parse("plain.tar")));
    assertTrue(e.hint().contains("oci-archive:"), e.hint());
  }

  @Test
  void aLocalReadRefusesTheRegistryAndAMissingNameSaysWhereItLooked() throws IOException {
    ImageNotFoundException remote =
        assertThrows(
            ImageNotFoundException.class,
            () -> places.openLocal(parse("docker://localhost:5000/app:1")));
    assertTrue(remote.getMessage().contains("reads local images only"), remote.getMessage());
    assertEquals("pull it first: kiln pull localhost:5000/app:1", remote.hint());

    ImageNotFoundException missing =
        assertThrows(ImageNotFoundException.class, () -> places.openLocal(parse("nosuch:1")));
    assertTrue(
        missing
            .getMessage()
            .startsWith("no image docker.io/library/nosuch:1 in kiln's local store (" + store),
        missing.getMessage());
  }

  @Test
  void aStoreNameIsTaggedInTheStore() throws IOException {
    LocatedImage source = places.openLocal(parse("oci:lay:v1"));
    places
        .sink(new Place.Store("app:1", ImageReference.parse("app:1")))
        .write(source, List.of("docker.io/library/app:1"));

    TaggedImage tagged = places.tag(PlaceSyntax.parseReference("app:1"), "app:stable");

    assertEquals(
        new TaggedImage("docker.io/library/app:stable", amd64.digest(), "kiln's local store"),
        tagged);
    assertEquals(amd64.digest(), places.openLocal(parse("app:stable")).manifest().digest());
  }

  @Test
  void closeRemovesWhatArchivesWereUnpackedInto() throws IOException {
    LocatedImage source = places.openLocal(parse("oci:lay:v1"));
    places.sink(parse("docker-archive:d.tar")).write(source, List.of("app:1"));
    places.openLocal(parse("d.tar"));
    try (Stream<Path> tmp = Files.list(store.resolve("tmp"))) {
      assertEquals(1, tmp.count(), "the archive is unpacked under the store's tmp/");
    }

    places.close();

    try (Stream<Path> tmp = Files.list(store.resolve("tmp"))) {
      assertEquals(0, tmp.count());
    }
  }

  @Test
  void theStoreListsItsImagesAndUntagsThemByNameOrDigest() throws IOException {
    LocatedImage source = places.openLocal(parse("oci:lay:v1"));
    places.storeSink().write(source, List.of("docker.io/library/app:1", "docker.io/library/app:2"));
    places
        .storeSink()
        .write(places.openLocal(parse("oci:lay:multi")).forPlatform(ARM64), List.of());

    List<StoredImage> images = places.storedImages();
    assertEquals(3, images.size(), images.toString());
    assertEquals(java.util.Optional.of("docker.io/library/app:1"), images.get(0).name());
    assertEquals(amd64.digest(), images.get(0).digest());
    assertEquals(List.of(Platform.linuxAmd64()), images.get(0).platforms());
    assertTrue(images.get(0).size() > amd64.raw().size(), images.get(0).toString());
    assertEquals(java.util.Optional.empty(), images.get(2).name(), "stored by digest: no name");

    RequestException several =
        assertThrows(
            RequestException.class,
            () -> places.untag(amd64.digest().hex().substring(0, 8), false));
    assertTrue(
        several.getMessage().contains("app:1, docker.io/library/app:2"), several.getMessage());
    assertEquals(
        List.of(new UntaggedImage("docker.io/library/app:1", amd64.digest())),
        places.untag("app:1", false));
    assertEquals(
        List.of(new UntaggedImage(arm64.digest().toString(), arm64.digest())),
        places.untag(arm64.digest().toString(), false));
    assertEquals(1, places.untag(amd64.digest().hex().substring(0, 8), true).size());
    assertEquals(List.of(), places.storedImages());
    assertThrows(ImageNotFoundException.class, () -> places.untag("app:1", false));
  }

  @Test
  void imagesOfAnArchiveCarryTheNamesItGivesThem() throws IOException {
    LocatedImage source = places.openLocal(parse("oci:lay:v1"));
    places
        .sink(parse("docker-archive:named.tar"))
        .write(source, List.of("registry.example/team/app:1"));

    List<NamedImage> images = places.images(parse("named.tar"));

    assertEquals(1, images.size());
    assertEquals(List.of("registry.example/team/app:1"), images.get(0).names());
    assertEquals(amd64.digest(), images.get(0).image().manifest().digest());
  }

  @Test
  void aDestinationPathMustSayWhichKindOfFile() throws IOException {
    assertTrue(PlaceSyntax.parseDestination("oci-archive:new.tar", temp) instanceof Place.Archive);
    assertTrue(PlaceSyntax.parseDestination("oci:new-dir", temp) instanceof Place.Layout);
    assertTrue(PlaceSyntax.parseDestination("app:1", temp) instanceof Place.Store);
    RequestException e =
        assertThrows(RequestException.class, () -> PlaceSyntax.parseDestination("out.tar", temp));
    assertTrue(e.hint().contains("docker-archive:out.tar"), e.hint());
  }
}
