package dev.kiln.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.RegistryTransfers;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.event.RegistryEvent.Direction;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.model.Digest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryTransfersTest {
  private static final Digest LAYER = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
  private static final Digest CONFIG = Digest.sha256("config".getBytes(StandardCharsets.UTF_8));

  @Test
  void blobEventsBecomeTransfersNamedByDigest() {
    List<BuildEvent> events = new ArrayList<>();
    RegistryTransfers transfers = new RegistryTransfers(events::add);
    transfers.accept(new RegistryEvent.BlobStarted(Direction.DOWNLOAD, LAYER, 2000));
    transfers.accept(new RegistryEvent.BlobProgress(Direction.DOWNLOAD, LAYER, 1000, 2000));
    transfers.accept(new RegistryEvent.BlobDownloaded(LAYER, 2000));
    transfers.accept(new RegistryEvent.RequestCompleted("GET", "http://r/v2/", 200));

    assertEquals(3, events.size(), "requests are not transfers");
    BuildEvent.Transfer middle = (BuildEvent.Transfer) events.get(1);
    assertEquals(BuildEvent.TransferKind.PULL, middle.kind());
    assertEquals(LAYER.toString(), middle.id());
    assertEquals(1000, middle.done());
    assertEquals(2000, middle.total());
    BuildEvent.Transfer end = (BuildEvent.Transfer) events.get(2);
    assertEquals(true, end.finished());
    assertEquals(2000, end.done());
  }

  @Test
  void plainOutputSaysWhichPushedBlobsNeededNoUpload() {
    StringWriter text = new StringWriter();
    RegistryTransfers transfers = new RegistryTransfers(new PlainProgress(new PrintWriter(text)));
    transfers.accept(new RegistryEvent.BlobPushed(LAYER, 2_500_000, PushOutcome.UPLOADED));
    transfers.accept(new RegistryEvent.BlobPushed(CONFIG, 900, PushOutcome.MOUNTED));
    transfers.accept(new RegistryEvent.BlobPushed(CONFIG, 900, PushOutcome.EXISTED));
    assertEquals(
        "pushed "
            + LAYER
            + " 2.5MB\n"
            + "pushed "
            + CONFIG
            + " 900B (no upload needed)\n"
            + "pushed "
            + CONFIG
            + " 900B (no upload needed)\n",
        text.toString().replace(System.lineSeparator(), "\n"));
  }
}
