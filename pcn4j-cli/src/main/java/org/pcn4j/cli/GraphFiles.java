package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.GraphModelFile;

/** Reads graph specs from YAML or JSON files (or from a graph model file's metadata); writes text renderings. */
final class GraphFiles {
    private GraphFiles() {}

    static GraphSpec load(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return GraphModelFile.load(file).graph().spec();
        }
        Object top = Config.read(file, "graph file");
        String where = "graph file " + file;
        if (!(top instanceof Map)) {
            throw new PcnException(where + ": the top level must be a mapping with nodes and edges");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) top).entrySet()) {
            m.put(String.valueOf(e.getKey()), e.getValue());
        }
        return GraphSpec.fromMap(m, where);
    }

    /** Writes {@code text} (UTF-8) to {@code file} atomically; a failure is a one-line error naming the file. */
    static void writeText(Path file, String text) {
        try {
            org.pcn4j.util.AtomicFiles.write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new PcnException("cannot write " + file + ": " + m.replace('\n', ' '), e);
        }
    }
}
