package org.pcn4j.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.GraphModelFile;

/** Reads graph specs from YAML or JSON files (or from a graph model file's metadata). */
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
}
