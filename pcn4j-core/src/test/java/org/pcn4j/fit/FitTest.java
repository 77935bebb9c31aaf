package org.pcn4j.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pcn4j.PcnException;
import org.pcn4j.data.Batches;
import org.pcn4j.data.Dataset;
import org.pcn4j.data.DatasetSplits;
import org.pcn4j.data.Datasets;
import org.pcn4j.data.Normalization;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Mlp;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Param;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Algorithm;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;

class FitTest {
    /** 400 training and 200 test digits: a second per run. */
    static DatasetSplits digits() {
        DatasetSplits all = Datasets.load("digits", null);
        Dataset train = all.train().range("train", 0, 400);
        Dataset test = all.test().range("test", 0, 200);
        return new DatasetSplits("digits", "test fixture", train, test, null, Normalization.SYMMETRIC);
    }

    static Mlp mlp(long seed) {
        return Mlp.builder().sizes(64, 32, 10).activation(Activation.TANH).init("default", seed).build();
    }

    static TrainConfig pc(double stateLr, double lr) {
        return TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(4).lr(stateLr).momentum(0).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(lr)).build();
    }

    static float[] weights(Trainer t) {
        List<Param> ps = t.weightParams();
        int n = 0;
        for (Param p : ps) {
            n += p.length();
        }
        float[] all = new float[n];
        int o = 0;
        for (Param p : ps) {
            System.arraycopy(p.value(), 0, all, o, p.length());
            o += p.length();
        }
        return all;
    }

    /** The loop trains exactly as a hand-written epoch loop over the same batches does. */
    @Test
    void fitEqualsAHandWrittenLoop() {
        DatasetSplits data = digits();
        Mlp a = mlp(3);
        FitResult r = Fit.fit(a, pc(0.1, 1e-2), data, FitConfig.builder().epochs(2).batchSize(32).seed(5).build());
        Mlp b = mlp(3);
        Trainer t = new Trainer(b.network(), b.input(), b.output(), pc(0.1, 1e-2));
        Batches batches = new Batches(data.train(), data.inputAffine(), 32, true, 5);
        for (int e = 0; e < 2; e++) {
            batches.startEpoch(e);
            while (batches.next()) {
                t.step(batches.x(), batches.oneHot(), batches.size());
            }
        }
        assertArrayEquals(weights(t), weights(r.trainer()));
        assertEquals(2, r.history().size());
        assertEquals(2, r.keptEpoch());
        assertTrue(r.events().isEmpty());
        Map<String, Object> last = r.last();
        assertEquals(List.of("epoch", "train_loss", "train_energy", "train_accuracy", "test_accuracy", "epoch_seconds",
                "samples_per_second", "updates", "lr", "inference_energy"), List.copyOf(last.keySet()));
        assertEquals(26L, last.get("updates"));
        assertTrue((double) last.get("test_accuracy") > 0.5, "test accuracy " + last.get("test_accuracy"));
    }

    /** Blows the weights up at the start of an epoch, as a bad rate would. */
    static final class Sabotage implements FitListener {
        final int atEpoch;
        final float factor;
        Trainer trainer;
        final List<float[]> epochWeights = new ArrayList<>();

        Sabotage(int atEpoch) {
            this(atEpoch, 1e4f);
        }

        Sabotage(int atEpoch, float factor) {
            this.atEpoch = atEpoch;
            this.factor = factor;
        }

        @Override
        public void onStart(Start s) {
            trainer = s.trainer();
        }

        @Override
        public void onEpochStart(int epoch, int epochs, int batches) {
            if (epoch == atEpoch) {
                Param w = trainer.weightParams().get(trainer.weightParams().size() - 2); // the output layer: no tanh to saturate
                for (int i = 0; i < w.length(); i++) {
                    w.value()[i] *= factor;
                }
                org.pcn4j.fit.Snapshot.invalidate(trainer.network());
            }
        }

        @Override
        public void onEpoch(EpochReport r) {
            epochWeights.add(weights(trainer));
        }
    }

    @Test
    void anExplosionIsRolledBackAndTrainingGoesOn() {
        Mlp m = mlp(1);
        Sabotage s = new Sabotage(2);
        List<DivergenceEvent> heard = new ArrayList<>();
        FitListener ear = new FitListener() {
            @Override
            public void onDivergence(DivergenceEvent e) {
                heard.add(e);
            }
        };
        FitResult r = Fit.fit(m, pc(0.1, 1e-2), digits(), FitConfig.builder().epochs(3).batchSize(32).build(), s, ear);
        assertEquals(1, r.events().size(), r.events().toString());
        assertEquals(heard, r.events());
        DivergenceEvent e = r.events().get(0);
        assertEquals(2, e.epoch());
        assertEquals(1, e.batch());
        assertEquals("rollback", e.action());
        assertEquals(0.5, e.rateScale());
        assertEquals("divergence", e.toMetrics().get("event"));
        assertFalse(r.diverged());
        assertEquals(3, r.keptEpoch());
        assertEquals(3, r.history().size());
        // The rolled-back run keeps learning at half the rates.
        assertEquals(0.5e-2, (double) r.last().get("lr"), 1e-15);
        double acc = (double) r.last().get("test_accuracy");
        assertTrue(acc > 0.5, "test accuracy after recovery: " + acc);
        assertEquals(r.history().get(0).get("updates"), 13L);
        assertEquals(13L + 12 + 13, r.last().get("updates"), "the diverged batch's update is undone");
    }

    /**
     * An energy that rises during inference says the state steps overshoot for these weights: the
     * rollback lowers the state rate and leaves the weight rate (and its schedule) alone.
     */
    @Test
    void anInferenceRiseLowersTheStateRateAlone() {
        FitResult r = Fit.fit(mlp(1), pc(2.4, 1e-2), digits(), FitConfig.builder().epochs(2).batchSize(32).build());
        assertFalse(r.diverged(), r.events().toString());
        assertFalse(r.events().isEmpty(), "a state rate of 2.4 overshoots");
        double state = 1;
        for (DivergenceEvent e : r.events()) {
            assertTrue(e.reason().startsWith("energy rose during inference"), e.describe());
            assertEquals("rollback", e.action());
            state *= 0.5;
            assertEquals(1.0, e.rateScale(), e.describe());
            assertEquals(state, e.stateRateScale(), e.describe());
            assertEquals(state, (double) e.toMetrics().get("state_rate_scale"));
            assertTrue(e.describe().endsWith(String.format(java.util.Locale.ROOT,
                    "(state rate now x%.4g, weight rate x%.4g)", state, 1.0)), e.describe());
        }
        assertEquals(1e-2, (double) r.last().get("lr"), 1e-15, "the weight rate is untouched");
        assertTrue((double) r.last().get("test_accuracy") > 0.5, r.last().toString());
    }

    /** With backtracking inference the same overshooting state rate trains without an event. */
    @Test
    void backtrackingInferenceNeverRisesSoTheGuardStaysQuiet() {
        TrainConfig tc = TrainConfig.builder().algorithm(Algorithm.PC)
                .inference(InferenceConfig.builder().steps(4).lr(2.4).momentum(0).backtrack(true).build())
                .optimizer(OptimizerConfig.adamw(0)).schedule(Schedule.constant(1e-2)).build();
        FitResult r = Fit.fit(mlp(1), tc, digits(), FitConfig.builder().epochs(2).batchSize(32).build());
        assertTrue(r.events().isEmpty(), r.events().toString());
        assertTrue((double) r.last().get("test_accuracy") > 0.5, r.last().toString());
    }

    @Test
    void stopKeepsTheLastGoodEpochInTheNetwork() {
        Mlp m = mlp(1);
        Sabotage s = new Sabotage(2);
        FitResult r = Fit.fit(m, pc(0.1, 1e-2), digits(), FitConfig.builder().epochs(3).batchSize(32)
                .onDivergence(FitConfig.OnDivergence.STOP).build(), s);
        assertTrue(r.diverged());
        assertEquals(1, r.keptEpoch());
        assertEquals(1, r.history().size());
        assertEquals("stop", r.events().get(0).action());
        assertNotNull(r.stopReason());
        assertArrayEquals(s.epochWeights.get(0), weights(r.trainer()));
    }

    @Test
    void ignoreRecordsTheEventAndKeepsNoDivergedEpoch() {
        Mlp m = mlp(1);
        Sabotage s = new Sabotage(2, 100f);
        List<EpochReport> reports = new ArrayList<>();
        FitListener ear = new FitListener() {
            @Override
            public void onEpoch(EpochReport r) {
                reports.add(r);
            }
        };
        FitResult r = Fit.fit(m, pc(0.1, 1e-2), digits(), FitConfig.builder().epochs(2).batchSize(32)
                .onDivergence(FitConfig.OnDivergence.IGNORE).build(), s, ear);
        assertEquals("ignore", r.events().get(0).action());
        assertTrue(reports.get(0).kept());
        assertFalse(reports.get(1).clean());
        assertFalse(reports.get(1).kept());
        assertEquals(1, r.keptEpoch());
        assertArrayEquals(s.epochWeights.get(0), weights(r.trainer()));
    }

    @Test
    void keepBestLeavesTheBestValidationEpochInTheNetwork() {
        Mlp m = mlp(2);
        Sabotage s = new Sabotage(-1);
        FitResult r = Fit.fit(m, pc(0.1, 3e-3), digits(), FitConfig.builder().epochs(4).batchSize(32).validation(0.25)
                .keep(FitConfig.Keep.BEST).build(), s);
        int best = 0;
        for (int i = 0; i < r.history().size(); i++) {
            if ((double) r.history().get(i).get("validation_accuracy")
                    > (double) r.history().get(best).get("validation_accuracy")) {
                best = i;
            }
        }
        assertEquals(best + 1, r.keptEpoch());
        assertArrayEquals(s.epochWeights.get(best), weights(r.trainer()));
        assertEquals(300, Fit.prepare(m, digits(), digits().inputAffine(), FitConfig.builder().validation(0.25).build())
                .data().train().size());
    }

    /** A shift of every output that no single batch shows as a jump, but that doubles the epoch's mean loss. */
    @Test
    void aSlowlyDivergingEpochIsRolledBackAndDiscarded() {
        Mlp m = mlp(1);
        List<float[]> atStart = new ArrayList<>();
        FitListener shift = new FitListener() {
            Trainer trainer;

            @Override
            public void onStart(Start s) {
                trainer = s.trainer();
            }

            @Override
            public void onEpochStart(int epoch, int epochs, int batches) {
                if (epoch == 3) {
                    atStart.add(weights(trainer));
                    Param bias = trainer.weightParams().get(trainer.weightParams().size() - 1);
                    for (int i = 0; i < bias.length(); i++) {
                        bias.value()[i] += 0.6f;
                    }
                    Snapshot.invalidate(trainer.network());
                }
            }
        };
        FitResult r = Fit.fit(m, pc(0.1, 1e-4), digits(), FitConfig.builder().epochs(3).batchSize(32).build(), shift);
        assertEquals(1, r.events().size(), r.events().toString());
        DivergenceEvent e = r.events().get(0);
        assertEquals(3, e.epoch());
        assertEquals("(all)", e.node());
        assertEquals("rollback", e.action());
        assertTrue(e.reason().startsWith("epoch mean loss above 2x"), e.reason());
        assertEquals(2, r.history().size(), "the diverged epoch is not reported as trained");
        assertEquals(2, r.keptEpoch());
        assertArrayEquals(atStart.get(0), weights(r.trainer()), "back where epoch 3 began");
    }

    @Test
    void configValuesAreRangeChecked() {
        assertThrows(PcnException.class, () -> FitConfig.builder().epochs(-1));
        assertThrows(PcnException.class, () -> FitConfig.builder().epochs(FitConfig.MAX_EPOCHS + 1));
        assertThrows(PcnException.class, () -> FitConfig.builder().batchSize(0));
        assertThrows(PcnException.class, () -> FitConfig.builder().evalInferenceSteps(-1));
        assertThrows(PcnException.class, () -> FitConfig.builder().validation(1));
        assertThrows(PcnException.class, () -> FitConfig.builder().validation(Double.NaN));
        assertThrows(PcnException.class, () -> FitConfig.builder().keep(null));
        PcnException e = assertThrows(PcnException.class, () -> FitConfig.builder().keep(FitConfig.Keep.BEST).build());
        assertTrue(e.getMessage().contains("validation"), e.getMessage());
        assertEquals(FitConfig.OnDivergence.STOP, FitConfig.OnDivergence.parse("Stop"));
        assertThrows(PcnException.class, () -> FitConfig.OnDivergence.parse("retry"));
    }

    @Test
    void anEmptyTrainingSplitIsAnError() {
        DatasetSplits d = digits();
        DatasetSplits empty = new DatasetSplits("empty", "test", d.train().range("none", 0, 0), d.test(), null,
                Normalization.SYMMETRIC);
        PcnException e = assertThrows(PcnException.class,
                () -> Fit.fit(mlp(1), pc(0.1, 1e-2), empty, FitConfig.builder().epochs(1).build()));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
}
