package dev.kiln.dockerfile.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The variables of one stage as its ARG and ENV instructions change them: the state environment
 * words are expanded in (and a RUN sees), and the image config's Env. Each change is appended to a
 * log, so a step's view of either is a position in the log rather than a copy; views are {@link
 * DeferredList}s, built from the log only when read.
 */
final class StageEnvironment {
  private final Map<String, String> baseState = new LinkedHashMap<>();
  private final List<String> baseImageEnv;
  private final Map<String, String> current = new LinkedHashMap<>();
  private final List<String[]> stateLog = new ArrayList<>();
  private final List<String[]> imageLog = new ArrayList<>();

  StageEnvironment(List<String> baseImageEnv) {
    this(baseImageEnv, null);
  }

  /**
   * @param baseState the state environment the stage starts with, or null for the base image's Env.
   *     A stage built FROM another stage starts with that stage's final state, ARGs included.
   */
  StageEnvironment(List<String> baseImageEnv, Map<String, String> baseState) {
    this.baseImageEnv = List.copyOf(baseImageEnv);
    if (baseState != null) {
      this.baseState.putAll(baseState);
    } else {
      for (String e : baseImageEnv) {
        int eq = e.indexOf('=');
        this.baseState.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
      }
    }
    current.putAll(this.baseState);
  }

  /** The state environment now, for expanding the next instruction's words. Do not modify. */
  Map<String, String> current() {
    return current;
  }

  /** The state environment after every change so far, in order, as an unmodifiable copy. */
  Map<String, String> finalState() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(current));
  }

  /** An ARG: changes the state environment only; the variable moves to the end. */
  void setArg(String name, String value) {
    current.remove(name);
    current.put(name, value);
    stateLog.add(new String[] {name, value});
  }

  /** An ENV: changes the state environment and the image config's Env. */
  void setEnv(String name, String value) {
    setArg(name, value);
    imageLog.add(new String[] {name, value});
  }

  /**
   * What a RUN sees now: the state environment in order, then each proxy variable (under its upper-
   * and lower-case name) that the state does not set.
   */
  List<EnvVar> environmentView(Map<String, String> proxies) {
    int length = stateLog.size();
    return new DeferredList<>(() -> environment(length, proxies));
  }

  private List<EnvVar> environment(int length, Map<String, String> proxies) {
    Map<String, String> state = new LinkedHashMap<>(baseState);
    for (String[] change : stateLog.subList(0, length)) {
      state.remove(change[0]);
      state.put(change[0], change[1]);
    }
    List<EnvVar> env = new ArrayList<>(state.size() + proxies.size() * 2);
    state.forEach((k, v) -> env.add(new EnvVar(k, v, false)));
    for (Map.Entry<String, String> p : proxies.entrySet()) {
      for (String name : new String[] {p.getKey(), p.getKey().toLowerCase(Locale.ROOT)}) {
        if (!state.containsKey(name)) {
          env.add(new EnvVar(name, p.getValue(), true));
        }
      }
    }
    return env;
  }

  /** The image config's Env now (see {@link StageDispatcher#addEnv} for the rule). */
  List<String> imageEnvView() {
    int length = imageLog.size();
    return new DeferredList<>(() -> imageEnv(length));
  }

  /** The image config's Env after every change so far. */
  List<String> imageEnv() {
    return List.copyOf(imageEnv(imageLog.size()));
  }

  private List<String> imageEnv(int length) {
    List<String> env = new ArrayList<>(baseImageEnv);
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < env.size(); i++) {
      firstIndex.putIfAbsent(key(env.get(i)), i);
    }
    for (String[] change : imageLog.subList(0, length)) {
      String entry = change[0] + "=" + change[1];
      Integer at = firstIndex.get(change[0]);
      if (at != null) {
        env.set(at, entry);
      } else {
        firstIndex.put(change[0], env.size());
        env.add(entry);
      }
    }
    return env;
  }

  private static String key(String entry) {
    int eq = entry.indexOf('=');
    return eq < 0 ? entry : entry.substring(0, eq);
  }
}
