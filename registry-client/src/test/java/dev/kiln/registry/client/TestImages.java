package dev.kiln.registry.client;

import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** Generated images and client options for unit tests against {@link FakeRegistry}. */
final class TestImages {
  private TestImages() {}

  /** Deterministic pseudo-random bytes. */
  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** An image with layers of the given sizes (the layer "DiffIDs" are just their digests). */
  record Image(ImageToPush push, ImageConfig config, List<byte[]> layers) {
    ImageManifest manifest() {
      return push.manifest();
    }
  }

  static Image image(Platform platform, long seed, int... layerSizes) {
    ImageConfig.Builder config = ImageConfig.scratch(platform).toBuilder();
    List<byte[]> layers = new ArrayList<>();
    List<Descriptor> layerDescriptors = new ArrayList<>();
    List<BlobToPush> blobs = new ArrayList<>();
    for (int i = 0; i < layerSizes.length; i++) {
      byte[] layer = bytes(layerSizes[i], seed * 31 + i);
      layers.add(layer);
      Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
      layerDescriptors.add(d);
      blobs.add(BlobToPush.of(d, BlobContent.ofBytes(layer)));
      config.addLayer(
          Digest.sha256(layer), History.of("2024-01-01T00:00:00Z", "layer " + i, false));
    }
    ImageConfig built = config.build();
    BlobToPush configBlob = BlobToPush.json(MediaType.OCI_CONFIG, built.raw());
    blobs.add(0, configBlob);
    ImageManifest manifest =
        ImageManifest.of(MediaType.OCI_MANIFEST, configBlob.descriptor(), layerDescriptors);
    return new Image(new ImageToPush(manifest, blobs), built, layers);
  }

  /** Records events and waits instead of sleeping. */
  static final class Recorder {
    final List<RegistryEvent> events = new CopyOnWriteArrayList<>();
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    <T extends RegistryEvent> List<T> of(Class<T> type) {
      return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  static RegistryClientOptions.Builder options(FakeRegistry registry, Recorder recorder) {
    return RegistryClientOptions.builder()
        .credentials(CredentialSource.NONE)
        .security(
            new RegistrySecurity(
                    java.util.Set.of(),
                    java.util.Set.of(),
                    true,
                    java.util.Set.of(),
                    java.util.List.of(),
                    Map.of())
                .withPlainHttp(registry.hostPort())
                .withPlainHttpCredentials(registry.hostPort()))
        .retryPolicy(
            new RetryPolicy(
                4, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(30)))
        .readTimeout(Duration.ofSeconds(20))
        .listener(recorder.events::add)
        .sleeper(recorder.sleeps::add)
        .random(() -> 0.5);
  }

  static CredentialSource credentials(FakeRegistry registry) {
    return new StaticCredentials(
        Map.of(
            registry.hostPort(), new Credential.UsernamePassword(registry.user, registry.password)),
        "test credentials");
  }
}
