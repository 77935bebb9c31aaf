package org.pcn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;

/** Graph spec files (--graph), YAML and JSON: truncations, byte flips, wrong types, hostile sizes, alias trees. */
class GraphFileFuzzTest {
    @TempDir
    Path tmp;

    private static final CliFuzz.Parser LOAD = GraphFiles::load;

    static final String[] NODE_FIELDS = {"name", "size", "role", "energy", "precision"};
    static final String[] EDGE_FIELDS = {"from", "to", "activation", "convention", "bias"};

    static final String[] HOSTILE = {"x", "-1", "0", "1.5", "1.0e9", "1000000000", "4294967360", "16777217",
        "99999999999999999999", "[1]", "{a: 1}", "null", "~", "true", ".nan", ".inf", "-.inf", "!!binary aGk=",
        "'" + "z".repeat(5000) + "'", "\"a->b\"", "''", "image", "h1", "label", "input", "target", "hidden",
        "cross_entropy", "tanh", "post", "!!set {a, b}", "!!timestamp 2001-12-14", "0x10", "0o17", "1_000"};

    /** The base spec with node (or edge) {@code index}'s {@code field} set to {@code value} (null: the valid spec). */
    static String yaml(String kind, int index, String field, String value) {
        String[][] nodes = {{"image", "4", "input", "gaussian", "1.0"}, {"h1", "3", "hidden", "gaussian", "1.0"},
            {"label", "2", "target", "gaussian", "1.0"}};
        String[][] edges = {{"image", "h1", "tanh", "pre", "true"}, {"h1", "label", "identity", "pre", "false"}};
        StringBuilder sb = new StringBuilder("nodes:\n");
        for (int i = 0; i < nodes.length; i++) {
            sb.append("  - {");
            for (int j = 0; j < NODE_FIELDS.length; j++) {
                String v = kind.equals("node") && i == index && NODE_FIELDS[j].equals(field) ? value : nodes[i][j];
                sb.append(j == 0 ? "" : ", ").append(NODE_FIELDS[j]).append(": ").append(v);
            }
            sb.append("}\n");
        }
        sb.append("edges:\n");
        for (int i = 0; i < edges.length; i++) {
            sb.append("  - {");
            for (int j = 0; j < EDGE_FIELDS.length; j++) {
                String v = kind.equals("edge") && i == index && EDGE_FIELDS[j].equals(field) ? value : edges[i][j];
                sb.append(j == 0 ? "" : ", ").append(EDGE_FIELDS[j]).append(": ").append(v);
            }
            sb.append("}\n");
        }
        return sb.toString();
    }

    static final String JSON = "{\"nodes\": [{\"name\": \"image\", \"size\": 4, \"role\": \"input\"},"
            + " {\"name\": \"h1\", \"size\": 3}, {\"name\": \"label\", \"size\": 2, \"role\": \"target\"}],"
            + " \"edges\": [{\"from\": \"image\", \"to\": \"h1\", \"activation\": \"tanh\"},"
            + " {\"from\": \"h1\", \"to\": \"label\", \"bias\": false}],"
            + " \"fully_connected\": [{\"nodes\": [\"image\", \"label\"], \"self\": false}]}";

    @Test
    void everyGeneratedGraphFileIsAcceptedOrRefusedWithOneLineNamingIt() {
        CliFuzz f = new CliFuzz("graph YAML/JSON", tmp);
        String valid = yaml("none", -1, null, null);
        f.check("valid yaml", "g.yaml", valid, LOAD);
        f.check("valid json", "g.json", JSON, LOAD);
        assertEquals(2, f.accepted());
        int k = 0;
        for (String t : CliFuzz.truncations(valid)) {
            f.check("yaml truncated at " + k++, "g.yaml", t, LOAD);
        }
        k = 0;
        for (String t : CliFuzz.truncations(JSON)) {
            f.check("json truncated at " + k++, "g.json", t, LOAD);
        }
        for (byte[] b : CliFuzz.randomFlips(valid.getBytes(StandardCharsets.UTF_8), 300, 31)) {
            f.check("yaml random flips", "g.yaml", b, LOAD);
        }
        for (byte[] b : CliFuzz.randomFlips(JSON.getBytes(StandardCharsets.UTF_8), 300, 32)) {
            f.check("json random flips", "g.json", b, LOAD);
        }
        String tree = CliFuzz.aliasTree(4, 10);
        for (String kind : new String[] {"node", "edge"}) {
            String[] fields = kind.equals("node") ? NODE_FIELDS : EDGE_FIELDS;
            for (int i = 0; i < (kind.equals("node") ? 3 : 2); i++) {
                for (String field : fields) {
                    for (String v : HOSTILE) {
                        f.check(kind + " " + i + " " + field + " = " + v.substring(0, Math.min(v.length(), 30)), "g.yaml",
                                yaml(kind, i, field, v), LOAD);
                    }
                    f.check(kind + " " + i + " " + field + " = alias tree", "g.yaml", yaml(kind, i, field, tree), LOAD);
                }
            }
        }
        String[] whole = {"", "# only a comment\n", "[]", "nodes: 3", "nodes: [3]", "nodes: []\n", "edges: []",
            "nodes:\n  - {name: a, size: 1, role: input}\n", "fully_connected: " + tree, "nodes: " + tree,
            "!!java.lang.ProcessBuilder [x]", "nodes: !!java.io.File [/]", "a: 1\na: 2\n", "\tnodes: []",
            "[".repeat(2000), "{".repeat(2000), "x: " + "[".repeat(60) + "]".repeat(60), "nodes: &x [*x]",
            "key: 'unterminated", "\u0000", "\uFEFFnodes: []"};
        k = 0;
        for (String w : whole) {
            f.check("yaml document " + k++, "w.yaml", w, LOAD);
        }
        f.check("yaml block", "b.yaml", valid + "fully_connected: {nodes: [image, label], activation: tanh}\n", LOAD);
        f.check("yaml block self", "b.yaml", valid + "fully_connected: {nodes: [label], self: true}\n", LOAD);
        f.check("yaml block bad self", "b.yaml", valid + "fully_connected: {nodes: [label], self: 3}\n", LOAD);
        f.check("json deep", "d.json", "[".repeat(100_000), LOAD);
        f.check("json long string", "s.json", "{\"nodes\": \"" + "q".repeat(200_000) + "\"}", LOAD);
        f.check("a folder named .yaml", mkdir("dir.yaml"), LOAD);
        f.check("no extension", "g.txt", valid, LOAD);
        Path fifo = CliFuzz.fifo(tmp, "fifo.yaml");
        if (fifo != null) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> f.check("a FIFO", fifo, LOAD));
        }
        String tally = f.report();
        assertTrue(f.cases() > 1000 && f.accepted() > 2 && f.refused() > 0, tally);
    }

    private Path mkdir(String name) {
        try {
            return Files.createDirectories(tmp.resolve(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anAliasTreeOfAFewHundredBytesGivesAShortMessage() throws Exception {
        String tree = CliFuzz.aliasTree(4, 10); // 10^5 leaves
        assertTrue(tree.length() < 600, tree.length() + " bytes");
        Path p = Files.writeString(tmp.resolve("laughs.yaml"), yaml("node", 1, "size", tree));
        String m = assertThrows(PcnException.class, () -> GraphFiles.load(p)).getMessage();
        assertTrue(m.length() < 400 && m.contains("laughs.yaml") && m.contains("'size' must be an integer"), m);
    }

    @Test
    void aNodeOfABillionUnitsIsASizeErrorNamingTheEdge() throws Exception {
        Path p = Files.writeString(tmp.resolve("big.yaml"), yaml("node", 1, "size", "1000000000"));
        String m = assertThrows(PcnException.class, () -> GraphFiles.load(p)).getMessage();
        assertTrue(m.contains("big.yaml") && m.contains("node 'h1' has size 1000000000, more than the limit"), m);
        // Each node under the limit, but their edge's matrix (16e9 values) would not fit an array: an int overflow before.
        Path q = Files.writeString(tmp.resolve("wide.yaml"),
                yaml("node", 1, "size", "16000000").replace("size: 4,", "size: 1000,"));
        m = assertThrows(PcnException.class, () -> GraphFiles.load(q)).getMessage();
        assertTrue(m.contains("wide.yaml") && m.contains("edge image->h1 needs a 16000000 x 1000 weight matrix"), m);
        // Every matrix fits an array, but 1.6e9 weights (6.1 GiB) do not fit the test JVM's 2 GiB heap.
        Path r = Files.writeString(tmp.resolve("heavy.yaml"),
                yaml("node", 1, "size", "16000000").replace("size: 4,", "size: 100,"));
        m = assertThrows(PcnException.class, () -> GraphFiles.load(r)).getMessage();
        assertTrue(Runtime.getRuntime().maxMemory() > 7L << 30
                || m.contains("heavy.yaml") && m.contains("weights and biases would need 6.1 GiB of memory, more than"), m);
    }
}
