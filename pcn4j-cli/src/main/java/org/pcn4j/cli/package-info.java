/**
 * The {@code pcn4j} command line (picocli): one class per command, the option groups they share,
 * YAML/JSON config files, the progress bar, plots and image grids, and run folders. It holds no
 * numerics: every command turns its options into core configs and calls the core library.
 */
package org.pcn4j.cli;
