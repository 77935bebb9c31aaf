package org.pcn4j.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;
import org.pcn4j.fit.FitConfig;
import org.pcn4j.model.Edge;
import org.pcn4j.model.Parameter;

/**
 * Storing a {@link PcMemory} the way {@code pcn4j train} trains a model: a seeded part of the
 * images held out (not stored) as a validation set, the model kept at the end either the last
 * epoch's or the one with the lowest mean validation energy ({@link PcMemory#energy}), and a
 * divergence (a non-finite energy or weight) stopping the storing with the last good weights in
 * the memory instead of throwing with diverged ones.
 *
 * <p>Evaluating runs the memory's recall inference (1000 steps by default) on every held-out
 * image, which takes about as long as 60 storing epochs of the same number of images (measured on
 * digits): it runs every {@link Settings#evalEvery} epochs and after the last, not every epoch. Evaluating never
 * changes what is stored: storing the same images with or without held-out ones beside them gives
 * the same weights (the test checks it bit for bit).
 */
public final class MemoryStore {
    private MemoryStore() {}

    /**
     * How to hold out, what to keep and how often to evaluate.
     *
     * @param validation fraction of the images held out, in [0, 1); 0: none
     * @param keep       {@code LAST} (the last good epoch) or {@code BEST} (lowest validation energy; needs validation)
     * @param evalEvery  evaluate the held-out images every this many epochs (and after the last), >= 1
     */
    public record Settings(double validation, FitConfig.Keep keep, int evalEvery) {
        public static final int DEFAULT_EVAL_EVERY = 50;

        public Settings {
            if (!(validation >= 0 && validation < 1)) {
                throw new PcnException("memory validation fraction must be in [0, 1), got " + validation);
            }
            if (keep == null) {
                throw new PcnException("memory keep must be last or best");
            }
            if (evalEvery < 1) {
                throw new PcnException("memory eval-every must be >= 1, got " + evalEvery);
            }
            if (keep == FitConfig.Keep.BEST && validation == 0) {
                throw new PcnException("keep best selects on the held-out images: give a validation fraction > 0");
            }
        }

        /** No hold-out, keep the last epoch, evaluate every {@value #DEFAULT_EVAL_EVERY} epochs. */
        public static Settings defaults() {
            return new Settings(0, FitConfig.Keep.LAST, DEFAULT_EVAL_EVERY);
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Settings}, starting from {@link #defaults()}. */
        public static final class Builder {
            private double validation;
            private FitConfig.Keep keep = FitConfig.Keep.LAST;
            private int evalEvery = DEFAULT_EVAL_EVERY;

            private Builder() {}

            public Builder validation(double v) {
                validation = v;
                return this;
            }

            public Builder keep(FitConfig.Keep v) {
                keep = v;
                return this;
            }

            public Builder evalEvery(int v) {
                evalEvery = v;
                return this;
            }

            public Settings build() {
                return new Settings(validation, keep, evalEvery);
            }
        }
    }

    /** Which of the {@code count} images are stored and which held out: indices, ascending. */
    public record Split(int[] stored, int[] heldOut) {
        public Split {
            stored = stored.clone();
            heldOut = heldOut.clone();
        }

        @Override
        public int[] stored() {
            return stored.clone();
        }

        @Override
        public int[] heldOut() {
            return heldOut.clone();
        }
    }

    /**
     * The seeded split of {@code count} images: round(count x fraction) held out, drawn by a
     * permutation from {@code seed} (the memory's seed), as {@code DatasetSplits.withValidation}
     * draws train's validation split.
     */
    public static Split split(int count, double fraction, long seed) {
        if (fraction == 0) {
            int[] all = new int[count];
            Arrays.setAll(all, i -> i);
            return new Split(all, new int[0]);
        }
        int nv = (int) Math.round(count * fraction);
        if (nv < 1 || nv >= count) {
            throw new PcnException("memory: a validation fraction of " + fraction + " of " + count
                    + " images leaves nothing to " + (nv < 1 ? "validate on" : "store"));
        }
        int[] perm = new int[count];
        Arrays.setAll(perm, i -> i);
        // Its own stream (not the storing one), so the split does not shift the latents' draws.
        SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] val = Arrays.copyOf(perm, nv);
        int[] rest = Arrays.copyOfRange(perm, nv, count);
        Arrays.sort(val);
        Arrays.sort(rest);
        return new Split(rest, val);
    }

    /** One evaluation: the mean validation energy per held-out image after {@code epoch} epochs. */
    public record Evaluation(int epoch, double energy) {}

    /** Told after every epoch; {@code validationEnergy} is NaN on epochs without an evaluation. */
    public interface Listener {
        void epoch(int epoch, double energy, double validationEnergy);
    }

    /**
     * What storing did. {@code keptEpoch}: the epoch whose weights the memory now holds (0: the
     * initial ones); {@code lastEnergy}: the last good epoch's mean storing energy per image (NaN
     * if none); {@code keptValidationEnergy}: the kept weights' validation energy (NaN if not
     * evaluated); {@code stopReason}: null, or why storing stopped early (a divergence).
     */
    public record Result(Split split, int epochsRun, int keptEpoch, double lastEnergy, double keptValidationEnergy,
                         List<Evaluation> evaluations, String stopReason, Settings settings) {
        public Result {
            evaluations = List.copyOf(evaluations);
        }

        public boolean stopped() {
            return stopReason != null;
        }

        /** The model file's {@code store} metadata (JSON-ready): the hold-out, the keep policy, the evaluations. */
        public Map<String, Object> metadata() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("validation", settings.validation());
            m.put("keep", settings.keep().id());
            m.put("eval_every", settings.evalEvery());
            m.put("stored", split.stored.length);
            List<Object> held = new ArrayList<>();
            for (int i : split.heldOut) {
                held.add(i);
            }
            m.put("held_out", held);
            m.put("epochs_run", epochsRun);
            m.put("kept_epoch", keptEpoch);
            m.put("kept_validation_energy", finiteOrNull(keptValidationEnergy));
            List<Object> ev = new ArrayList<>();
            for (Evaluation e : evaluations) {
                ev.add(List.of(e.epoch(), finiteOrString(e.energy())));
            }
            m.put("evaluations", ev);
            if (stopReason != null) {
                m.put("stopped", stopReason);
            }
            return m;
        }
    }

    /**
     * Stores the images of {@code split().stored} ({@code count} x imageSize, as for
     * {@link PcMemory#store}) and evaluates on the held-out ones; at the end {@code memory} holds
     * the kept weights (never diverged ones). A divergence stops storing without throwing: see
     * {@link Result#stopReason}.
     */
    public static Result store(PcMemory memory, float[] images, int count, Settings settings, Listener listener) {
        int d = memory.imageSize();
        if (count < 1 || images.length < (long) count * d) {
            throw new PcnException("memory: need " + count + " images of " + d + " pixels");
        }
        Split split = split(count, settings.validation(), memory.config().seed());
        float[] stored = gather(images, split.stored, d);
        float[] held = gather(images, split.heldOut, d);
        int nv = split.heldOut.length;
        int epochs = memory.config().epochs();
        List<Evaluation> evals = new ArrayList<>();
        List<Edge> edges = memory.graph().network().edges();
        Weights lastGood = new Weights(edges, 0);
        Weights[] best = {null};
        double[] bestEnergy = {Double.POSITIVE_INFINITY};
        double[] lastEnergy = {Double.NaN};
        int[] run = {0};
        String[] stop = {null};
        memory.storeLoop(stored, stored.length / d, (epoch, energy, node) -> {
            run[0] = epoch;
            if (!Double.isFinite(energy)) {
                stop[0] = "storing diverged at epoch " + epoch + " (" + nonFinite(energy, node) + ")";
                return false;
            }
            if (!lastGood.liveFinite()) {
                stop[0] = "storing diverged at epoch " + epoch + " (a weight is not finite)";
                return false;
            }
            double ve = Double.NaN;
            if (nv > 0 && (epoch % settings.evalEvery() == 0 || epoch == epochs)) {
                ve = validationEnergy(memory, held, nv);
                evals.add(new Evaluation(epoch, ve));
                if (!Double.isFinite(ve)) {
                    stop[0] = "storing diverged at epoch " + epoch + " (validation energy " + ve + ")";
                    return false;
                }
            }
            lastGood.take(epoch);
            lastEnergy[0] = energy;
            if (ve < bestEnergy[0]) {
                bestEnergy[0] = ve;
                if (best[0] == null) {
                    best[0] = new Weights(edges, epoch);
                } else {
                    best[0].take(epoch);
                }
            }
            if (listener != null) {
                listener.epoch(epoch, energy, ve);
            }
            return true;
        });
        if (stop[0] != null) {
            lastGood.restore();
        }
        int kept = lastGood.epoch;
        double keptVe = Double.NaN;
        if (nv > 0) {
            keptVe = evaluated(evals, kept);
            if (Double.isNaN(keptVe)) {
                // Storing stopped between evaluations (or ran no epoch): evaluate the last good
                // weights, so that keep best compares them with the evaluated ones.
                keptVe = validationEnergy(memory, held, nv);
                evals.add(new Evaluation(kept, keptVe));
            }
            if (settings.keep() == FitConfig.Keep.BEST && best[0] != null && bestEnergy[0] < keptVe) {
                best[0].restore();
                kept = best[0].epoch;
                keptVe = bestEnergy[0];
            }
        }
        return new Result(split, run[0], kept, lastEnergy[0], keptVe, evals, stop[0], settings);
    }

    /** {@link PcMemory#energy}, NaN where its inference diverged. */
    private static double validationEnergy(PcMemory memory, float[] held, int nv) {
        try {
            return memory.energy(held, nv);
        } catch (org.pcn4j.model.DivergenceException e) {
            return Double.NaN;
        }
    }

    /** The energy recorded for {@code epoch}'s weights, or NaN. */
    private static double evaluated(List<Evaluation> evals, int epoch) {
        for (Evaluation e : evals) {
            if (e.epoch() == epoch && Double.isFinite(e.energy())) {
                return e.energy();
            }
        }
        return Double.NaN;
    }

    /** "energy NaN", or "non-finite energy at node 'h1'" when inference named the node. */
    static String nonFinite(double energy, String node) {
        return node != null ? "non-finite energy at node '" + node + "'" : "energy " + energy;
    }

    private static float[] gather(float[] images, int[] idx, int d) {
        float[] out = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(images, idx[i] * d, out, i * d, d);
        }
        return out;
    }

    private static Object finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Object finiteOrString(double v) {
        return Double.isFinite(v) ? (Object) v : String.valueOf(v);
    }

    /**
     * A copy of the memory's weights (the parameters of its edges, the arrays the trainer steps)
     * and the epoch they are from: the last good point and the best one. Restoring copies them
     * back and tells every edge (edges cache products per weight version).
     */
    private static final class Weights {
        final List<Edge> edges;
        final List<float[]> live = new ArrayList<>();
        final List<float[]> copy = new ArrayList<>();
        int epoch;

        /** The current weights, as epoch {@code e}. */
        Weights(List<Edge> edges, int e) {
            this.edges = edges;
            for (Edge edge : edges) {
                for (Parameter p : edge.parameters()) {
                    live.add(p.value());
                    copy.add(p.value().clone());
                }
            }
            epoch = e;
        }

        void take(int e) {
            for (int i = 0; i < live.size(); i++) {
                System.arraycopy(live.get(i), 0, copy.get(i), 0, copy.get(i).length);
            }
            epoch = e;
        }

        void restore() {
            for (int i = 0; i < live.size(); i++) {
                System.arraycopy(copy.get(i), 0, live.get(i), 0, copy.get(i).length);
            }
            for (Edge e : edges) {
                e.weightsChanged();
            }
        }

        boolean liveFinite() {
            for (float[] v : live) {
                for (float x : v) {
                    if (!Float.isFinite(x)) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
