package dev.kiln.bench.transfer;

import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.event.TransferStats;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * kiln's side of the push and pull benchmark against {@code skopeo copy}, written straight against
 * {@link RegistryClient} because the command line has no push of an existing image yet:
 *
 * <pre>
 * push LAYOUT_DIR TAG REF   an image of an OCI layout to a registry (what skopeo copy oci:… docker://… does)
 * pull REF LAYOUT_DIR       an image from a registry into a new OCI layout (skopeo copy docker://… oci:…)
 * </pre>
 *
 * Blobs are streamed from and to files, verified by the client; layer downloads run four at a time,
 * like the client's uploads. The client's own request and byte counts go to stderr.
 */
public final class TransferMain {
  private static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final int PARALLEL_DOWNLOADS = 4;

  private TransferMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 4 && args[0].equals("push")) {
      push(Path.of(args[1]), args[2], ImageReference.parse(args[3]));
    } else if (args.length == 3 && args[0].equals("pull")) {
      pull(ImageReference.parse(args[1]), Path.of(args[2]));
    } else {
      System.err.println("usage: TransferMain push LAYOUT_DIR TAG REF | pull REF LAYOUT_DIR");
      System.exit(2);
    }
  }

  static void push(Path layout, String tag, ImageReference target) throws IOException {
    ImageIndex index =
        ImageIndex.parse(Files.readAllBytes(layout.resolve("index.json")), MediaType.OCI_INDEX);
    Descriptor chosen =
        index.manifests().stream()
            .filter(d -> tag.equals(d.annotations().get(REF_NAME)))
            .findFirst()
            .orElseThrow(() -> new IOException(layout + " has no image tagged " + tag));
    ImageManifest manifest =
        ImageManifest.parse(Files.readAllBytes(blob(layout, chosen)), chosen.mediaType());
    List<BlobToPush> blobs = new ArrayList<>();
    for (Descriptor d : manifest.blobs()) {
      blobs.add(BlobToPush.of(d, BlobContent.ofFile(blob(layout, d))));
    }
    try (RegistryClient client = RegistryClient.create(RegistryClientOptions.defaults())) {
      PushResult result = client.pushImage(target, new ImageToPush(manifest, blobs), List.of());
      System.out.println(result.pushed());
      report(client.stats(), result.uploadedBlobs() + " blobs uploaded");
    }
  }

  static void pull(ImageReference source, Path layout) throws Exception {
    Files.createDirectories(layout.resolve("blobs").resolve("sha256"));
    try (RegistryClient client = RegistryClient.create(RegistryClientOptions.defaults())) {
      RemoteImage image = client.resolveImage(source, Platform.host());
      ImageManifest manifest = image.manifest();
      ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_DOWNLOADS);
      try {
        List<Future<?>> downloads = new ArrayList<>();
        for (Descriptor d : manifest.blobs()) {
          downloads.add(
              pool.submit(
                  () -> {
                    client.downloadBlob(source, d, blob(layout, d));
                    return null;
                  }));
        }
        for (Future<?> f : downloads) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      Descriptor manifestDescriptor = image.manifestDescriptor();
      Files.write(blob(layout, manifestDescriptor), manifest.raw().toByteArray());
      writeAtomically(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      String tag = source.tag() != null ? source.tag() : "latest";
      writeAtomically(
          layout.resolve("index.json"),
          "{\"schemaVersion\":2,\"mediaType\":\""
              + MediaType.OCI_INDEX
              + "\",\"manifests\":[{\"mediaType\":\""
              + manifestDescriptor.mediaType()
              + "\",\"digest\":\""
              + manifestDescriptor.digest()
              + "\",\"size\":"
              + manifestDescriptor.size()
              + ",\"annotations\":{\""
              + REF_NAME
              + "\":\""
              + tag
              + "\"}}]}");
      System.out.println(source + "@" + image.digest());
      report(client.stats(), manifest.blobs().size() + " blobs downloaded");
    }
  }

  private static Path blob(Path layout, Descriptor d) {
    return layout
        .resolve("blobs")
        .resolve(d.digest().algorithm())
        .resolve(d.digest().hex());
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void report(TransferStats.Snapshot stats, String what) {
    System.err.printf(
        "%s; client counted %d requests %s, %d bytes up, %d bytes down%n",
        what,
        stats.requests(),
        stats.requestsByMethod(),
        stats.bytesUploaded(),
        stats.bytesDownloaded());
  }
}
