package dev.kiln.core.engine;

import dev.kiln.api.event.BuildListener;
import java.time.Clock;

/**
 * How a build reports: where progress goes, how steps are named there ({@link StepLabels}), and the
 * clock every event is stamped from (injected, so tests need not wait for the wall clock).
 */
record BuildReporting(BuildListener listener, StepLabels labels, Clock clock) {}
