package dev.kiln.gradle;

import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The settings one kiln task runs with: the {@code kiln { }} block, overridden by Gradle properties
 * named {@code kiln.NAME} ({@code -Pkiln.image=…}, {@code gradle.properties}, {@code
 * ORG_GRADLE_PROJECT_kiln.image}), turned into a job for kiln's engine: a flat map of strings that
 * crosses into kiln's class loader or JVM unchanged (lists as {@code name.0}, {@code name.1}; maps
 * as {@code name.KEY}). The engine side ({@code dev.kiln.gradle.engine.JobRequest}) reads it.
 */
final class KilnSettings {
  private final KilnExtension extension;
  private final Map<String, ?> properties;
  private final Map<String, String> environment;
  private final Function<Object, File> files;
  private final File buildDir;
  private final String projectImageName;

  /**
   * @param properties the project's Gradle properties
   * @param files resolves a path the way {@code project.file()} does
   * @param projectImageName the image's name when only written to a file and {@code image} is
   *     unset: {@code project.name:version}
   */
  KilnSettings(
      KilnExtension extension,
      Map<String, ?> properties,
      Map<String, String> environment,
      Function<Object, File> files,
      File buildDir,
      String projectImageName) {
    this.extension = extension;
    this.properties = properties;
    this.environment = environment;
    this.files = files;
    this.buildDir = buildDir;
    this.projectImageName = projectImageName;
  }

  boolean skip() {
    return bool("skip", extension.isSkip());
  }

  /** The image's name: {@code -Pkiln.image}, else {@code kiln.image}, else null. */
  String image() {
    return text("image", extension.getImage());
  }

  boolean fork() {
    return bool("fork", extension.isFork());
  }

  /** {@code kiln.javaHome}, else {@code $KILN_JAVA_HOME}, else null. */
  File javaHome() {
    String property = property("javaHome");
    if (property != null) {
      return files.apply(property);
    }
    if (extension.getJavaHome() != null) {
      return files.apply(extension.getJavaHome());
    }
    String env = environment.get("KILN_JAVA_HOME");
    return env == null || env.trim().isEmpty() ? null : new File(env.trim());
  }

  File digestFile() {
    return file("digestFile", extension.getDigestFile(), "kiln-image.digest");
  }

  File tarFile() {
    return file("tarFile", extension.getTarFile(), "kiln-image.tar");
  }

  File layoutDirectory() {
    return file("layoutDirectory", extension.getLayoutDirectory(), "kiln-image");
  }

  /**
   * The job of kilnBuild ({@code output} {@code image}), kilnBuildTar ({@code tar}) or
   * kilnBuildLayout ({@code layout}).
   */
  Map<String, String> buildJob(String output) {
    Map<String, String> job = common("build");
    job.put("output", output);
    String image = image();
    if (image == null && !output.equals("image")) {
      image = projectImageName;
    }
    putIfSet(job, "image", image);
    job.put("dockerfile", files.apply(pick("dockerfile", extension.getDockerfile())).getPath());
    job.put("context", files.apply(pick("context", extension.getContext())).getPath());
    putMap(job, "buildArg", merged(extension.getBuildArgs(), "buildArg"), true);
    putIfSet(job, "target", text("target", extension.getTarget()));
    putList(job, "platform", list("platforms", extension.getPlatforms()));
    putMap(job, "label", merged(extension.getLabels(), "label"), false);
    putMap(job, "annotation", merged(extension.getAnnotations(), "annotation"), false);
    putList(job, "typedAnnotation", extension.getTypedAnnotations());
    putList(job, "cacheFrom", plus(extension.getCacheFrom(), property("cacheFrom")));
    putList(job, "cacheTo", plus(extension.getCacheTo(), property("cacheTo")));
    job.put("noCache", Boolean.toString(bool("noCache", extension.isNoCache())));
    putList(job, "extraOutput", plus(extension.getOutputs(), property("output")));
    List<String> secrets = new ArrayList<String>(extension.getSecrets());
    for (Map.Entry<String, String> e : prefixed("secret").entrySet()) {
      secrets.add("id=" + e.getKey() + "," + e.getValue());
    }
    putList(job, "secret", secrets);
    putList(job, "allow", list("allow", extension.getAllow()));
    putList(job, "ssh", list("ssh", extension.getSsh()));
    putList(job, "noCacheFilter", list("noCacheFilter", extension.getNoCacheFilter()));
    putIfSet(job, "network", text("network", extension.getNetwork()));
    putList(job, "addHost", list("addHosts", extension.getAddHosts()));
    putList(job, "ulimit", list("ulimits", extension.getUlimits()));
    putIfSet(job, "shmSize", text("shmSize", extension.getShmSize()));
    putIfSet(job, "pull", text("pull", extension.getPull()));
    List<String> contexts = new ArrayList<String>(extension.getBuildContexts());
    for (Map.Entry<String, String> e : prefixed("buildContext").entrySet()) {
      contexts.add(e.getKey() + "=" + e.getValue());
    }
    putList(job, "buildContext", contexts);
    // What relative build-context directories are relative to; the engine side resolves them.
    job.put("projectDir", files.apply(".").getPath());
    putIfSet(job, "isolation", text("isolation", extension.getIsolation()));
    Object parallelism = pick("maxParallelism", extension.getMaxParallelism());
    if (parallelism != null) {
      job.put("maxParallelism", parallelism.toString().trim());
    }
    putIfSet(job, "compression", text("compression", extension.getCompression()));
    Object level = pick("compressionLevel", extension.getCompressionLevel());
    if (level != null) {
      job.put("compressionLevel", level.toString().trim());
    }
    job.put(
        "forceCompression",
        Boolean.toString(bool("forceCompression", extension.isForceCompression())));
    job.put("store", Boolean.toString(bool("store", extension.isStore())));
    job.put("sbom", Boolean.toString(bool("sbom", extension.isSbom())));
    putIfSet(job, "provenance", text("provenance", extension.getProvenance()));
    Object signingKey = pick("signingKey", extension.getSigningKey());
    if (signingKey != null) {
      job.put("signingKey", files.apply(signingKey).getPath());
    }
    putIfSet(
        job,
        "signingKeyPasswordEnv",
        text("signingKeyPasswordEnv", extension.getSigningKeyPasswordEnv()));
    epoch(job);
    putIfSet(job, "format", text("format", extension.getFormat()));
    job.put("tarFile", tarFile().getPath());
    job.put("layoutDirectory", layoutDirectory().getPath());
    return job;
  }

  /** The job of kilnPush. */
  Map<String, String> pushJob(File projectDir) {
    Map<String, String> job = common("push");
    putIfSet(job, "image", image());
    job.put("projectDir", projectDir.getPath());
    putIfSet(job, "source", text("source", extension.getSource()));
    putIfSet(job, "sourceTag", text("sourceTag", extension.getSourceTag()));
    putIfSet(job, "pushPlatform", text("platform", extension.getPlatform()));
    putIfSet(job, "written", extension.getWritten());
    job.put("tarFile", tarFile().getPath());
    job.put("layoutDirectory", layoutDirectory().getPath());
    return job;
  }

  /** What every task sends: names, registries, credentials, the store and the result files. */
  private Map<String, String> common(String action) {
    Map<String, String> job = new LinkedHashMap<String, String>();
    job.put("action", action);
    putList(job, "tag", list("tags", extension.getTags()));
    List<String> insecure = list("insecureRegistries", extension.getInsecureRegistries());
    putList(job, "insecureRegistry", insecure);
    // As with the CLI's --insecure-registry, an insecure registry may get credentials over HTTP.
    putList(
        job,
        "plainHttpCredentialHost",
        plus(insecure, list("plainHttpCredentialHosts", extension.getPlainHttpCredentialHosts())));
    Object cacheDir = pick("cacheDir", extension.getCacheDir());
    if (cacheDir != null) {
      job.put("cacheDir", files.apply(cacheDir).getPath());
    }
    job.put("digestFile", digestFile().getPath());
    Object metadata = pick("metadataFile", extension.getMetadataFile());
    if (metadata != null) {
      job.put("metadataFile", files.apply(metadata).getPath());
    }
    logins(job);
    return job;
  }

  /**
   * Registry credentials, most specific first: {@code kiln.auth.HOST.username/password} properties,
   * then {@code auth 'HOST', …} in the block; for the image's own registry also {@code
   * kiln.auth.username/password} or {@code KILN_AUTH_USERNAME/PASSWORD} (the engine knows which
   * registry that is). Docker's and podman's credential files come after all of them.
   */
  private void logins(Map<String, String> job) {
    Map<String, String[]> logins = new LinkedHashMap<String, String[]>();
    Map<String, String[]> helpers = new LinkedHashMap<String, String[]>();
    for (Map.Entry<String, KilnExtension.RegistryCredentials> e :
        extension.getAuthByRegistry().entrySet()) {
      if (e.getValue().credHelper != null) {
        helpers.put(
            e.getKey(), new String[] {e.getValue().credHelper, "the kiln { credHelper } block"});
      } else {
        logins.put(
            e.getKey(),
            new String[] {e.getValue().username, e.getValue().password, "the kiln { auth } block"});
      }
    }
    Map<String, String> auth = prefixed("auth");
    for (Map.Entry<String, String> e : auth.entrySet()) {
      String key = e.getKey();
      for (String field : new String[] {".username", ".password"}) {
        if (key.endsWith(field) && key.length() > field.length()) {
          String host = key.substring(0, key.length() - field.length());
          String user = auth.get(host + ".username");
          String password = auth.get(host + ".password");
          if (user != null && password != null) {
            logins.put(
                host,
                new String[] {
                  user, password, "Gradle properties kiln.auth." + host + ".username/password"
                });
          }
        }
      }
    }
    String user = property("auth.username");
    String password = property("auth.password");
    String from = "Gradle properties kiln.auth.username/password";
    if (user == null || password == null) {
      user = environment.get("KILN_AUTH_USERNAME");
      password = environment.get("KILN_AUTH_PASSWORD");
      from = "KILN_AUTH_USERNAME/KILN_AUTH_PASSWORD";
    }
    if (user != null && password != null) {
      logins.put("@image", new String[] {user, password, from});
    }
    for (Map.Entry<String, String[]> e : helpers.entrySet()) {
      if (!logins.containsKey(e.getKey())) {
        job.put("login." + e.getKey() + ".credHelper", e.getValue()[0]);
        job.put("login." + e.getKey() + ".from", e.getValue()[1]);
      }
    }
    for (Map.Entry<String, String[]> e : logins.entrySet()) {
      String prefix = "login." + e.getKey();
      job.put(prefix + ".username", e.getValue()[0]);
      job.put(prefix + ".password", e.getValue()[1]);
      job.put(prefix + ".from", e.getValue()[2]);
    }
  }

  /**
   * {@code kiln.sourceDateEpoch} (property, then block), else {@code SOURCE_DATE_EPOCH}: the raw
   * value and where it came from, which the engine parses and logs.
   */
  private void epoch(Map<String, String> job) {
    String[][] candidates = {
      {"Gradle property kiln.sourceDateEpoch", property("sourceDateEpoch")},
      {"kiln.sourceDateEpoch", blankToNull(extension.getSourceDateEpoch())},
      {"SOURCE_DATE_EPOCH", blankToNull(environment.get("SOURCE_DATE_EPOCH"))}
    };
    for (String[] candidate : candidates) {
      if (candidate[1] != null) {
        job.put("sourceDateEpoch", candidate[1]);
        job.put("sourceDateEpoch.from", candidate[0]);
        return;
      }
    }
  }

  private File file(String name, Object configured, String defaultName) {
    Object value = pick(name, configured);
    return value == null ? new File(buildDir, defaultName) : files.apply(value);
  }

  /** The Gradle property {@code kiln.NAME} if set, else the configured value. */
  private Object pick(String name, Object configured) {
    String property = property(name);
    return property != null ? property : configured;
  }

  private String text(String name, String configured) {
    Object value = pick(name, configured);
    return value == null ? null : blankToNull(value.toString());
  }

  private boolean bool(String name, boolean configured) {
    String property = property(name);
    if (property == null) {
      return configured;
    }
    // -Pkiln.skip alone (an empty value) means true, as -Dkiln.skip does for Maven.
    return property.isEmpty() || Boolean.parseBoolean(property);
  }

  /** A comma-separated property replaces the configured list. */
  private List<String> list(String name, List<String> configured) {
    String property = property(name);
    if (property == null) {
      return configured;
    }
    List<String> values = new ArrayList<String>();
    for (String part : property.split(",")) {
      if (!part.trim().isEmpty()) {
        values.add(part.trim());
      }
    }
    return values;
  }

  private static List<String> plus(List<String> configured, String property) {
    List<String> all = new ArrayList<String>(configured);
    if (property != null) {
      all.add(property);
    }
    return all;
  }

  private static List<String> plus(List<String> first, List<String> second) {
    List<String> all = new ArrayList<String>(first);
    all.addAll(second);
    return all;
  }

  /** The configured map, with {@code kiln.PREFIX.KEY} properties added or overriding. */
  private Map<String, String> merged(Map<String, String> configured, String prefix) {
    Map<String, String> all = new LinkedHashMap<String, String>(configured);
    all.putAll(prefixed(prefix));
    return all;
  }

  /** Properties {@code kiln.PREFIX.KEY}, by KEY, sorted. */
  private Map<String, String> prefixed(String prefix) {
    String full = "kiln." + prefix + ".";
    Map<String, String> values = new TreeMap<String, String>();
    for (Map.Entry<String, ?> e : properties.entrySet()) {
      if (e.getKey().startsWith(full) && e.getKey().length() > full.length()) {
        values.put(
            e.getKey().substring(full.length()),
            e.getValue() == null ? "" : e.getValue().toString());
      }
    }
    return values;
  }

  private String property(String name) {
    Object value = properties.get("kiln." + name);
    return value == null ? null : value.toString().trim();
  }

  private static String blankToNull(String value) {
    return value == null || value.trim().isEmpty() ? null : value.trim();
  }

  private static void putIfSet(Map<String, String> job, String key, String value) {
    if (value != null) {
      job.put(key, value);
    }
  }

  private static void putList(Map<String, String> job, String key, List<String> values) {
    int i = 0;
    for (String value : values == null ? Collections.<String>emptyList() : values) {
      if (value != null && !value.trim().isEmpty()) {
        job.put(key + "." + i++, value.trim());
      }
    }
  }

  /**
   * Writes a map's entries; with {@code fromEnvironment}, a null value is looked up in the
   * environment (as docker does for {@code --build-arg NAME}) and left out when not there.
   */
  private void putMap(
      Map<String, String> job, String key, Map<String, String> values, boolean fromEnvironment) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      String value = e.getValue();
      if (value == null && fromEnvironment) {
        value = environment.get(e.getKey());
        if (value == null) {
          continue;
        }
      }
      job.put(key + "." + e.getKey(), value == null ? "" : value);
    }
  }
}
