package org.pcn4j.fit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.io.ModelFile;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.PcRule;
import org.pcn4j.train.TrainConfig;

/** The example of docs/training.md (between the markers, as printed there but for the output path in a temp folder). */
class FitExampleTest {
    @TempDir
    Path tmp;

    @Test
    void docsExampleTrainsKeepsTheBestEpochAndSavesIt() {
        Path out = tmp.resolve("model.safetensors");
        // --- docs/training.md example start
        DatasetSplits data = Datasets.load("digits", null);
        Mlp mlp = Mlp.builder().sizes(64, 128, 10).activation(Activation.GELU).init("default", 1).build();
        TrainConfig train = TrainConfig.builder()
                .rule(new PcRule())
                .inference(InferenceConfig.builder().steps(8).lr(0.1).momentum(0.5).build())
                .optimizer(OptimizerConfig.adamw(0))
                .schedule(Schedule.constant(1e-3))
                .build();
        FitConfig fit = FitConfig.builder().epochs(3).batchSize(64).validation(0.1)
                .keep(FitConfig.Keep.BEST).build();
        FitResult result = Fit.fit(mlp, train, data, fit, new FitListener() {
            @Override
            public void onEpoch(EpochReport r) {
                System.out.println(r.metrics().get("epoch") + ": validation " + r.metrics().get("validation_accuracy"));
            }

            @Override
            public void onDivergence(DivergenceEvent e) {
                System.err.println(e.describe());
            }
        });
        // mlp now holds the best epoch's weights (result.keptEpoch())
        ModelFile.save(out, mlp, data.withValidation(0.1, 1).inputAffine(), Map.of());
        // --- docs/training.md example end
        assertTrue(result.keptEpoch() >= 1);
        double acc = (double) result.history().get(result.keptEpoch() - 1).get("validation_accuracy");
        assertTrue(acc > 0.8, "validation accuracy " + acc);
        assertTrue(ModelFile.loadModel(out).model() instanceof Mlp);
    }
}
