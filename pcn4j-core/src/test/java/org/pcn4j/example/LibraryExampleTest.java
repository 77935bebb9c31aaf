package org.pcn4j.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.Batches;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.io.ModelFile;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Energy;
import org.pcn4j.model.Mlp;
import org.pcn4j.model.MlpSpec;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

/** The README's library example, on the embedded digits instead of MNIST: it must compile and learn. */
class LibraryExampleTest {
    @TempDir
    Path tmp;

    @Test
    void readmeExampleTrainsAndSaves() {
        Mlp mlp = Mlp.builder().sizes(64, 128, 10).activation(Activation.GELU).init("default", 42).build();
        assertEquals(new MlpSpec(new int[] {64, 128, 10}, Activation.GELU, Activation.IDENTITY, Convention.POST,
                Energy.GAUSSIAN), mlp.spec());
        TrainConfig cfg = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(8).lr(0.03).momentum(0.1).build())
                .optimizer(OptimizerConfig.adamw(1e-4)).schedule(Schedule.constant(1e-3)).build();
        Trainer trainer = new Trainer(mlp.network(), mlp.input(), mlp.output(), cfg);

        DatasetSplits data = Datasets.load("digits", null);
        Batches batches = data.batches(data.train(), 128, true, 1);
        for (int epoch = 0; epoch < 5; epoch++) {
            batches.startEpoch(epoch);
            while (batches.next()) {
                trainer.step(batches.x(), batches.oneHot(), batches.size());
            }
        }
        Batches test = data.batches(data.test(), 1000, false, 0);
        test.next();
        int[] predicted = trainer.predict(test.x(), test.size(), 0);
        int correct = 0;
        for (int i = 0; i < test.size(); i++) {
            correct += predicted[i] == test.labels()[i] ? 1 : 0;
        }
        assertTrue(correct > 0.8 * test.size(), "accuracy " + correct + "/" + test.size());
        Path file = tmp.resolve("model.safetensors");
        ModelFile.save(file, mlp, data.inputAffine(), Map.of());
        assertEquals(mlp.spec(), ModelFile.load(file).mlp().spec());
    }
}
