package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Compression;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputSpecParserTest {
  @Test
  void registryIsAnImageThatPushes() {
    OutputSpec spec = OutputSpecParser.parse("type=registry,name=r.example/a:1");
    assertEquals(OutputSpec.Type.IMAGE, spec.type());
    assertTrue(spec.push());
    assertEquals(List.of("r.example/a:1"), spec.names());
    assertEquals(Compression.GZIP, spec.compression());
    assertTrue(spec.ociMediaTypes());
  }

  @Test
  void severalNamesFollowBuildxCommaRules() {
    assertEquals(List.of("a:1", "b:2"), OutputSpecParser.parse("type=image,name=a:1,b:2").names());
    assertEquals(
        List.of("a:1", "b:2"), OutputSpecParser.parse("type=image,\"name=a:1,b:2\"").names());
  }

  @Test
  void ociIsATarUnlessTarFalse() {
    assertEquals(OutputSpec.Type.OCI, OutputSpecParser.parse("type=oci,dest=o.tar").type());
    OutputSpec dir = OutputSpecParser.parse("type=oci,dest=out,tar=false");
    assertEquals(OutputSpec.Type.OCI_LAYOUT, dir.type());
    assertEquals(Optional.of(Path.of("out")), dir.dest());
  }

  @Test
  void dockerDefaultsToDockerMediaTypesAndCompressionOptionsParse() {
    OutputSpec spec =
        OutputSpecParser.parse("type=docker,dest=i.tar,compression=zstd,compression-level=19");
    assertFalse(spec.ociMediaTypes());
    assertEquals(Compression.ZSTD, spec.compression());
    assertEquals(Optional.of(19), spec.compressionLevel());
    assertTrue(
        OutputSpecParser.parse("type=docker,dest=i.tar,oci-mediatypes=true").ociMediaTypes());
  }

  @Test
  void compressionNamesAreBuildxsAndNameTheLayerFormat() {
    Map<String, Compression> byName =
        Map.of(
            "gzip", Compression.GZIP,
            "zstd", Compression.ZSTD,
            "uncompressed", Compression.NONE,
            " ZSTD ", Compression.ZSTD);
    byName.forEach(
        (name, format) ->
            assertEquals(
                format,
                OutputSpecParser.parse("type=oci,dest=o.tar,compression=" + name).compression(),
                name));
    assertEquals(
        "application/vnd.oci.image.layer.v1.tar",
        OutputSpecParser.parse("type=oci,dest=o.tar,compression=uncompressed")
            .compression()
            .mediaType());
    RequestException unknown =
        assertThrows(
            RequestException.class,
            () -> OutputSpecParser.parse("type=oci,dest=o.tar,compression=none"));
    assertEquals("unknown compression 'none'", unknown.getMessage());
    assertTrue(unknown.hint().contains("gzip, zstd or uncompressed"), unknown.hint());
  }

  @Test
  void shorthandsAreLocalDirectoryAndTarToStdout() {
    assertEquals(OutputSpec.Type.LOCAL, OutputSpecParser.parse("out/").type());
    OutputSpec tar = OutputSpecParser.parse("-");
    assertEquals(OutputSpec.Type.TAR, tar.type());
    assertEquals(Optional.of(Path.of("-")), tar.dest());
  }

  @Test
  void forceCompressionIsABooleanOfImageOutputs() {
    assertTrue(
        OutputSpecParser.parse("type=registry,compression=zstd,force-compression=true")
            .forceCompression());
    assertFalse(OutputSpecParser.parse("type=registry,compression=zstd").forceCompression());
    assertThrows(
        RequestException.class,
        () -> OutputSpecParser.parse("type=registry,force-compression=sometimes"));
  }

  @Test
  void storeIsKeptUnlessPushedAndUnpackIsRefusedWithItsReason() {
    assertTrue(OutputSpecParser.parse("type=image").store());
    assertFalse(OutputSpecParser.parse("type=registry").store());
    assertTrue(OutputSpecParser.parse("type=registry,store=true").store());
    assertFalse(OutputSpecParser.parse("type=image,push=true,store=false").store());
    RequestException nowhere =
        assertThrows(
            RequestException.class, () -> OutputSpecParser.parse("type=image,store=false"));
    assertTrue(nowhere.getMessage().contains("writes the image nowhere"), nowhere.getMessage());
    assertTrue(nowhere.hint().contains("push=true"), nowhere.hint());
    RequestException unpack =
        assertThrows(
            RequestException.class, () -> OutputSpecParser.parse("type=image,unpack=true"));
    assertTrue(unpack.hint().contains("no runtime"), unpack.hint());
    assertTrue(OutputSpecParser.parse("type=image,unpack=false").store());
    assertThrows(
        RequestException.class, () -> OutputSpecParser.parse("type=oci,dest=a.tar,store=true"));
  }

  @Test
  void rewriteTimestampIsABoolean() {
    assertTrue(
        OutputSpecParser.parse("type=oci,dest=a.tar,rewrite-timestamp=true").rewriteTimestamp());
    assertFalse(OutputSpecParser.parse("type=oci,dest=a.tar").rewriteTimestamp());
  }

  @Test
  void annotationTypesAndPlatformsFollowBuildx() {
    OutputSpec spec =
        OutputSpecParser.parse(
            "type=registry,annotation.a=1,annotation-manifest.b=2,annotation-index.c=3,"
                + "annotation-manifest[linux/arm64].d=4,annotation-manifest-descriptor.e=5,"
                + "annotation-index-descriptor.f=6");
    assertEquals(Map.of("a", "1", "b", "2"), spec.annotations());
    assertEquals(
        java.util.Set.of(
            "index:c", "manifest[linux/arm64]:d", "manifest-descriptor:e", "index-descriptor:f"),
        java.util.Set.copyOf(
            spec.scopedAnnotations().stream().map(ImageAnnotation::describe).toList()));
    RequestException indexForOnePlatform =
        assertThrows(
            RequestException.class,
            () -> OutputSpecParser.parse("type=registry,annotation-index[linux/amd64].k=v"));
    assertTrue(
        indexForOnePlatform.getMessage().contains("cannot be for one platform"),
        indexForOnePlatform.getMessage());
    RequestException unknown =
        assertThrows(
            RequestException.class,
            () -> OutputSpecParser.parse("type=registry,annotation-blob.k=v"));
    assertTrue(
        unknown.getMessage().contains("unknown annotation type 'blob'"), unknown.getMessage());
  }

  @Test
  void theAnnotationFlagTakesSeveralTypesAndAPlatform() {
    List<ImageAnnotation> both = ImageAnnotation.parseFlag("index,manifest:k=v=w");
    assertEquals(
        List.of(ImageAnnotation.Place.INDEX, ImageAnnotation.Place.MANIFEST),
        both.stream().map(ImageAnnotation::place).toList());
    assertEquals("v=w", both.get(0).value());
    ImageAnnotation arm = ImageAnnotation.parseFlag("manifest-descriptor[linux/arm64]:k=v").get(0);
    assertEquals(ImageAnnotation.Place.MANIFEST_DESCRIPTOR, arm.place());
    assertEquals("linux/arm64", arm.platform().orElseThrow().toString());
    ImageAnnotation plain =
        ImageAnnotation.parseFlag("org.opencontainers.image.url=http://x").get(0);
    assertEquals(ImageAnnotation.Place.MANIFEST, plain.place());
    assertEquals("http://x", plain.value());
    assertThrows(RequestException.class, () -> ImageAnnotation.parseFlag("novalue"));
    assertThrows(RequestException.class, () -> ImageAnnotation.parseFlag("indx:k=v"));
    assertThrows(RequestException.class, () -> ImageAnnotation.parseFlag("manifest[linux]x:k=v"));
  }

  @Test
  void annotationsAreCollected() {
    assertEquals(
        Map.of("org.opencontainers.image.title", "x"),
        OutputSpecParser.parse("type=oci,dest=a.tar,annotation.org.opencontainers.image.title=x")
            .annotations());
  }

  @Test
  void mistakesAreExplainedWithAHint() {
    RequestException noType =
        assertThrows(RequestException.class, () -> OutputSpecParser.parse("dest=a.tar,name=x"));
    assertTrue(noType.hint().contains("type="), noType.hint());
    RequestException noDest =
        assertThrows(RequestException.class, () -> OutputSpecParser.parse("type=oci"));
    assertTrue(noDest.getMessage().contains("dest="), noDest.getMessage());
    RequestException unknown =
        assertThrows(
            RequestException.class, () -> OutputSpecParser.parse("type=oci,dest=a,colour=red"));
    assertTrue(unknown.getMessage().contains("colour"), unknown.getMessage());
    assertThrows(
        RequestException.class,
        () -> OutputSpecParser.parse("type=oci,dest=a,compression=gzip,compression-level=12"));
    assertThrows(RequestException.class, () -> OutputSpecParser.parse("type=oci,dest=a,tar=maybe"));
  }

  @Test
  void anEmptyDestinationIsRefusedRatherThanMeaningTheCurrentDirectory() {
    RequestException local =
        assertThrows(RequestException.class, () -> OutputSpecParser.parse("type=local,dest="));
    assertEquals("--output 'type=local,dest=': dest is empty", local.getMessage());
    assertTrue(local.hint().contains("dest=."), local.hint());
    assertThrows(RequestException.class, () -> OutputSpecParser.parse("type=oci,dest="));
    assertThrows(RequestException.class, () -> OutputSpecParser.parse(""));
    assertThrows(RequestException.class, () -> CacheSpec.parse("type=local,dest=", true));
    assertEquals(Optional.of(Path.of(".")), OutputSpecParser.parse("type=local,dest=.").dest());
  }

  @Test
  void cacheSecretSshAndContextSpecsParse() {
    CacheSpec to = CacheSpec.parse("type=registry,ref=r/a:cache,mode=max", true);
    assertEquals(Optional.of("r/a:cache"), to.ref());
    assertTrue(to.maxMode());
    assertEquals(Optional.of(Path.of("/c")), CacheSpec.parse("type=local,src=/c", false).dir());
    assertThrows(RequestException.class, () -> CacheSpec.parse("type=local,src=/c", true));

    SecretSpec secret = SecretSpec.parse("id=npm,src=/home/u/.npmrc");
    assertEquals("npm", secret.id());
    assertEquals(Optional.of(Path.of("/home/u/.npmrc")), secret.file());
    assertEquals(Optional.of("TOKEN"), SecretSpec.parse("id=t,env=TOKEN").env());
    assertThrows(RequestException.class, () -> SecretSpec.parse("src=/x"));

    assertEquals(new SshSpec("default", List.of()), SshSpec.parse("default"));
    assertEquals(List.of(Path.of("/k1"), Path.of("/k2")), SshSpec.parse("gh=/k1,/k2").paths());

    assertEquals(
        new NamedContext.Image("base", "alpine:3.20"),
        NamedContext.parse("base=docker-image://alpine:3.20"));
    assertEquals(
        new NamedContext.OciLayout("l", Path.of("/tmp/layout"), ":v1"),
        NamedContext.parse("l=oci-layout:///tmp/layout:v1"));
    assertEquals(
        new NamedContext.Directory("src", Path.of("../lib")), NamedContext.parse("src=../lib"));
  }
}
