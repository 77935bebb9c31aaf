package org.pcn4j.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.kernel.Backends;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;

/** A run resumed from any of its checkpoints (read back from disk) ends with the same weights, bit for bit. */
class ResumeTest {
    @TempDir
    Path tmp;

    @Test
    void resumingFromEveryCheckpointEndsBitIdentical() {
        resumesBitIdentical(0.1);
    }

    /** After rollbacks for inference rises the state rate has its own factor, which a checkpoint keeps. */
    @Test
    void theStateRatesOwnFactorSurvivesAResume() {
        FitResult full = resumesBitIdentical(2.4);
        assertTrue(!full.events().isEmpty() && full.events().get(0).stateRateScale() < full.events().get(0).rateScale(),
                full.events().toString());
    }

    /** Backtracking inference's lowered rate is part of the run's state: a checkpoint keeps it too. */
    @Test
    void aBacktrackingRunResumesBitIdentical() {
        FitResult full = resumesBitIdentical(2.4, true);
        assertTrue(full.events().isEmpty(), full.events().toString());
        long undone = full.history().stream().mapToLong(m -> ((Number) m.get("state_backtracks")).longValue()).sum();
        assertTrue(undone > 0, "the rate 2.4 overshoots: " + full.history());
    }

    /** Preconditioned inference's curvature estimate (and its age) is part of the run's state too. */
    @Test
    void aPreconditionedRunResumesBitIdentical() {
        resumesBitIdentical(0.3, false, true);
    }

    private FitResult resumesBitIdentical(double stateLr) {
        return resumesBitIdentical(stateLr, false);
    }

    private FitResult resumesBitIdentical(double stateLr, boolean backtrack) {
        return resumesBitIdentical(stateLr, backtrack, false);
    }

    private FitResult resumesBitIdentical(double stateLr, boolean backtrack, boolean precondition) {
        int threads = Backends.threads();
        Backends.setThreads(1);
        try {
            DatasetSplits data = FitTest.digits();
            // warmup-cosine: the schedule must continue at the right update, not restart.
            TrainConfig tc = TrainConfig.builder().algorithm(Algorithm.PC)
                    .inference(InferenceConfig.builder().steps(4).lr(stateLr).momentum(0.5).backtrack(backtrack)
                            .precondition(precondition).build())
                    .optimizer(OptimizerConfig.adamw(0.01)).schedule(Schedule.warmupCosine(1e-2, 5, 39, 0)).build();
            FitConfig fc = FitConfig.builder().epochs(3).batchSize(32).checkpointEvery(5).validation(0.1)
                    .keep(FitConfig.Keep.BEST).build();
            List<Path> files = new ArrayList<>();
            FitListener writer = new FitListener() {
                @Override
                public void onCheckpoint(Checkpoint c) {
                    Path f = tmp.resolve("ck" + files.size() + ".safetensors");
                    c.write(f);
                    files.add(f);
                }
            };
            Mlp a = FitTest.mlp(4);
            FitResult full = Fit.prepare(a, data, data.inputAffine(), fc).run(tc, List.of(writer));
            float[] expected = FitTest.weights(full.trainer());
            assertTrue(files.size() >= 8, "checkpoints: " + files.size());
            for (int i : new int[] {0, 1, 2, files.size() / 2, files.size() - 2}) {
                Checkpoint c = Checkpoint.read(files.get(i));
                Mlp b = FitTest.mlp(99); // different init: everything must come from the checkpoint
                FitResult r = Fit.prepare(b, data, data.inputAffine(), fc).run(tc, List.of(), c);
                assertArrayEquals(expected, FitTest.weights(r.trainer()), "resumed from checkpoint " + i);
                assertEquals(full.keptEpoch(), r.keptEpoch());
                assertEquals(full.history().size(), r.history().size());
                for (int e = 0; e < full.history().size(); e++) {
                    assertEquals(full.history().get(e).get("train_loss"), r.history().get(e).get("train_loss"));
                    assertEquals(full.history().get(e).get("validation_accuracy"),
                            r.history().get(e).get("validation_accuracy"));
                    assertEquals(full.history().get(e).get("state_backtracks"), r.history().get(e).get("state_backtracks"));
                }
            }
            return full;
        } finally {
            Backends.setThreads(threads);
        }
    }
}
