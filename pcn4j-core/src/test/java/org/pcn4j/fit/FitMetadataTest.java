package org.pcn4j.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.io.ModelFile;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.util.Json;

class FitMetadataTest {
    @TempDir
    Path tmp;

    @Test
    void newFilesUseCoreNamesAndReadBack() {
        TrainConfig tc = TrainConfig.builder().algorithm(Algorithm.IPC)
                .inference(InferenceConfig.builder().steps(6).optimizer(OptimizerConfig.Kind.ADAM).lr(0.05).momentum(0.2).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-3)).build();
        Map<String, Object> d = FitMetadata.describe(tc, FitConfig.builder().epochs(3).build(), Map.of("dataset", "digits"));
        assertEquals("ipc", d.get("algorithm"));
        assertEquals(Map.of("steps", 6L, "optimizer", "adam", "lr", 0.05, "momentum", 0.2, "energy_tolerance", 0.0),
                Json.parseObject(Json.write(d)).get("inference"));
        Path f = tmp.resolve("m.safetensors");
        ModelFile.save(f, FitTest.mlp(1), FitTest.digits().inputAffine(), Map.of("config", Json.write(d)));
        FitMetadata.Inference i = FitMetadata.inference(ModelFile.loadModel(f).metadata());
        assertEquals(new FitMetadata.Inference(6, "adam", 0.05, 0.2), i);
    }

    /** A model file written before core names: the config is the train command's flat flags. */
    @Test
    void oldFlatFlagFilesStillRead() {
        Path f = tmp.resolve("old.safetensors");
        Mlp m = FitTest.mlp(1);
        String old = "{\"dataset\":\"digits\",\"algorithm\":\"pc\",\"inference-steps\":8,\"state-optimizer\":\"sgd\","
                + "\"state-lr\":0.07,\"state-momentum\":0.5,\"energy-tolerance\":0.0,\"batch-size\":64}";
        ModelFile.save(f, m, FitTest.digits().inputAffine(), Map.of("config", old, "algorithm", "pc"));
        ModelFile.LoadedModel loaded = ModelFile.loadModel(f);
        assertEquals(new FitMetadata.Inference(8, "sgd", 0.07, 0.5), FitMetadata.inference(loaded.metadata()));
        assertEquals(new FitMetadata.Inference(null, null, null, null), FitMetadata.inference(Map.of()));
        assertNull(FitMetadata.inference(Map.of("config", "not json")).lr());
    }
}
