package org.pcn4j.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Graph;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.DenseEdge;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.model.PcModel;
import org.pcn4j.util.InputChecks;
import org.pcn4j.util.Json;

/**
 * Layered models as safetensors files (a contract): float32 tensors {@code layers.{i}.weight}
 * [out, in] and {@code layers.{i}.bias} [out], layer 0 next to the input, exactly PyTorch's
 * nn.Linear layout, and a {@code __metadata__} that rebuilds the model on its own:
 * {@code layer_sizes} (a JSON list), {@code activation}, {@code output_activation},
 * {@code convention} (post or pre), {@code output_energy}, and {@code input_affine}, a JSON pair
 * [scale, offset] mapping raw input values to what the first layer sees (two JSON lists when the
 * map is per feature, as after standardization).
 */
public final class ModelFile {
    public static final String FORMAT = "pcn4j";
    public static final String FORMAT_VERSION = "1";

    private ModelFile() {}

    /** A model read back from a file. */
    public record Loaded(Mlp mlp, InputAffine affine, Map<String, String> metadata) {
        /** Class names saved with the model, or "0", "1", ... */
        public List<String> classNames() {
            return ModelFile.classNames(metadata, mlp.spec().outputSize());
        }
    }

    /** A model of either kind (layered or graph) read back from a file. */
    public record LoadedModel(PcModel model, InputAffine affine, Map<String, String> metadata) {
        /** "mlp" or "graph". */
        public String type() {
            return model instanceof Graph ? "graph" : "mlp";
        }

        /** Class names saved with the model, or "0", "1", ... */
        public List<String> classNames() {
            return ModelFile.classNames(metadata, model.output().size());
        }
    }

    static List<String> classNames(Map<String, String> metadata, int classes) {
        String s = metadata.get("classes");
        List<String> names = new ArrayList<>();
        if (s != null) {
            for (Object o : array(s)) {
                names.add(String.valueOf(o));
            }
        }
        if (names.size() != classes) {
            names.clear();
            for (int c = 0; c < classes; c++) {
                names.add(Integer.toString(c));
            }
        }
        return names;
    }

    /** Writes a layered or graph model (see {@link GraphModelFile}) atomically. */
    public static void save(Path file, PcModel model, InputAffine affine, Map<String, String> extra) {
        if (model instanceof Graph) {
            GraphModelFile.save(file, (Graph) model, affine, extra);
        } else if (model instanceof Mlp) {
            save(file, (Mlp) model, affine, extra);
        } else {
            throw new IllegalArgumentException("cannot save a " + model.getClass().getSimpleName());
        }
    }

    /** Reads a model file of either kind, by its {@code model_type}. */
    public static LoadedModel loadModel(Path file) {
        return InputChecks.loading("the model file " + file, () -> loadModelNow(file));
    }

    private static LoadedModel loadModelNow(Path file) {
        SafeTensors.Contents c = SafeTensors.read(file);
        String type = c.metadata().getOrDefault("model_type", "mlp");
        if (type.equals("graph")) {
            GraphModelFile.Loaded g = GraphModelFile.fromContents(c, file.toString());
            return new LoadedModel(g.graph(), g.affine(), g.metadata());
        }
        Loaded l = fromContents(c, file.toString());
        return new LoadedModel(l.mlp(), l.affine(), l.metadata());
    }

    /** Writes the model atomically; {@code extra} metadata (strings) is added to the header. */
    public static void save(Path file, Mlp mlp, InputAffine affine, Map<String, String> extra) {
        MlpSpec spec = mlp.spec();
        if (affine.features() != spec.inputSize()) {
            throw new IllegalArgumentException("input affine has " + affine.features() + " features, model "
                    + spec.inputSize());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("format_version", FORMAT_VERSION);
        meta.put("model_type", "mlp");
        List<Integer> sizes = new ArrayList<>();
        for (int s : spec.layerSizes()) {
            sizes.add(s);
        }
        meta.put("layer_sizes", Json.write(sizes));
        meta.put("activation", spec.activation().id());
        meta.put("output_activation", spec.outputActivation().id());
        meta.put("convention", spec.convention().id());
        meta.put("output_energy", spec.outputEnergy().id());
        meta.put("input_affine", affineJson(affine));
        if (extra != null) {
            for (Map.Entry<String, String> e : extra.entrySet()) {
                meta.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        List<SafeTensors.Entry> tensors = new ArrayList<>();
        for (int i = 0; i < mlp.depth(); i++) {
            DenseEdge e = mlp.layers().get(i);
            tensors.add(SafeTensors.Entry.of("layers." + i + ".weight", e.to().size(), e.from().size(),
                    e.weight().data().clone()));
            tensors.add(new SafeTensors.Entry("layers." + i + ".bias", new int[] {e.to().size()}, e.bias().clone()));
        }
        SafeTensors.write(file, meta, tensors);
    }

    static String affineJson(InputAffine a) {
        if (a.isUniform()) {
            return Json.write(List.of((double) a.scale(0), (double) a.offset(0)));
        }
        float[] s = new float[a.features()];
        float[] o = new float[a.features()];
        for (int j = 0; j < s.length; j++) {
            s[j] = a.scale(j);
            o[j] = a.offset(j);
        }
        return Json.write(List.of(s, o));
    }

    /** Reads a model file; a missing, corrupt or inconsistent file gets a one-line PcnException. */
    public static Loaded load(Path file) {
        return InputChecks.loading("the model file " + file, () -> fromContents(SafeTensors.read(file), file.toString()));
    }

    private static Loaded fromContents(SafeTensors.Contents c, String where) {
        Map<String, String> meta = c.metadata();
        checkCommon(meta, where);
        String type = meta.getOrDefault("model_type", "mlp");
        if (!type.equals("mlp")) {
            throw new PcnException(where + ": model_type '" + InputChecks.quote(type) + "' is not a layered model");
        }
        int[] sizes = positiveInts(require(meta, "layer_sizes", where), "layer_sizes", where);
        if (sizes.length < 2) {
            throw new PcnException(where + ": metadata layer_sizes " + InputChecks.quote(meta.get("layer_sizes"))
                    + " needs at least two sizes (input and output)");
        }
        MlpSpec spec;
        try {
            spec = new MlpSpec(sizes,
                    Activation.parse(require(meta, "activation", where)),
                    Activation.parse(meta.getOrDefault("output_activation", "identity")),
                    Convention.parse(meta.getOrDefault("convention", "post")),
                    Energy.parse(meta.getOrDefault("output_energy", "gaussian")));
        } catch (PcnException e) {
            throw new PcnException(where + ": metadata: " + InputChecks.quote(e.getMessage()));
        }
        // The tensors are in memory already (their bytes are in the file); checking them against
        // layer_sizes before building the model means a header claiming huge layers costs nothing.
        for (int i = 0; i + 1 < sizes.length; i++) {
            SafeTensors.Entry w = c.get("layers." + i + ".weight");
            SafeTensors.Entry b = c.get("layers." + i + ".bias");
            checkShape(where, w, sizes[i + 1], sizes[i]);
            checkShape(where, b, sizes[i + 1]);
            checkFinite(where, w);
            checkFinite(where, b);
        }
        if (c.tensors().size() != 2 * (sizes.length - 1)) {
            throw new PcnException(where + ": has " + c.tensors().size() + " tensors, layer_sizes " + spec.sizesString()
                    + " needs " + 2 * (sizes.length - 1) + " (layers.{i}.weight and layers.{i}.bias)");
        }
        InputAffine affine = parseAffine(require(meta, "input_affine", where), spec.inputSize(), where);
        Mlp mlp = new Mlp(spec);
        for (int i = 0; i < mlp.depth(); i++) {
            DenseEdge e = mlp.layers().get(i);
            SafeTensors.Entry w = c.get("layers." + i + ".weight");
            SafeTensors.Entry b = c.get("layers." + i + ".bias");
            System.arraycopy(w.data(), 0, e.weight().data(), 0, w.data().length);
            System.arraycopy(b.data(), 0, e.bias(), 0, b.data().length);
            e.weightsChanged();
        }
        return new Loaded(mlp, affine, meta);
    }

    /** The largest layer or node size a model file may claim (16 M units). */
    public static final int MAX_SIZE = 1 << 24;

    /**
     * Checks the metadata fields every pcn4j model file shares: {@code format} and
     * {@code format_version} (when present), {@code classes} (a JSON list) and {@code config} (a
     * JSON object). One-line errors name the field.
     */
    static void checkCommon(Map<String, String> meta, String where) {
        String format = meta.get("format");
        if (format != null && !format.equals(FORMAT)) {
            throw new PcnException(where + ": metadata format is '" + InputChecks.quote(format) + "', not '" + FORMAT
                    + "' (not a pcn4j model file)");
        }
        String version = meta.get("format_version");
        if (version != null && !version.equals(FORMAT_VERSION)) {
            throw new PcnException(where + ": metadata format_version is '" + InputChecks.quote(version)
                    + "'; this pcn4j reads version " + FORMAT_VERSION);
        }
        String type = meta.get("model_type");
        if (type != null && !type.equals("mlp") && !type.equals("graph")) {
            throw new PcnException(where + ": metadata model_type is '" + InputChecks.quote(type)
                    + "' (expected mlp or graph)");
        }
        String classes = meta.get("classes");
        if (classes != null) {
            Object o;
            try {
                o = Json.parse(classes);
            } catch (PcnException e) {
                throw new PcnException(where + ": metadata classes is not JSON: " + InputChecks.quote(e.getMessage()));
            }
            if (!(o instanceof List)) {
                throw new PcnException(where + ": metadata classes must be a JSON list of names, not "
                        + InputChecks.quote(classes));
            }
            for (Object n : (List<?>) o) {
                if (n instanceof Map || n instanceof List || n == null) {
                    throw new PcnException(where + ": metadata classes must be a JSON list of names, not "
                            + InputChecks.quote(classes));
                }
            }
        }
        String shape = meta.get("image_shape");
        if (shape != null) { // [features], [rows, cols] or [channels, rows, cols]
            int dims = positiveInts(shape, "image_shape", where).length;
            if (dims < 1 || dims > 4) {
                throw new PcnException(where + ": metadata image_shape must list 1 to 4 sizes, not "
                        + InputChecks.quote(shape));
            }
        }
        String config = meta.get("config");
        if (config != null) {
            try {
                Json.parseObject(config);
            } catch (PcnException e) {
                throw new PcnException(where + ": metadata config is not a JSON object: "
                        + InputChecks.quote(e.getMessage()));
            }
        }
    }

    /** A JSON list of integers 1..{@link #MAX_SIZE}; 64.5 or 4294967360 are refused naming the field. */
    static int[] positiveInts(String json, String field, String where) {
        Object o;
        try {
            o = Json.parse(json);
        } catch (PcnException e) {
            throw new PcnException(where + ": metadata " + field + " is not JSON: " + InputChecks.quote(e.getMessage()));
        }
        if (!(o instanceof List)) {
            throw new PcnException(where + ": metadata " + field + " must be a JSON list of sizes, not "
                    + InputChecks.quote(json));
        }
        List<?> l = (List<?>) o;
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = l.get(i);
            if (!(v instanceof Long) || (Long) v <= 0) {
                throw new PcnException(where + ": metadata " + field + "[" + i + "] is " + InputChecks.quote(Json.write(v))
                        + ", not a positive integer");
            }
            if ((Long) v > MAX_SIZE) {
                throw new PcnException(where + ": metadata " + field + "[" + i + "] is " + v
                        + ", larger than the limit of " + MAX_SIZE + " units");
            }
            out[i] = (int) (long) (Long) v;
        }
        return out;
    }

    /** Refuses a NaN or infinite value in a weight or bias tensor, naming it. */
    static void checkFinite(String where, SafeTensors.Entry e) {
        float[] d = e.data();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new PcnException(where + ": tensor " + e.name() + " holds " + d[i] + " at index " + i
                        + " (a model file must hold finite weights; the model that wrote it diverged?)");
            }
        }
    }

    static InputAffine parseAffine(String json, int features, String where) {
        try {
            List<Object> pair = array(json);
            if (pair.size() != 2) {
                throw new PcnException("not a pair");
            }
            if (pair.get(0) instanceof Number && pair.get(1) instanceof Number) {
                return InputAffine.uniform(features, finite(pair.get(0)), finite(pair.get(1)));
            }
            float[] s = floats(pair.get(0), features);
            float[] o = floats(pair.get(1), features);
            return InputAffine.of(s, o);
        } catch (PcnException | ClassCastException | IllegalArgumentException e) {
            throw new PcnException(where + ": metadata input_affine is not a [scale, offset] pair for " + features
                    + " inputs");
        }
    }

    private static float[] floats(Object o, int n) {
        List<?> l = (List<?>) o;
        if (l.size() != n) {
            throw new PcnException("length");
        }
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = finite(l.get(i));
        }
        return f;
    }

    private static float finite(Object o) {
        float f = ((Number) o).floatValue();
        if (!Float.isFinite(f)) {
            throw new PcnException("not finite");
        }
        return f;
    }

    private static List<Object> array(String json) {
        Object o = Json.parse(json);
        if (!(o instanceof List)) {
            throw new PcnException("not a JSON list");
        }
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) o;
        return l;
    }

    static String require(Map<String, String> meta, String key, String where) {
        String v = meta.get(key);
        if (v == null && key.equals("input_affine")) {
            // Every file pcn4j ever wrote has it; a default of [1, 0] silently fed unnormalized inputs.
            throw new PcnException(where + ": metadata has no 'input_affine' (the [scale, offset] map from raw"
                    + " inputs to the model's; set it to \"[1, 0]\" if the model takes raw values)");
        }
        if (v == null) {
            throw new PcnException(where + ": metadata has no '" + key + "' (not a pcn4j model file?)");
        }
        return v;
    }

    private static void checkShape(String where, SafeTensors.Entry e, int... shape) {
        if (!java.util.Arrays.equals(e.shape(), shape)) {
            throw new PcnException(where + ": tensor " + e.name() + " has shape " + java.util.Arrays.toString(e.shape())
                    + ", the model needs " + java.util.Arrays.toString(shape));
        }
    }
}
