/**
 * Utilities every layer may use, with no dependency on the PC model: a dependency-free JSON
 * reader and writer ({@link org.pcn4j.util.Json}), atomic file writes
 * ({@link org.pcn4j.util.AtomicFiles}: write a temporary file beside the target, then rename, so
 * a killed process never leaves a torn model or dataset) and the checks that turn a missing,
 * unreadable or oversized input file into a one-line {@link org.pcn4j.PcnException}
 * ({@link org.pcn4j.util.InputChecks}). They sit here, below {@code data}, {@code graph} and
 * {@code io}, so that those packages need not depend on each other to read and write files.
 */
package org.pcn4j.util;
