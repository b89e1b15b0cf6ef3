package dev.kiln.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.RegistryEventRelay;
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

class RegistryEventRelayTest {
  private static final Digest LAYER = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
  private static final Digest CONFIG = Digest.sha256("config".getBytes(StandardCharsets.UTF_8));

  @Test
  void blobEventsBecomeTransfersNamedByDigest() {
    List<BuildEvent> events = new ArrayList<>();
    RegistryEventRelay transfers = new RegistryEventRelay(events::add);
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
    RegistryEventRelay transfers = new RegistryEventRelay(new PlainProgress(new PrintWriter(text)));
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

  @Test
  void theClientsNoticesBecomeWarningsAndItsOtherEventsStayQuiet() {
    List<BuildEvent> events = new ArrayList<>();
    RegistryEventRelay relay = new RegistryEventRelay(events::add);
    relay.accept(new RegistryEvent.CredentialsUsed("r.example", "docker config"));
    relay.accept(new RegistryEvent.MountRefused(LAYER, "r.example/base", "DENIED"));
    relay.accept(
        new RegistryEvent.UploadRetried(LAYER, 1, java.time.Duration.ofMillis(100), "reset"));
    relay.accept(new RegistryEvent.CredentialsWithheld("127.0.0.1:5000", "docker config"));
    relay.accept(
        new RegistryEvent.CredentialHelperMissing(
            "docker-credential-desktop", "docker config /h/.docker/config.json (credsStore)"));

    assertEquals(2, events.size(), events.toString());
    assertEquals(
        "not sending credentials from docker config to 127.0.0.1:5000 over plain HTTP; name the"
            + " registry as insecure to allow it",
        ((BuildEvent.Warning) events.get(0)).message());
    assertEquals(
        "docker-credential-desktop named in docker config /h/.docker/config.json (credsStore) is"
            + " not installed; ignoring it",
        ((BuildEvent.Warning) events.get(1)).message());

    StringWriter text = new StringWriter();
    new RegistryEventRelay(new PlainProgress(new PrintWriter(text)))
        .accept(new RegistryEvent.CredentialsWithheld("127.0.0.1:5000", "docker config"));
    assertEquals(
        "WARNING: not sending credentials from docker config to 127.0.0.1:5000 over plain HTTP;"
            + " name the registry as insecure to allow it\n",
        text.toString().replace(System.lineSeparator(), "\n"));
  }
}
