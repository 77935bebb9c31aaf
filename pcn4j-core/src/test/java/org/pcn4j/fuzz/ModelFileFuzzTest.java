package org.pcn4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.GraphModelFile;
import org.pcn4j.io.ModelFile;
import org.pcn4j.io.SafeTensors;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;

/**
 * Safetensors model files, layered and graph: truncations and byte flips of whole files, header
 * JSON with wrong types and hostile sizes, and every metadata field of both kinds set to values of
 * the wrong type, out of range, or naming nodes that do not exist or play another role.
 */
class ModelFileFuzzTest {
    @TempDir
    Path tmp;

    private static final Fuzz.Parser LOAD = ModelFile::loadModel;

    private byte[] validMlp() throws Exception {
        Mlp m = new Mlp(new MlpSpec(new int[] {4, 3, 2}, Activation.TANH, Activation.IDENTITY, Convention.POST,
                Energy.GAUSSIAN));
        m.initialize("default", 1);
        Path p = tmp.resolve("valid-mlp.safetensors");
        ModelFile.save(p, m, InputAffine.identity(4), Map.of("classes", "[\"a\",\"b\"]", "config", "{\"epochs\":1}"));
        return Files.readAllBytes(p);
    }

    static GraphSpec spec() {
        return GraphSpec.builder().input("label", 2).hidden("h", 3).target("image", 4)
                .edge("label", "h", Activation.TANH).edge("h", "image").build();
    }

    private byte[] validGraph() throws Exception {
        Graph g = Graph.create(spec(), "default", 2);
        Path p = tmp.resolve("valid-graph.safetensors");
        GraphModelFile.save(p, g, InputAffine.identity(4),
                Map.of("mode", "generative", "image_node", "image", "label_node", "label"));
        return Files.readAllBytes(p);
    }

    /** The file's header text and its data bytes. */
    private static String header(byte[] file) {
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return new String(file, 8, (int) n, StandardCharsets.UTF_8);
    }

    private static byte[] withHeader(byte[] file, String header) {
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + file.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(file, 8 + (int) n, file.length - 8 - (int) n);
        return b.array();
    }

    private static final String[] HOSTILE = {null, "", "x", "[64.5, 3, 2]", "[4294967360, 3, 2]", "[40000, 3, 2]",
        "[1000000000, 3, 2]", "[-4, 3, 2]", "[0, 3, 2]", "[]", "[4]", "[4, 3, 2, 1]", "[4, 3, 2]", "{\"a\": 1}",
        "[null]", "[\"4\"]", "[NaN, 0]", "[1, 0]", "[1e400, 0]", "[[1, 2, 3, 4], [0, 0, 0, 0]]", "[[1, 2], [0, 0]]",
        "[[1, 2, 3, \"x\"], [0, 0, 0, 0]]", "null", "true", "tanh", "pre", "gaussian", "mlp", "graph", "pcn4j", "1",
        "2", "generative", "memory", "image", "label", "h", "nobody", "[\"a\"]", "[[\"a\"]]",
        "[".repeat(600) + "]".repeat(600), "y".repeat(10_000)};

    /** Every metadata key set to every hostile value (null: removed). */
    private void metadata(Fuzz f, byte[] valid, String kind, String... keys) throws Exception {
        Path p = tmp.resolve(kind + "-base.safetensors");
        Files.write(p, valid);
        SafeTensors.Contents c = SafeTensors.read(p);
        for (String key : keys) {
            for (String v : HOSTILE) {
                Map<String, String> meta = new LinkedHashMap<>(c.metadata());
                if (v == null) {
                    meta.remove(key);
                } else {
                    meta.put(key, v);
                }
                f.check(kind + " metadata " + key + " = " + (v == null ? "(removed)" : cut(v)), kind + "-meta.safetensors",
                        encode(meta, new ArrayList<>(c.tensors().values())), LOAD);
            }
        }
        // Tensors: non-finite values, wrong shapes, one missing, one extra.
        List<SafeTensors.Entry> ts = new ArrayList<>(c.tensors().values());
        for (int i = 0; i < ts.size(); i++) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e38f}) {
                List<SafeTensors.Entry> t = new ArrayList<>(ts);
                float[] d = t.get(i).data().clone();
                d[d.length - 1] = bad;
                t.set(i, new SafeTensors.Entry(t.get(i).name(), t.get(i).shape(), d));
                write(f, kind + " tensor " + ts.get(i).name() + " holds " + bad, c.metadata(), t);
            }
            List<SafeTensors.Entry> t = new ArrayList<>(ts);
            float[] d = t.get(i).data();
            t.set(i, new SafeTensors.Entry(t.get(i).name(), new int[] {d.length}, d));
            write(f, kind + " tensor " + ts.get(i).name() + " flattened", c.metadata(), t);
            t = new ArrayList<>(ts);
            t.remove(i);
            write(f, kind + " tensor " + ts.get(i).name() + " missing", c.metadata(), t);
        }
        List<SafeTensors.Entry> t = new ArrayList<>(ts);
        t.add(SafeTensors.Entry.of("extra", 1, 1, new float[1]));
        write(f, kind + " extra tensor", c.metadata(), t);
    }

    private void write(Fuzz f, String name, Map<String, String> meta, List<SafeTensors.Entry> tensors) {
        f.check(name, "t.safetensors", encode(meta, tensors), LOAD);
    }

    /**
     * A safetensors file in memory, laid out as {@link SafeTensors#write} does (F32, contiguous),
     * without its atomic, fsync'ed write: thousands of cases must stay fast.
     */
    static byte[] encode(Map<String, String> meta, List<SafeTensors.Entry> tensors) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("__metadata__", meta);
        long off = 0;
        for (SafeTensors.Entry t : tensors) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", "F32");
            info.put("shape", t.shape());
            info.put("data_offsets", new long[] {off, off + 4L * t.data().length});
            off += 4L * t.data().length;
            h.put(t.name(), info);
        }
        byte[] json = org.pcn4j.util.Json.write(h).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + (int) off).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        for (SafeTensors.Entry t : tensors) {
            for (float x : t.data()) {
                b.putFloat(x);
            }
        }
        return b.array();
    }

    /** Header JSON: wrong types and hostile sizes where dtype, shape and data_offsets go. */
    private void headers(Fuzz f, byte[] valid, String kind) {
        String h = header(valid);
        String[] from = {"\"F32\"", "\"shape\":[", "\"data_offsets\":[", "\"__metadata__\":{"};
        String[] to = {"\"F8_E4M3\"", "\"F64\"", "\"I8\"", "3", "null", "\"shape\":[4294967360,", "\"shape\":[-1,",
            "\"shape\":[1e3,", "\"shape\":[\"3\",", "\"shape\":[99999999999999999999,", "\"shape\":[2147483647,2147483647,",
            "\"data_offsets\":[-8,", "\"data_offsets\":[9223372036854775807,", "\"data_offsets\":[1.5,",
            "\"data_offsets\":[4,", "\"__metadata__\":{\"__metadata__\":{},", "\"__metadata__\":{\"x\":1,"};
        for (String a : from) {
            for (String b : to) {
                if (h.contains(a)) {
                    f.check(kind + " header " + a + " -> " + b, kind + "-h.safetensors", withHeader(valid, h.replaceFirst(
                            java.util.regex.Pattern.quote(a), java.util.regex.Matcher.quoteReplacement(b))), LOAD);
                }
            }
        }
        for (String text : new String[] {"", "{}", "[]", "{", "{\"a\":", "null", "{\"a\":{}}", "{\"a\":[]}",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", "[".repeat(5000),
                "{\"" + "k".repeat(100_000) + "\":1}", "\uFFFF\uD800", "{\"a\":1,\"a\":2}"}) {
            f.check(kind + " header text " + cut(text), kind + "-h.safetensors", withHeader(valid, text), LOAD);
        }
        for (long n : new long[] {-1, Long.MAX_VALUE, 1L << 40, 100_000_001L, 0, 7}) {
            byte[] b = valid.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, n);
            f.check(kind + " header length " + n, kind + "-h.safetensors", b, LOAD);
        }
    }

    private static String cut(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    @Test
    void everyGeneratedModelFileIsAcceptedOrRefusedWithOneLineNamingIt() throws Exception {
        Fuzz f = new Fuzz("model files (safetensors + metadata)", tmp);
        byte[] mlp = validMlp();
        byte[] graph = validGraph();
        f.check("valid layered", "m.safetensors", mlp, LOAD);
        f.check("valid graph", "g.safetensors", graph, LOAD);
        assertEquals(2, f.accepted());
        for (Object[] kind : new Object[][] {{"mlp", mlp}, {"graph", graph}}) {
            String k = (String) kind[0];
            byte[] v = (byte[]) kind[1];
            int i = 0;
            for (byte[] b : Fuzz.truncations(v)) {
                f.check(k + " truncated at " + i++, k + ".safetensors", b, LOAD);
            }
            for (int mask : new int[] {0xFF}) { // (random flips below cover other values)
                i = 0;
                for (byte[] b : Fuzz.flips(v, mask)) {
                    f.check(k + " byte " + i++ + " ^" + mask, k + ".safetensors", b, LOAD);
                }
            }
            for (byte[] b : Fuzz.randomFlips(v, 200, k.hashCode())) {
                f.check(k + " random flips", k + ".safetensors", b, LOAD);
            }
            headers(f, v, k);
        }
        metadata(f, mlp, "mlp", "layer_sizes", "activation", "output_activation", "convention", "output_energy",
                "input_affine", "format", "format_version", "model_type", "classes", "config", "image_shape");
        metadata(f, graph, "graph", "graph", "input_affine", "mode", "image_node", "label_node", "format",
                "format_version", "model_type", "classes", "image_shape");
        // The graph spec inside the metadata: hostile node sizes and names.
        Path p = tmp.resolve("g-base.safetensors");
        Files.write(p, graph);
        SafeTensors.Contents c = SafeTensors.read(p);
        String g = c.metadata().get("graph");
        for (String size : new String[] {"1000000000", "-3", "0", "3.5", "\"3\"", "4294967299", "1e9", "null",
                "[3]", "16777217", "65536"}) {
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            meta.put("graph", g.replaceFirst("\"size\":3", "\"size\":" + size));
            write(f, "graph node h size " + size, meta, new ArrayList<>(c.tensors().values()));
        }
        f.check("a folder", tmp, LOAD);
        Path fifo = Fuzz.fifo(tmp, "fifo.safetensors");
        if (fifo != null) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> f.check("a FIFO", fifo, LOAD));
        }
        String tally = f.report();
        assertTrue(f.cases() > 3000 && f.accepted() > 2 && f.refused() > 0, tally);
    }

    private String refusal(Path base, Map<String, String> change, String remove) throws Exception {
        SafeTensors.Contents c = SafeTensors.read(base);
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.putAll(change);
        if (remove != null) {
            meta.remove(remove);
        }
        Path out = tmp.resolve("bad.safetensors");
        SafeTensors.write(out, meta, new ArrayList<>(c.tensors().values()));
        return assertThrows(PcnException.class, () -> ModelFile.loadModel(out)).getMessage();
    }

    @Test
    void metadataIsValidatedNamingTheField() throws Exception {
        Path m = Files.write(tmp.resolve("m.safetensors"), validMlp());
        String e = refusal(m, Map.of("layer_sizes", "[64.5, 3, 2]"), null);
        assertTrue(e.contains("layer_sizes[0] is 64.5, not a positive integer"), e);
        e = refusal(m, Map.of("layer_sizes", "[4294967360, 3, 2]"), null);
        assertTrue(e.contains("layer_sizes[0] is 4294967360, larger than the limit"), e);
        // A header claiming 40000-wide layers with small tensors: refused from the tensors' shapes,
        // before a 40000 x 40000 model is built.
        e = refusal(m, Map.of("layer_sizes", "[4, 40000, 2]"), null);
        assertTrue(e.contains("layers.0.weight has shape [3, 4], the model needs [40000, 4]"), e);
        e = refusal(m, Map.of(), "input_affine");
        assertTrue(e.contains("no 'input_affine'"), e);
        Path g = Files.write(tmp.resolve("g.safetensors"), validGraph());
        e = refusal(g, Map.of("image_node", "h"), null);
        assertTrue(e.contains("image_node 'h' is a hidden node") && e.contains("'image'"), e);
        e = refusal(g, Map.of("label_node", "nobody"), null);
        assertTrue(e.contains("label_node 'nobody' is not a node"), e);
        e = refusal(g, Map.of(), "image_node");
        assertTrue(e.contains("no 'image_node'"), e);
        String spec = SafeTensors.read(g).metadata().get("graph");
        e = refusal(g, Map.of("graph", spec.replaceFirst("\"size\":3", "\"size\":1000000000")), null);
        assertTrue(e.contains("edge label->h needs a 1000000000 x 2 weight matrix") || e.contains("limit of"), e);
    }

    @Test
    void aNonFiniteWeightIsRefusedNamingTheTensor() throws Exception {
        Path m = Files.write(tmp.resolve("m.safetensors"), validMlp());
        SafeTensors.Contents c = SafeTensors.read(m);
        List<SafeTensors.Entry> t = new ArrayList<>(c.tensors().values());
        float[] w = c.get("layers.1.weight").data().clone();
        w[2] = Float.NaN;
        t.set(2, new SafeTensors.Entry("layers.1.weight", new int[] {2, 3}, w));
        Path out = tmp.resolve("nan.safetensors");
        SafeTensors.write(out, c.metadata(), t);
        String e = assertThrows(PcnException.class, () -> ModelFile.loadModel(out)).getMessage();
        assertTrue(e.contains("nan.safetensors") && e.contains("layers.1.weight holds NaN at index 2"), e);
    }
}
