package dev.kiln.registry.integration;

import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.RetryPolicy;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

/** Images built for integration tests, and client options for the fixture registries. */
final class ItImages {
  private ItImages() {}

  /** A gzip layer on disk: its descriptor and the digest of the uncompressed tar. */
  record Layer(Descriptor descriptor, Digest diffId, Path file) {}

  /** An image ready to push, with what it was built from. */
  record Built(ImageToPush push, ImageConfig config, List<Layer> layers) {
    ImageManifest manifest() {
      return push.manifest();
    }
  }

  /** Compresses {@code tar} into {@code out} (streaming), hashing both sides. */
  static Layer gzipLayer(Path tar, Path out) throws IOException {
    MessageDigest compressed = Digest.newSha256();
    MessageDigest uncompressed = Digest.newSha256();
    try (InputStream in = Files.newInputStream(tar);
        OutputStream file = Files.newOutputStream(out);
        GZIPOutputStream gzip = new GZIPOutputStream(new DigestOutputStream(file, compressed))) {
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        uncompressed.update(buf, 0, n);
        gzip.write(buf, 0, n);
      }
    }
    return new Layer(
        Descriptor.of(
            MediaType.OCI_LAYER_GZIP, Digest.ofSha256(compressed.digest()), Files.size(out)),
        Digest.ofSha256(uncompressed.digest()),
        out);
  }

  /** A layer of {@code size} random bytes (not a real tar; registries do not care). */
  static Layer randomLayer(long size, long seed, Path out) throws IOException {
    MessageDigest sha = Digest.newSha256();
    Random random = new Random(seed);
    byte[] buf = new byte[64 * 1024];
    try (OutputStream file = Files.newOutputStream(out)) {
      for (long left = size; left > 0; ) {
        random.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        sha.update(buf, 0, n);
        file.write(buf, 0, n);
        left -= n;
      }
    }
    Digest d = Digest.ofSha256(sha.digest());
    return new Layer(Descriptor.of(MediaType.OCI_LAYER_GZIP, d, size), d, out);
  }

  static Built image(List<Layer> layers, String mediaType, String label) {
    ImageConfig.Builder config =
        ImageConfig.scratch(Platform.linuxAmd64()).toBuilder()
            .created("2024-01-01T00:00:00Z")
            .config(
                new ContainerConfig.Builder()
                    .cmd(List.of("/bin/sh"))
                    .env(List.of("PATH=/bin"))
                    .labels(Map.of("dev.kiln.test", label))
                    .build());
    List<BlobToPush> blobs = new ArrayList<>();
    List<Descriptor> descriptors = new ArrayList<>();
    boolean docker = MediaType.isDocker(mediaType);
    for (Layer l : layers) {
      Descriptor d =
          docker ? l.descriptor().withMediaType(MediaType.DOCKER_LAYER_GZIP) : l.descriptor();
      descriptors.add(d);
      blobs.add(BlobToPush.of(d, BlobContent.ofFile(l.file())));
      config.addLayer(
          l.diffId(), History.of("2024-01-01T00:00:00Z", "layer " + l.diffId().shortHex(), false));
    }
    ImageConfig built = config.build();
    BlobToPush configBlob =
        BlobToPush.json(docker ? MediaType.DOCKER_CONFIG : MediaType.OCI_CONFIG, built.raw());
    blobs.add(0, configBlob);
    ImageManifest manifest = ImageManifest.of(mediaType, configBlob.descriptor(), descriptors);
    return new Built(new ImageToPush(manifest, blobs), built, layers);
  }

  /** The busybox rootfs from testdata as a one-layer OCI image. */
  static Built busybox(Path work, String label) throws IOException {
    Files.createDirectories(work);
    return image(
        List.of(gzipLayer(BusyboxRootfs.tar(), work.resolve("busybox.tar.gz"))),
        MediaType.OCI_MANIFEST,
        label);
  }

  /** Records events; waits are real but short. */
  static final class Recorder {
    final List<RegistryEvent> events = new CopyOnWriteArrayList<>();

    <T extends RegistryEvent> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  static CredentialSource credentialsOf(LocalRegistry registry) {
    return registry
        .credentials()
        .<CredentialSource>map(
            c ->
                new StaticCredentials(
                    Map.of(
                        registry.hostPort(),
                        new Credential.UsernamePassword(c.username(), c.password())),
                    "fixture credentials"))
        .orElse(CredentialSource.NONE);
  }

  /**
   * Options for a fixture registry: its full credentials, credentials allowed over plain HTTP to
   * loopback (the htpasswd and token variants, and the token server, are plain HTTP), quick
   * retries.
   */
  static RegistryClientOptions.Builder options(LocalRegistry registry, Recorder recorder) {
    return RegistryClientOptions.builder()
        .credentials(credentialsOf(registry))
        .security(
            new RegistrySecurity(
                Set.of(), Set.of(), true, Set.of("127.0.0.1"), List.of(), Map.of()))
        .retryPolicy(
            new RetryPolicy(
                5, Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(5)))
        .readTimeout(Duration.ofSeconds(30))
        .listener(recorder.events::add);
  }
}
