package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Kiln;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.execution.DefaultMavenExecutionRequest;
import org.apache.maven.execution.DefaultMavenExecutionResult;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Build;
import org.apache.maven.model.Model;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code platforms} parameter with kiln's real engine: {@code kiln:buildLayout} writes an index
 * of both platforms, and {@code kiln:push} pushes that index whole, as skopeo sees.
 */
class MultiPlatformMojosIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path temp;

  @Test
  void platformsBuildAnIndexThatPushKeeps() throws Exception {
    Files.writeString(
        temp.resolve("Dockerfile"), "FROM scratch\nARG TARGETARCH\nCOPY $TARGETARCH.txt /a\n");
    Files.writeString(temp.resolve("amd64.txt"), "amd64\n");
    Files.writeString(temp.resolve("arm64.txt"), "arm64\n");
    MavenProject project = project();

    // The layout goal: in this test's class path Maven's old commons-lang3 shadows the one
    // commons-compress needs for archives (a real Maven run gives the plugin its own).
    BuildLayoutMojo build = new BuildLayoutMojo();
    build.project = project;
    build.session = session();
    build.settingsDecrypter = request -> null;
    build.dockerfile = temp.resolve("Dockerfile").toFile();
    build.context = temp.toFile();
    build.digestFile = temp.resolve("target/kiln-image.digest").toFile();
    build.cacheDir = temp.resolve("cache").toFile();
    build.outputDirectory = temp.resolve("target/kiln-image").toFile();
    build.platforms = List.of("linux/amd64", "linux/arm64");
    build.builder = new Kiln();
    build.setLog(new RecordingLog(false));
    build.execute();

    String raw = skopeo("inspect", "--raw", "oci:" + build.outputDirectory);
    JsonNode index = JSON.readTree(raw);
    assertEquals(MediaType.OCI_INDEX, index.path("mediaType").asText());
    assertEquals(List.of("amd64", "arm64"), architectures(index));
    assertEquals(sha256(raw), Files.readString(temp.resolve("target/kiln-image.digest")).strip());

    PushMojo push = new PushMojo();
    push.project = project;
    push.session = session();
    push.settingsDecrypter = request -> null;
    push.cacheDir = temp.resolve("cache").toFile();
    push.outputFile = temp.resolve("target/kiln-image.tar").toFile();
    push.outputDirectory = build.outputDirectory;
    push.insecureRegistries = List.of();
    push.image = registry.reference("mojo:1");
    push.setLog(new RecordingLog(false));
    push.execute();

    String pushed = skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + push.image);
    assertEquals(raw, pushed, "the index arrives whole");
    assertTrue(pushed.contains("arm64"));
  }

  private MavenProject project() {
    Model model = new Model();
    model.setGroupId("dev.kiln.sample");
    model.setArtifactId("multi");
    model.setVersion("1");
    Build b = new Build();
    b.setDirectory(temp.resolve("target").toString());
    model.setBuild(b);
    MavenProject project = new MavenProject(model);
    project.setFile(temp.resolve("pom.xml").toFile());
    return project;
  }

  private static MavenSession session() {
    return new MavenSession(
        null, null, new DefaultMavenExecutionRequest(), new DefaultMavenExecutionResult());
  }

  private static List<String> architectures(JsonNode index) {
    List<String> out = new ArrayList<>();
    index.path("manifests").forEach(m -> out.add(m.path("platform").path("architecture").asText()));
    return out;
  }

  private static String skopeo(String... args) {
    List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    command.addAll(List.of(args));
    return ProcessRunner.run(command).requireSuccess().stdout();
  }

  private static String sha256(String text) {
    return Digest.sha256(text.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
