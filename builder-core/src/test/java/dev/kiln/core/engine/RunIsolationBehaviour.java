package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.api.request.SshSpec;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.core.sandbox.ProcessScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the sandbox lets a command see and do (users, network, capabilities, secrets, mounts, the
 * environment, the shell): the same whatever the snapshotter, so it runs once per isolation.
 */
abstract class RunIsolationBehaviour extends SandboxedRunTest {
  @Override
  String snapshotter() {
    return "overlay";
  }

  @Test
  void usersGroupsAndSupplementaryGroups() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "USER kiln\n"
                + "RUN id > /home/kiln/by-name && touch /home/kiln/mine\n"
                + "USER kiln:users\n"
                + "RUN id > /home/kiln/by-name-group\n"
                + "USER 1234:100\n"
                + "RUN id > /tmp/numeric\n"
                + "USER 1000\n"
                + "RUN id > /tmp/uid-only\n"
                + "USER root\n"
                + "RUN id > /root/root\n");
    // Supplementary groups come from /etc/group for a user given without a group, and always
    // include the primary group, as containerd and BuildKit set them.
    assertEquals(
        "uid=1000(kiln) gid=1000(kiln) groups=100(users),1000(kiln)",
        image.text("/home/kiln/by-name"));
    assertEquals("1000:1000", TreeFacts.owner(image.file("/home/kiln/mine")));
    assertEquals(
        "uid=1000(kiln) gid=100(users) groups=100(users)", image.text("/home/kiln/by-name-group"));
    assertEquals("uid=1234 gid=100(users) groups=100(users)", image.text("/tmp/numeric"));
    assertEquals("1234:100", TreeFacts.owner(image.file("/tmp/numeric")));
    assertEquals(
        "uid=1000(kiln) gid=1000(kiln) groups=100(users),1000(kiln)", image.text("/tmp/uid-only"));
    assertEquals("uid=0(root) gid=0(root) groups=0(root)", image.text("/root/root"));
  }

  @Test
  void networkNoneHasOnlyLoopback() throws Exception {
    int port = server.getAddress().getPort();
    String probe =
        "RUN%s ("
            + request(port)
            + " || echo unreachable) > /net-%s"
            + " && tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort > /ifaces-%s\n";
    RunImage image =
        kiln.build(
            kiln.context(
                FROM
                    + String.format(probe, "", "default", "default")
                    + String.format(probe, " --network=none", "none", "none")
                    + String.format(probe, " --network=host", "host", "host"),
                Map.of()),
            b -> b.allow("network.host"));
    // The probe is meaningful: the host's server answers where the network is shared.
    assertEquals("reached", image.text("/net-default"));
    assertEquals("reached", image.text("/net-host"));
    assertEquals("unreachable", image.text("/net-none"));
    assertEquals("lo", image.text("/ifaces-none"));
    assertNotEquals("lo", image.text("/ifaces-default"));
  }

  @Test
  void buildWideNetworkNoneAppliesToEveryRun() throws Exception {
    int port = server.getAddress().getPort();
    Path ctx =
        kiln.context(
            FROM
                + "RUN ("
                + request(port)
                + " || echo unreachable) > /net"
                + " && tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' > /ifaces\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.network("none"));
    assertEquals("unreachable", image.text("/net"));
    assertEquals("lo", image.text("/ifaces"));
  }

  @Test
  void hostNetworkNeedsItsEntitlementAndThenSeesTheHostsInterfaces() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "RUN echo first > /first\n"
                + "RUN --network=host tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort"
                + " > /ifaces\n",
            Map.of());
    BuildFailure refused = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.USAGE, refused.kind());
    assertEquals(
        "Dockerfile:3:5: RUN --network=host needs the network.host entitlement, which this build"
            + " was not granted",
        refused.getMessage());
    assertTrue(
        refused.hint().orElse("").startsWith("pass --allow network.host "),
        refused.hint().toString());
    assertEquals(List.of(), stepsStarted(), "no step runs, not even the first");

    RunImage allowed = kiln.build(ctx, b -> b.allow("network.host"));
    assertEquals(hostInterfaces(), allowed.text("/ifaces"));
    // As in buildx, asking for the host network for the whole build grants the entitlement.
    RunImage buildWide = kiln.build(ctx, b -> b.network("host"));
    assertEquals(hostInterfaces(), buildWide.text("/ifaces"));
  }

  @Test
  void anInsecureStepHasFullPrivilegesAndTheSameStepSandboxedDoesNot() throws Exception {
    String probe =
        "grep CapEff /proc/self/status | cut -f2 > /p/caps"
            + " && (mount -t tmpfs none /tmp && umount /tmp && echo mounted || echo refused)"
            + " > /p/mount"
            + " && awk '$2 == \"/sys\" {split($4, o, \",\"); print o[1]}' /proc/mounts > /p/sys"
            + " && awk '$5 ~ \"^/proc/.\" {n++} END {print n + 0}' /proc/self/mountinfo"
            + " > /p/proc-mounts"
            + " && (test -c /dev/fuse && test -c /dev/net/tun && test -c /dev/loop-control"
            + " && test -b /dev/loop0 && echo present || echo absent) > /p/devices";
    String dockerfile = FROM + "RUN mkdir /p\n" + "RUN %s" + probe + "\n";
    // Sandboxed first, into the same store: the insecure step must not reuse its result.
    RunImage sandboxed = kiln.build(String.format(dockerfile, ""));
    assertEquals(DOCKER_DEFAULT_CAPS, sandboxed.text("/p/caps"));
    assertEquals("refused", sandboxed.text("/p/mount"));
    assertEquals("ro", sandboxed.text("/p/sys"));
    assertNotEquals("0", sandboxed.text("/p/proc-mounts"), "masked and read-only /proc paths");
    assertEquals("absent", sandboxed.text("/p/devices"));

    Path ctx = kiln.context(String.format(dockerfile, "--security=insecure "), Map.of());
    RunImage insecure = kiln.build(ctx, b -> b.allow("security.insecure"));
    assertEquals(everyCapability(), insecure.text("/p/caps"));
    assertEquals("mounted", insecure.text("/p/mount"));
    assertEquals("rw", insecure.text("/p/sys"));
    assertEquals("0", insecure.text("/p/proc-mounts"), "nothing of /proc masked or read-only");
    assertEquals("present", insecure.text("/p/devices"));
  }

  @Test
  void aNonRootUserKeepsEveryCapabilityInAnInsecureStep() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "USER kiln\n"
                + "RUN --security=insecure grep CapEff /proc/self/status | cut -f2 > /tmp/caps"
                + " && id -u > /tmp/uid\n"
                + "RUN grep CapEff /proc/self/status | cut -f2 > /tmp/sandboxed\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.allow("security.insecure"));
    assertEquals("1000", image.text("/tmp/uid"));
    assertEquals(everyCapability(), image.text("/tmp/caps"));
    assertEquals("0000000000000000", image.text("/tmp/sandboxed"));
  }

  @Test
  void aSecretIsSeenByTheCommandOnly() throws Exception {
    String secret = "kiln-s3cret-" + System.nanoTime();
    Path secretFile = Files.writeString(kiln.newDir("secret").resolve("token"), secret);
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=secret,id=tok"
                + " wc -c < /run/secrets/tok > /secret-length"
                + " && cat /run/secrets/tok && echo \"value: $(cat /run/secrets/tok)\" >&2"
                + " && ls -ln /run/secrets/tok | cut -c1-10 > /secret-mode\n"
                + "RUN --mount=type=secret,id=tok,env=TOKEN,target=/etc/tok"
                + " test \"$TOKEN\" = \"$(cat /etc/tok)\" && echo \"$TOKEN\" | sha256sum > /sum"
                + " && echo \"env: $TOKEN\"\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.secret(SecretSpec.parse("id=tok,src=" + secretFile)));
    assertEquals(String.valueOf(secret.length()), image.text("/secret-length"));
    assertEquals("-r--------", image.text("/secret-mode"));
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    List<LayerTar> layers = image.layers();
    for (int i = 0; i < layers.size(); i++) {
      assertFalse(layers.get(i).contains(needle), "layer " + i + " holds the secret");
      assertTrue(
          layers.get(i).names().stream()
              .noneMatch(n -> n.startsWith("run/secrets") || n.equals("etc/tok")),
          layers.get(i).listing());
    }
    assertFalse(image.rawConfig().contains(secret), image.rawConfig());
    assertFalse(Files.exists(image.file("/run/secrets"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(image.file("/etc/tok"), LinkOption.NOFOLLOW_LINKS));
    List<String> output = kiln.output();
    assertTrue(output.stream().anyMatch(l -> l.startsWith("value: ")), output.toString());
    assertTrue(output.stream().anyMatch(l -> l.startsWith("env: ")), output.toString());
    for (String line : output) {
      assertFalse(line.contains(secret), "progress output holds the secret: " + line);
    }
  }

  @Test
  void bindMountsFromTheContextAndFromAnotherStage() throws Exception {
    Path ctx =
        kiln.context(
            "FROM "
                + RunFixture.BUSYBOX
                + " AS build\n"
                + "RUN mkdir /out && echo artifact > /out/artifact\n"
                + "FROM "
                + RunFixture.BUSYBOX
                + "\n"
                + "RUN --mount=type=bind,source=data,target=/mnt/data cat /mnt/data/f > /from-context\n"
                + "RUN --mount=type=bind,source=data,target=/mnt/data,rw"
                + " echo scribble > /mnt/data/f && echo new > /mnt/data/new && cat /mnt/data/f > /rw\n"
                + "RUN --mount=type=bind,from=build,source=/out,target=/art cp /art/artifact /from-stage\n"
                + "RUN --mount=type=bind,target=/ctx cat /ctx/data/f > /whole-context\n",
            Map.of("data/f", "context-file\n"));
    RunImage image = kiln.build(ctx, b -> {});
    assertEquals("context-file", image.text("/from-context"));
    assertEquals("scribble", image.text("/rw"));
    assertEquals("artifact", image.text("/from-stage"));
    assertEquals("context-file", image.text("/whole-context"));
    // A read-write bind's changes are thrown away, never written back to the context.
    assertEquals("context-file\n", Files.readString(ctx.resolve("data/f")));
    assertFalse(Files.exists(ctx.resolve("data/new")));
    for (String stub : List.of("mnt", "art", "ctx")) {
      assertFalse(Files.exists(image.file(stub), LinkOption.NOFOLLOW_LINKS), stub);
    }
  }

  @Test
  void heredocsRunAsScriptsOrThroughTheShell() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN <<EOF\n"
                + "echo plain > /heredoc-plain\n"
                + "echo \"$0\" > /heredoc-plain-argv0\n"
                + "EOF\n"
                + "RUN <<EOF\n"
                + "#!/usr/bin/awk -f\n"
                + "BEGIN { print \"awk ran\" > \"/heredoc-awk\" }\n"
                + "EOF\n"
                + "RUN <<EOF\n"
                + "#!/bin/sh -e\n"
                + "echo \"script $0\" > /heredoc-script\n"
                + "EOF\n"
                + "RUN cat <<EOF > /heredoc-cat\n"
                + "line one\n"
                + "line two\n"
                + "EOF\n");
    assertEquals("plain", image.text("/heredoc-plain"));
    assertEquals("/bin/sh", image.text("/heredoc-plain-argv0"));
    assertEquals("awk ran", image.text("/heredoc-awk"));
    assertTrue(image.text("/heredoc-script").startsWith("script /"), image.text("/heredoc-script"));
    assertEquals("line one\nline two", image.text("/heredoc-cat"));
    assertTrue(
        image.layers().stream()
            .allMatch(l -> l.names().stream().noneMatch(n -> n.startsWith("dev/"))));
  }

  @Test
  void execFormRunsWithoutAShell() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "ENV FOO=bar\n"
                + "RUN [\"/bin/touch\", \"/exec-touched\"]\n"
                + "RUN [\"/bin/sh\", \"-c\", \"echo \\\"$FOO\\\" > /exec-env\"]\n"
                + "RUN [\"/bin/busybox\", \"cp\", \"/etc/passwd\", \"/$FOO\"]\n");
    assertTrue(Files.isRegularFile(image.file("/exec-touched")));
    assertEquals("bar", image.text("/exec-env"));
    // No shell and no Dockerfile expansion: the file is literally named "$FOO".
    assertTrue(Files.isRegularFile(image.file("/$FOO")));
    assertTrue(
        image.history().contains("RUN /bin/touch /exec-touched # buildkit"),
        image.history().toString());
  }

  @Test
  void shellChangesTheShellOfShellForm() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "SHELL [\"/usr/bin/env\", \"VIA_SHELL=yes\", \"/bin/sh\", \"-c\"]\n"
                + "RUN echo \"$VIA_SHELL\" > /shell-env\n");
    assertEquals("yes", image.text("/shell-env"));
    assertTrue(
        image
            .history()
            .contains(
                "RUN /usr/bin/env VIA_SHELL=yes /bin/sh -c echo \"$VIA_SHELL\" > /shell-env"
                    + " # buildkit"),
        image.history().toString());
  }

  @Test
  void workdirAndEnvReachRun() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "ENV GREETING=hello PATH=/opt/tools:$PATH\n"
                + "WORKDIR /work/dir\n"
                + "RUN pwd > here && echo \"$GREETING\" > greeting && echo \"$PATH\" > path"
                + " && echo \"$HOME\" > home\n");
    assertEquals("/work/dir", image.text("/work/dir/here"));
    assertEquals("hello", image.text("/work/dir/greeting"));
    assertTrue(image.text("/work/dir/path").startsWith("/opt/tools:"));
    assertEquals("/root", image.text("/work/dir/home"));
  }

  @Test
  void argValuesReachRunAndItsHistory() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "ARG A=x\n"
                + "ARG B\n"
                + "RUN echo \"$A-$B\" > /args\n"
                + "ENV E=$A\n"
                + "RUN echo \"$E\" > /env-from-arg\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.buildArg("B", "given"));
    assertEquals("x-given", image.text("/args"));
    assertEquals("x", image.text("/env-from-arg"));
    List<String> history = image.history();
    assertTrue(
        history.contains("RUN |2 A=x B=given /bin/sh -c echo \"$A-$B\" > /args # buildkit"),
        history.toString());
    // ARGs are not part of the image's environment.
    assertFalse(image.config().path("config").path("Env").toString().contains("B=given"));
  }

  @Test
  void backgroundProcessesDoNotOutliveASuccessfulStep() throws Exception {
    String marker = "87" + (10000 + (System.nanoTime() % 80000));
    kiln.build(FROM + "RUN (sleep " + marker + " &) ; echo started > /started\n");
    assertEquals(List.of(), ProcessScan.withMarker("sleep " + marker));
    assertEquals(List.of(), MountTable.mountPointsUnder(kiln.cacheDir()));
  }

  @Test
  void aCacheMountWithOwnerAndModeServesANonRootUser() throws Exception {
    String id = "owned-" + System.nanoTime();
    RunImage image =
        kiln.build(
            FROM
                + "USER kiln\n"
                + "RUN --mount=type=cache,id="
                + id
                + ",target=/home/kiln/.cache,uid=1000,gid=1000,mode=0700,sharing=locked"
                + " echo mine > /home/kiln/.cache/f"
                + " && ls -ldn /home/kiln/.cache | cut -c1-10 > /home/kiln/cache-mode"
                + " && stat -c %u:%g /home/kiln/.cache > /home/kiln/cache-owner\n");
    assertEquals("drwx------", image.text("/home/kiln/cache-mode"));
    assertEquals("1000:1000", image.text("/home/kiln/cache-owner"));
    assertFalse(Files.exists(image.file("/home/kiln/.cache/f")));
  }

  @Test
  void aCacheMountSeededFromAStageStartsWithItsFilesAndKeepsWrites() throws Exception {
    String seed =
        "FROM " + RunFixture.BUSYBOX + " AS seed\nRUN mkdir -p /seed && echo seeded > /seed/file\n";
    String mount = "--mount=type=cache,id=seeded-" + System.nanoTime() + ",target=/c,from=seed";
    RunImage first =
        kiln.build(
            seed
                + FROM
                + "RUN "
                + mount
                + ",source=/seed cat /c/file > /got && echo more > /c/added\n");
    assertEquals("seeded", first.text("/got"));
    RunImage second = kiln.build(seed + FROM + "RUN " + mount + ",source=/seed ls /c > /listing\n");
    assertEquals("added\nfile", second.text("/listing"));
    for (RunImage image : List.of(first, second)) {
      assertFalse(Files.exists(image.file("/c"), LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void readWriteBindsNeverWriteToTheUsersDirectories() throws Exception {
    Path named = kiln.newDir("named");
    Files.writeString(named.resolve("n"), "named\n");
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=bind,source=one.txt,target=/one.txt,rw"
                + " echo changed > /one.txt && cat /one.txt > /saw-one\n"
                + "RUN --mount=type=bind,from=named,target=/named,rw"
                + " echo changed > /named/n && touch /named/new && cat /named/n > /saw-named\n",
            Map.of("one.txt", "one\n"));
    RunImage image =
        kiln.build(ctx, b -> b.buildContext(new NamedContext.Directory("named", named)));
    assertEquals("changed", image.text("/saw-one"));
    assertEquals("changed", image.text("/saw-named"));
    assertEquals("one\n", Files.readString(ctx.resolve("one.txt")));
    assertEquals("named\n", Files.readString(named.resolve("n")));
    assertFalse(Files.exists(named.resolve("new")));
  }

  @Test
  void bindMountsFromAnImage() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN --mount=type=bind,from="
                + RunFixture.BUSYBOX
                + ",source=/etc,target=/base-etc cp /base-etc/group /group-from-image\n");
    assertEquals(
        Files.readString(image.file("/etc/group")).strip(), image.text("/group-from-image"));
    assertFalse(Files.exists(image.file("/base-etc"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void anSshAgentSocketIsForwarded() throws Exception {
    Path socket = kiln.newDir("ssh").resolve("agent.sock");
    try (java.nio.channels.ServerSocketChannel agent =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      agent.bind(java.net.UnixDomainSocketAddress.of(socket));
      Path ctx =
          kiln.context(
              FROM
                  + "RUN --mount=type=ssh test -S \"$SSH_AUTH_SOCK\""
                  + " && echo \"$SSH_AUTH_SOCK\" > /ssh-sock\n",
              Map.of());
      RunImage image =
          kiln.build(ctx, b -> b.ssh(dev.kiln.api.request.SshSpec.parse("default=" + socket)));
      assertTrue(image.text("/ssh-sock").startsWith("/run/buildkit/ssh_agent."));
      assertFalse(Files.exists(image.file("/run"), LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void proxyArgumentsReachRunButNotTheHistory() throws Exception {
    Path ctx = kiln.context(FROM + "RUN echo \"$HTTP_PROXY\" > /proxy\n", Map.of());
    RunImage image = kiln.build(ctx, b -> b.buildArg("HTTP_PROXY", "http://proxy.invalid:3128"));
    assertEquals("http://proxy.invalid:3128", image.text("/proxy"));
    assertFalse(image.rawConfig().contains("proxy.invalid"), image.rawConfig());
  }

  @Test
  void theHostEnvironmentDoesNotLeakIntoRun() throws Exception {
    RunImage image = kiln.build(FROM + "ENV MINE=1\nRUN env > /env\n");
    List<String> names =
        image.text("/env").lines().map(l -> l.substring(0, l.indexOf('='))).sorted().toList();
    assertTrue(names.contains("MINE"), names.toString());
    assertTrue(names.contains("PATH"), names.toString());
    for (String name : System.getenv().keySet()) {
      if (!List.of("PATH", "HOME", "HOSTNAME", "PWD", "SHLVL").contains(name)) {
        assertFalse(names.contains(name), name + " leaked from the host: " + names);
      }
    }
  }

  @Test
  void relativeMountTargetsAreTakenFromTheWorkingDirectory() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "WORKDIR /app\n"
                + "RUN --mount=type=bind,target=. ls /app > /listing\n"
                + "RUN --mount=type=bind,source=data,target=node_modules"
                + " cat node_modules/f > /relative && cat /app/node_modules/f > /absolute\n"
                + "RUN --mount=type=cache,id=rel-"
                + System.nanoTime()
                + ",target=cache echo x > /app/cache/x && ls /app/cache > /cached\n"
                + "RUN --mount=type=tmpfs,target=tmp grep -c ' /app/tmp ' /proc/mounts > /tmpfs\n"
                + "RUN --mount=type=bind,source=data ls > /no-target\n",
            Map.of("data/f", "context-file\n"));
    RunImage image = kiln.build(ctx, b -> {});
    assertEquals("Dockerfile\ndata", image.text("/listing"));
    assertEquals("context-file", image.text("/relative"));
    assertEquals("context-file", image.text("/absolute"));
    assertEquals("x", image.text("/cached"));
    assertEquals("1", image.text("/tmpfs"));
    assertEquals("f", image.text("/no-target"));
    for (String stub :
        List.of("node_modules", "cache", "app/node_modules", "app/cache", "app/tmp")) {
      assertFalse(Files.exists(image.file(stub), LinkOption.NOFOLLOW_LINKS), stub);
    }
    try (Stream<Path> app = Files.list(image.file("/app"))) {
      assertEquals(List.of(), app.toList());
    }
  }

  @Test
  void aMountOverTheRootDirectoryIsRefused() throws Exception {
    BuildFailure failure =
        assertThrows(
            BuildFailure.class, () -> kiln.build(FROM + "RUN --mount=type=bind,target=. true\n"));
    assertTrue(failure.getMessage().startsWith("Dockerfile:2"), failure.getMessage());
    assertTrue(failure.getMessage().contains("invalid mount target \"/\""), failure.getMessage());
  }

  @Test
  void filesDockerignoreExcludesAreNotInABindMountOfTheContext() throws Exception {
    Map<String, String> files =
        Map.of(
            ".dockerignore", ".env\nsecrets\ndocs/*\n!docs/keep.md\n*.log\n",
            ".env", "PASSWORD=hunter2\n",
            "secrets/key", "k\n",
            "docs/keep.md", "keep\n",
            "docs/drop.md", "drop\n",
            "app/main.js", "main\n",
            "app/debug.log", "not top-level, so kept\n",
            "top.log", "log\n");
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=bind,target=/ctx find /ctx | sort > /seen\n"
                + "RUN --mount=type=bind,target=/ctx,rw find /ctx | sort > /seen-rw"
                + " && rm /ctx/app/main.js && touch /ctx/new\n"
                + "RUN --mount=type=bind,source=docs,target=/docs find /docs | sort > /docs-seen\n",
            files);
    RunImage image = kiln.build(ctx, b -> {});
    String visible =
        "/ctx\n/ctx/.dockerignore\n/ctx/Dockerfile\n/ctx/app\n/ctx/app/debug.log\n"
            + "/ctx/app/main.js\n/ctx/docs\n/ctx/docs/keep.md";
    assertEquals(visible, image.text("/seen"));
    assertEquals(visible, image.text("/seen-rw"));
    assertEquals("/docs\n/docs/keep.md", image.text("/docs-seen"));
    // The writable view never writes back.
    assertEquals("main\n", Files.readString(ctx.resolve("app/main.js")));
    assertFalse(Files.exists(ctx.resolve("new")));
    assertEquals(List.of(), MountTable.mountPointsUnder(kiln.cacheDir()));
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    kiln.context(
                        FROM + "RUN --mount=type=bind,source=.env,target=/e cat /e\n", files),
                    b -> {}));
    assertTrue(failure.getMessage().startsWith("Dockerfile:2"), failure.getMessage());
    assertTrue(failure.getMessage().contains(".dockerignore excludes it"), failure.getMessage());
  }

  @Test
  void anExcludedFileDoesNotReachTheKeyOfAStepThatMountsTheContext() throws Exception {
    Path ctx =
        kiln.context(
            FROM + "RUN --mount=type=bind,target=/ctx cat /ctx/app.js > /app.js\n",
            Map.of(".dockerignore", ".env\n", ".env", "one\n", "app.js", "v1\n"));
    kiln.build(ctx, b -> {});
    Files.writeString(ctx.resolve(".env"), "two\n");
    kiln.build(ctx, b -> {});
    assertEquals(List.of(), ranRunSteps());
    Files.writeString(ctx.resolve("app.js"), "v2\n");
    RunImage image = kiln.build(ctx, b -> {});
    assertEquals("v2", image.text("/app.js"));
    assertEquals(1, ranRunSteps().size());
  }

  /** The RUN steps the last build executed rather than took from the cache. */
  private List<String> ranRunSteps() {
    return kiln.events().stream()
        .filter(e -> e instanceof dev.kiln.api.event.BuildEvent.StepCompleted)
        .map(e -> ((dev.kiln.api.event.BuildEvent.StepCompleted) e).step().label())
        .filter(l -> l.contains("RUN"))
        .toList();
  }

  @Test
  void aSecretsIdDefaultsToItsSourceElseTheNameOfItsTarget() throws Exception {
    Path tok = Files.writeString(kiln.newDir("secret").resolve("tok"), "token-value");
    Path nested = Files.writeString(kiln.newDir("secret").resolve("nested"), "nested-value");
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=secret,source=tok cat /run/secrets/tok > /by-source\n"
                + "RUN --mount=type=secret,target=/root/tok,required cat /root/tok > /by-target\n"
                + "RUN --mount=type=secret,id=team/tok cat /run/secrets/tok > /default-target\n",
            Map.of());
    RunImage image =
        kiln.build(
            ctx,
            b ->
                b.secret(SecretSpec.parse("id=tok,src=" + tok))
                    .secret(SecretSpec.parse("id=team/tok,src=" + nested)));
    assertEquals("token-value", image.text("/by-source"));
    assertEquals("token-value", image.text("/by-target"));
    assertEquals("nested-value", image.text("/default-target"));
  }

  @Test
  void parallelStagesTakeTurnsWithALockedCache() throws Exception {
    String id = "locked-" + System.nanoTime();
    String stage =
        "FROM %1$s AS %2$s\n"
            + "RUN --mount=type=cache,id=%3$s,target=/c,sharing=locked"
            + " echo start-%2$s >> /c/log && sleep 2 && echo end-%2$s >> /c/log && touch /%2$s\n";
    Path ctx =
        kiln.context(
            String.format(stage, RunFixture.BUSYBOX, "a", id)
                + String.format(stage, RunFixture.BUSYBOX, "b", id)
                + FROM
                + "COPY --from=a /a /a\nCOPY --from=b /b /b\n"
                + "RUN --mount=type=cache,id="
                + id
                + ",target=/c cat /c/log > /log\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.maxParallelism(2));
    String log = image.text("/log");
    assertTrue(
        log.equals("start-a\nend-a\nstart-b\nend-b")
            || log.equals("start-b\nend-b\nstart-a\nend-a"),
        "the two steps used the locked cache at the same time:\n" + log);
  }

  @Test
  void parallelStagesEachGetAPrivateCacheAndALaterStepReusesOne() throws Exception {
    String id = "private-" + System.nanoTime();
    String mount = "--mount=type=cache,id=" + id + ",target=/c,sharing=private";
    String stage =
        "FROM %1$s AS %2$s\nRUN " + mount + " touch /c/%2$s && sleep 2 && ls /c > /%2$s\n";
    Path ctx =
        kiln.context(
            String.format(stage, RunFixture.BUSYBOX, "a")
                + String.format(stage, RunFixture.BUSYBOX, "b")
                + FROM
                + "COPY --from=a /a /a\nCOPY --from=b /b /b\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.maxParallelism(2));
    assertEquals("a", image.text("/a"));
    assertEquals("b", image.text("/b"));
    // Alone, a step is given one of the caches the two steps left, not a new empty one.
    RunImage later = kiln.build(FROM + "RUN " + mount + " ls /c > /seen\n");
    assertTrue(List.of("a", "b").contains(later.text("/seen")), later.text("/seen"));
  }

  @Test
  void aLockedCacheWaitsForAStepOfAnotherProcess() throws Exception {
    String mount =
        "--mount=type=cache,id=xlocked-" + System.nanoTime() + ",target=/c,sharing=locked";
    Path childCtx =
        kiln.context(
            FROM
                + "RUN "
                + mount
                + " echo child-start >> /c/log && echo holding && sleep 3"
                + " && echo child-end >> /c/log\n",
            Map.of());
    try (ChildBuild child = otherProcess(childCtx)) {
      child.await(l -> l.equals("output holding"), 120);
      RunImage image =
          kiln.build(FROM + "RUN " + mount + " echo parent >> /c/log && cat /c/log > /log\n");
      assertEquals("child-start\nchild-end\nparent", image.text("/log"));
      assertEquals(0, child.waitFor(120), child.output());
    }
  }

  @Test
  void aPrivateCacheAnotherProcessUsesIsNotShared() throws Exception {
    String mount =
        "--mount=type=cache,id=xprivate-" + System.nanoTime() + ",target=/c,sharing=private";
    Path childCtx =
        kiln.context(
            // Long enough to outlast this process's build on a loaded machine (3 s did not).
            FROM + "RUN " + mount + " touch /c/child && echo holding && sleep 15\n", Map.of());
    try (ChildBuild child = otherProcess(childCtx)) {
      child.await(l -> l.equals("output holding"), 120);
      RunImage image = kiln.build(FROM + "RUN " + mount + " ls /c > /seen\n");
      assertEquals("", image.text("/seen"));
      assertTrue(
          child.isRunning(), "the step did not overlap the other process's:\n" + child.output());
      assertEquals(0, child.waitFor(120), child.output());
    }
  }

  /** A build of {@code ctx} in a second JVM on this fixture's store, isolation and snapshotter. */
  private ChildBuild otherProcess(Path ctx) throws java.io.IOException {
    return ChildBuild.start(
        kiln.cacheDir(),
        ctx,
        List.of("isolation=" + isolation(), "snapshotter=" + snapshotter()),
        Map.of());
  }

  @Test
  void anSshKeyFileIsServedWithTheMountsOwnerAndModeAndCannotBeRemoved() throws Exception {
    Path key = TestSshAgent.key(kiln.newDir("ssh-key"), "deploy", "");
    String fingerprint = TestSshAgent.fingerprint(key);
    Path tools = HostPrograms.into(kiln.newDir("hosttools"), List.of("/usr/bin/ssh-add"));
    String sshAdd = "/tools/ld.so --library-path /tools /tools/ssh-add";
    String bindTools = " --mount=type=bind,from=tools,target=/tools ";
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=ssh,id=deploy"
                + bindTools
                + "stat -c '%u:%g %a' $SSH_AUTH_SOCK > /owner && "
                + sshAdd
                + " -l > /listed && ("
                + sshAdd
                + " -D || true) && "
                + sshAdd
                + " -l > /still-listed\n"
                + "USER kiln\n"
                + "RUN --mount=type=ssh,id=deploy,uid=1000,gid=1000,mode=0660,target=/home/kiln/a"
                + bindTools
                + "stat -c '%u:%g %a' /home/kiln/a > /home/kiln/owner && "
                + sshAdd
                + " -l > /home/kiln/listed\n",
            Map.of());
    RunImage image =
        kiln.build(
            ctx,
            b ->
                b.ssh(SshSpec.parse("deploy=" + key))
                    .buildContext(new NamedContext.Directory("tools", tools)));
    assertEquals("0:0 600", image.text("/owner"));
    assertTrue(image.text("/listed").contains(fingerprint), image.text("/listed"));
    assertTrue(image.text("/still-listed").contains(fingerprint), image.text("/still-listed"));
    assertEquals("1000:1000 660", image.text("/home/kiln/owner"));
    assertTrue(image.text("/home/kiln/listed").contains(fingerprint));
    assertFalse(TestSshAgent.kilnAgentRunning(), "kiln left its ssh-agent running");
  }

  @Test
  void theUsersAgentIsForwardedReadOnlyAndWithoutOneSshDefaultFails() throws Exception {
    Path dir = kiln.newDir("ssh-agent");
    Path key = TestSshAgent.key(dir, "user", "");
    Path tools = HostPrograms.into(kiln.newDir("hosttools"), List.of("/usr/bin/ssh-add"));
    String sshAdd = "/tools/ld.so --library-path /tools /tools/ssh-add";
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=ssh --mount=type=bind,from=tools,target=/tools ("
                + sshAdd
                + " -D || true) && "
                + sshAdd
                + " -l > /listed\n",
            Map.of());
    try (TestSshAgent agent = TestSshAgent.start(dir.resolve("agent.sock"), key)) {
      RunImage image =
          kiln.build(
              ctx,
              b ->
                  b.ssh(SshSpec.parse("default"))
                      .environment(Map.of("SSH_AUTH_SOCK", agent.socket().toString()))
                      .buildContext(new NamedContext.Directory("tools", tools)));
      String fingerprint = TestSshAgent.fingerprint(key);
      assertTrue(image.text("/listed").contains(fingerprint), image.text("/listed"));
      assertTrue(agent.listing().contains(fingerprint), "the step removed the user's key");
    }
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    ctx,
                    b ->
                        b.ssh(SshSpec.parse("default"))
                            .environment(Map.of())
                            .buildContext(new NamedContext.Directory("tools", tools))));
    assertTrue(
        failure.getMessage().contains("--ssh default: invalid empty ssh agent socket"),
        failure.getMessage());
    assertTrue(failure.getMessage().contains("SSH_AUTH_SOCK"), failure.getMessage());
  }

  @Test
  void addHostLinesReachEtcHostsAndTheCacheKey() throws Exception {
    String df = FROM + "RUN cat /etc/hosts > /hosts && grep -w db.local /etc/hosts > /db\n";
    RunImage image =
        kiln.build(
            kiln.context(df, Map.of()),
            b -> b.addHost("db.local:10.1.2.3").addHost("gw:host-gateway").addHost("v6=fd00::1"));
    List<String> hosts = image.text("/hosts").lines().toList();
    assertTrue(hosts.contains("10.1.2.3\tdb.local"), hosts.toString());
    assertTrue(hosts.contains("127.0.0.1\tgw"), hosts.toString());
    assertTrue(hosts.contains("fd00::1\tv6"), hosts.toString());
    assertTrue(hosts.get(0).startsWith("127.0.0.1\tlocalhost"), hosts.toString());
    // Another address is another step: the RUN is not taken from the cache.
    RunImage other = kiln.build(kiln.context(df, Map.of()), b -> b.addHost("db.local:10.9.9.9"));
    assertEquals("10.9.9.9\tdb.local", other.text("/db"));
  }

  @Test
  void ulimitAndShmSizeApplyToRunAndItsCacheKey() throws Exception {
    String df =
        FROM
            + "RUN ulimit -Sn > /nofile-soft && ulimit -Hn > /nofile-hard"
            + " && grep 'Max processes' /proc/self/limits > /nproc"
            + " && df -k /dev/shm | tail -n 1 > /shm\n";
    RunImage image =
        kiln.build(
            kiln.context(df, Map.of()),
            b -> b.ulimit("nofile=512:1024").ulimit("nproc=300:400").shmSize("96m"));
    assertEquals("512", image.text("/nofile-soft"));
    assertEquals("1024", image.text("/nofile-hard"));
    assertTrue(
        image.text("/nproc").matches("Max processes +300 +400 +processes"), image.text("/nproc"));
    // df -k: the tmpfs's size in KiB is the second column.
    assertEquals("98304", image.text("/shm").trim().split("\\s+")[1], image.text("/shm"));
    // Other limits are other steps: the RUN is not taken from the cache.
    RunImage other =
        kiln.build(kiln.context(df, Map.of()), b -> b.ulimit("nofile=256:1024").shmSize("32m"));
    assertEquals("256", other.text("/nofile-soft"));
    assertEquals("32768", other.text("/shm").trim().split("\\s+")[1], other.text("/shm"));
    // Without the flags /dev/shm is Docker's 64 MiB.
    RunImage plain = kiln.build(df + "# default\n");
    assertEquals("65536", plain.text("/shm").trim().split("\\s+")[1], plain.text("/shm"));
  }
}
