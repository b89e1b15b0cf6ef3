package dev.kiln.cli.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive on a fresh Debian machine with only ca-certificates and tar: a debootstrap
 * minbase tree (no Java, no Maven, no attr, no runc, no iproute2) made the root of a private mount
 * namespace, as a container runtime would, into which {@code scripts/install.sh} installs the
 * archive (twice: it must be idempotent). There the README's example is built and pushed, with RUN
 * in kiln's chroot isolation, to a registry on the host's loopback; skopeo and umoci check the
 * image from outside.
 *
 * <p>Runs with {@code mvn -Prelease verify} (the profile that makes the archive). The Debian root
 * file system is made once with {@code packaging/fresh-debian-rootfs.sh} (debootstrap, from the
 * Debian mirror) and kept in {@code cli/target/fresh-debian/rootfs.tar}. Needs root.
 */
class ReleaseArchiveIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  @TempDir Path work;

  @Test
  void installsAndBuildsAndPushesTheReadmeExampleOnAFreshDebian() throws Exception {
    Path archive = releaseArchive();
    Path root = Files.createDirectories(work.resolve("debian"));
    run(List.of("tar", "--numeric-owner", "-xf", freshDebian().toString(), "-C", root.toString()));
    for (String absent :
        List.of("usr/bin/java", "usr/bin/mvn", "usr/bin/getfattr", "usr/sbin/runc")) {
      assertFalse(Files.exists(root.resolve(absent)), absent + " is not on the fresh machine");
    }

    Path tmp = root.resolve("tmp");
    Files.copy(archive, tmp.resolve(archive.getFileName()));
    Files.copy(repository().resolve("scripts/install.sh"), tmp.resolve("install.sh"));
    // The README's example: an offline busybox base, then an app with RUN and COPY, pushed.
    Path base = Files.createDirectories(tmp.resolve("base"));
    Files.copy(BusyboxRootfs.tar(), base.resolve("rootfs.tar"));
    Files.writeString(base.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\nCMD [\"sh\"]\n");
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(
        app.resolve("Dockerfile"),
        "FROM busybox:local\nRUN echo built > /built.txt\nCOPY hello.txt /\n"
            + "CMD [\"cat\", \"/hello.txt\"]\n");
    Files.writeString(app.resolve("hello.txt"), "hello from kiln\n");
    String image = registry.hostPort() + "/app:1";
    Files.writeString(
        tmp.resolve("steps.sh"),
        String.join(
            "\n",
            "set -eux",
            "cd /tmp",
            "sh install.sh " + archive.getFileName(),
            "sh install.sh " + archive.getFileName(),
            "command -v kiln",
            "kiln version",
            "KILN_JAVA_OPTS=-XX:AOTMode=on kiln --version",
            "man -w kiln-build 2>/dev/null || test -f /usr/local/share/man/man1/kiln-build.1",
            "grep -q 'complete -c kiln' /usr/local/share/fish/vendor_completions.d/kiln.fish",
            "grep -q 'complete -F' /usr/local/share/bash-completion/completions/kiln",
            "kiln build --progress=plain -t busybox:local /tmp/base",
            "kiln build --progress=plain --isolation chroot -t " + image + " --push /tmp/app",
            ""));

    ProcessRunner.Result result =
        ProcessRunner.run(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "sh",
                "-c",
                // A private mount namespace whose root becomes the Debian tree (pivot_root, not
                // chroot: kiln's sandbox enters mount namespaces, which resets a chroot), with
                // its own /proc, /dev and /sys; everything vanishes with the namespace.
                "mount --bind \"$0\" \"$0\" && cd \"$0\""
                    + " && mount -t proc proc proc && mount --rbind /dev dev"
                    + " && mount -t sysfs sysfs sys && mkdir -p .host && pivot_root . .host"
                    + " && exec env -i HOME=/root LANG=C.UTF-8"
                    + " PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                    + " /bin/sh -c 'umount -l /.host && rmdir /.host && exec /bin/sh /tmp/steps.sh'",
                root.toString()),
            Map.of(),
            Duration.ofMinutes(10));
    String said = "--- stdout ---\n" + result.stdout() + "\n--- stderr ---\n" + result.stderr();
    assertEquals(0, result.exitCode(), said);
    assertTrue(result.stdout().contains("java:    25"), "kiln's own runtime: " + said);
    assertTrue(result.stdout().contains("(Eclipse Adoptium, /usr/local/lib/kiln/runtime)"), said);
    assertTrue(
        result.stderr().contains("getfattr and setfattr are not installed"),
        "RUN says what it cannot keep without attr: " + said);
    // The JVM's own warnings (native access, sun.misc.Unsafe) start with "WARNING: A ".
    assertFalse(result.stderr().contains("WARNING: A "), "no JVM warning: " + said);
    assertTrue(Files.isSymbolicLink(root.resolve("usr/local/bin/kiln")), said);
    try (Stream<Path> left = Files.list(root.resolve("usr/local/lib"))) {
      assertEquals(List.of("kiln"), left.map(p -> p.getFileName().toString()).toList());
    }

    UnpackedImage pushed = ImageInspector.of(registry).unpack("app:1", work.resolve("check"));
    assertEquals("built\n", Files.readString(pushed.rootfs().resolve("built.txt")));
    assertEquals("hello from kiln\n", Files.readString(pushed.rootfs().resolve("hello.txt")));
    assertEquals(
        "[\"cat\",\"/hello.txt\"]", pushed.configJson().get("config").get("Cmd").toString());
  }

  private static Path releaseArchive() throws IOException {
    return ReleaseInputs.releaseArchive();
  }

  private static Path freshDebian() {
    return ReleaseInputs.freshDebian();
  }

  private static Path repository() {
    return ReleaseInputs.repository();
  }

  private static void run(List<String> command) {
    ProcessRunner.run(command, Map.of(), Duration.ofMinutes(15)).requireSuccess();
  }
}
