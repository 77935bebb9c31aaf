package org.pcn4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.PcnException;
import org.pcn4j.data.InputAffine;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;

class ModelFileTest {
    @TempDir
    Path tmp;

    private static Mlp mlp(Convention c) {
        Mlp m = new Mlp(new MlpSpec(new int[] {5, 7, 3}, Activation.GELU_TANH, Activation.IDENTITY, c,
                Energy.CROSS_ENTROPY));
        m.initialize("default", 9);
        return m;
    }

    @Test
    void roundTripRebuildsTheModelFromTheFileAlone() {
        for (Convention c : Convention.values()) {
            Mlp m = mlp(c);
            Path f = tmp.resolve("m-" + c + ".safetensors");
            InputAffine affine = InputAffine.of(new float[] {1, 2, 3, 4, 5}, new float[] {0, -1, 0, 1, 0});
            ModelFile.save(f, m, affine, Map.of("classes", "[\"a\",\"b\",\"c\"]"));
            ModelFile.Loaded l = ModelFile.load(f);
            assertEquals(m.spec(), l.mlp().spec());
            for (int i = 0; i < m.depth(); i++) {
                assertArrayEquals(m.layers().get(i).weight().data(), l.mlp().layers().get(i).weight().data());
                assertArrayEquals(m.layers().get(i).bias(), l.mlp().layers().get(i).bias());
            }
            assertEquals(3f, l.affine().scale(2));
            assertEquals(1f, l.affine().offset(3));
            assertEquals(List.of("a", "b", "c"), l.classNames());
        }
        // A uniform map is the contract's plain pair.
        Path f = tmp.resolve("u.safetensors");
        ModelFile.save(f, mlp(Convention.POST), InputAffine.uniform(5, 1f / 255, 0f), null);
        assertEquals("[0.003921568859368563,0.0]", SafeTensors.read(f).metadata().get("input_affine"));
    }

    @Test
    void inconsistentFilesGetOneLineErrors() throws Exception {
        Path good = tmp.resolve("good.safetensors");
        ModelFile.save(good, mlp(Convention.POST), InputAffine.identity(5), null);
        SafeTensors.Contents c = SafeTensors.read(good);

        // A weight of the wrong shape.
        List<SafeTensors.Entry> tensors = new ArrayList<>(c.tensors().values());
        tensors.set(0, SafeTensors.Entry.of("layers.0.weight", 7, 4, new float[28]));
        Path bad = tmp.resolve("shape.safetensors");
        SafeTensors.write(bad, c.metadata(), tensors);
        assertMessage(bad, "layers.0.weight has shape [7, 4]");

        // No layer_sizes.
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.remove("layer_sizes");
        Path noSizes = tmp.resolve("nosizes.safetensors");
        SafeTensors.write(noSizes, meta, new ArrayList<>(c.tensors().values()));
        assertMessage(noSizes, "layer_sizes");

        // A missing tensor.
        Path missing = tmp.resolve("missing.safetensors");
        SafeTensors.write(missing, c.metadata(), new ArrayList<>(c.tensors().values()).subList(0, 2));
        assertMessage(missing, "layers.1.weight");

        // Truncated bytes.
        byte[] bytes = Files.readAllBytes(good);
        Path cut = tmp.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertMessage(cut, "cut.safetensors");
    }

    private static void assertMessage(Path f, String needle) {
        PcnException e = assertThrows(PcnException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains(needle), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }
}
