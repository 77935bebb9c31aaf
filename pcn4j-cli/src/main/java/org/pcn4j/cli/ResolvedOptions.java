package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pcn4j.kernel.Backends;
import org.pcn4j.kernel.Kernels;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A run's config.json: every option of the command with its resolved value, keyed by its long
 * name without dashes, read from picocli's model (nothing hand-kept), so {@code --config} takes the
 * file back. Options about where and how loudly to run are left out, as are unset (null) ones; a
 * few record-only keys ({@link Config#RECORD_ONLY}) say where the data came from and what ran it.
 */
final class ResolvedOptions {
    private ResolvedOptions() {}

    /** Options that say where output goes or how it looks, not what is trained. */
    static final Set<String> NOT_RECORDED = Set.of("config", "out", "overwrite", "resume", "quiet", "no-plots",
            "help", "version", "verbose");

    static Map<String, Object> of(CommandSpec spec, String dataSource) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            String key = o.longestName().replaceFirst("^--?", "");
            if (o.usageHelp() || o.versionHelp() || NOT_RECORDED.contains(key)) {
                continue;
            }
            Object v = o.getValue();
            if (key.equals("threads")) {
                v = Backends.threads();
            }
            if (v instanceof Path) {
                v = ((Path) v).toAbsolutePath().toString();
            }
            if (v != null) {
                c.put(key, v);
            }
        }
        c.put("data-source", dataSource);
        c.put("kernels", Kernels.get().name());
        c.put("java", Runtime.version().toString());
        return c;
    }
}
