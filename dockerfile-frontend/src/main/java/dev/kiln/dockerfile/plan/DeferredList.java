package dev.kiln.dockerfile.plan;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.Supplier;

/**
 * An immutable list computed when it is first read, then kept. Each dispatched step offers the
 * environment a RUN would see; computing and holding it for every step cost memory quadratic in the
 * number of ARG/ENV lines (20,000 of them needed gigabytes), while the executor reads it only for
 * RUN steps.
 */
final class DeferredList<T> extends AbstractList<T> implements RandomAccess {
  private final Supplier<List<T>> compute;
  private volatile List<T> items;

  DeferredList(Supplier<List<T>> compute) {
    this.compute = compute;
  }

  private List<T> items() {
    List<T> out = items;
    if (out == null) {
      // Two threads may both compute it; the results are equal.
      out = List.copyOf(compute.get());
      items = out;
    }
    return out;
  }

  @Override
  public T get(int index) {
    return items().get(index);
  }

  @Override
  public int size() {
    return items().size();
  }
}
