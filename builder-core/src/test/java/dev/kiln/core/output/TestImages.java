package dev.kiln.core.output;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.model.RootFs;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** A one-layer busybox image held in memory, for output tests. */
final class TestImages {
  private TestImages() {}

  static BuiltImage busybox(String mediaTypeOfManifest) throws IOException {
    byte[] tar = Files.readAllBytes(BusyboxRootfs.tar());
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar);
    }
    byte[] layer = gz.toByteArray();
    boolean docker = MediaType.isDocker(mediaTypeOfManifest);
    Descriptor layerDescriptor =
        Descriptor.of(
            docker ? MediaType.DOCKER_LAYER_GZIP : MediaType.OCI_LAYER_GZIP,
            Digest.sha256(layer),
            layer.length);
    ImageConfig config =
        ImageConfig.scratch(Platform.linuxAmd64()).toBuilder()
            .created("1970-01-01T00:00:00Z")
            .rootfs(RootFs.of(List.of(Digest.sha256(tar))))
            .history(List.of(History.of("1970-01-01T00:00:00Z", "ADD rootfs.tar /", false)))
            .build();
    Descriptor configDescriptor =
        Descriptor.of(
            docker ? MediaType.DOCKER_CONFIG : MediaType.OCI_CONFIG,
            config.raw().digest(),
            config.raw().size());
    ImageManifest manifest =
        ImageManifest.of(mediaTypeOfManifest, configDescriptor, List.of(layerDescriptor));
    Map<Digest, byte[]> blobs = new HashMap<>();
    blobs.put(layerDescriptor.digest(), layer);
    return new BuiltImage(manifest, config, memory(blobs));
  }

  static BlobSource memory(Map<Digest, byte[]> blobs) {
    return descriptor -> {
      byte[] bytes = blobs.get(descriptor.digest());
      if (bytes == null) {
        throw new IOException("no blob " + descriptor.digest());
      }
      return new ByteArrayInputStream(bytes);
    };
  }

  /** A source whose every stream fails after a few bytes, like a registry dropping mid-transfer. */
  static BlobSource failing() {
    return descriptor ->
        new InputStream() {
          int left = 10;

          @Override
          public int read() throws IOException {
            if (left-- > 0) {
              return 0;
            }
            throw new IOException("connection reset (simulated)");
          }
        };
  }
}
