package dev.kiln.gradle;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Runs kiln inside Gradle's JVM (Java 17 or later), in a class loader of its own over the nested
 * runtime's jars whose parent is the JDK's platform loader: kiln's libraries (Jackson, Guava,
 * commons-compress…) never meet the versions other plugins bring, and only JDK types ({@link Map},
 * {@link BiConsumer}, {@link String}) cross between the two sides. The loader is kept for the life
 * of the plugin's own class loader, so a Gradle daemon's second build reuses warm code.
 */
final class InProcessRunner implements JobRunner {
  static final String ENTRY_CLASS = "dev.kiln.gradle.engine.GradleJob";
  private static final Map<List<File>, ClassLoader> LOADERS =
      new HashMap<List<File>, ClassLoader>();

  private final List<File> jars;

  InProcessRunner(List<File> jars) {
    this.jars = jars;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Map<String, String> run(Map<String, String> job, BiConsumer<String, String> log)
      throws IOException {
    ClassLoader loader = loader(jars);
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      Method run =
          Class.forName(ENTRY_CLASS, true, loader).getMethod("run", Map.class, BiConsumer.class);
      return (Map<String, String>) run.invoke(null, job, log);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException("kiln failed: " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IOException("the kiln plugin's runtime is broken: " + e, e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static synchronized ClassLoader loader(List<File> jars) throws MalformedURLException {
    ClassLoader loader = LOADERS.get(jars);
    if (loader == null) {
      URL[] urls = new URL[jars.size()];
      for (int i = 0; i < urls.length; i++) {
        urls[i] = jars.get(i).toURI().toURL();
      }
      loader = new URLClassLoader(urls, platformLoader());
      LOADERS.put(jars, loader);
    }
    return loader;
  }

  /**
   * The JDK's platform class loader (java.sql, java.net.http…), looked up by reflection because
   * this class is compiled for Java 8, which has none; this runner is only used on Java 17+.
   */
  private static ClassLoader platformLoader() {
    try {
      return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
