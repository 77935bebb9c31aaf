package org.pcn4j.memory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;
import org.pcn4j.ProgressListener;
import org.pcn4j.data.InputAffine;
import org.pcn4j.graph.Graph;
import org.pcn4j.graph.GraphSpec;
import org.pcn4j.io.GraphModelFile;
import org.pcn4j.kernel.Activation;
import org.pcn4j.model.Convention;
import org.pcn4j.model.Node;
import org.pcn4j.optim.OptimizerConfig;
import org.pcn4j.optim.Schedule;
import org.pcn4j.train.Inference;
import org.pcn4j.train.InferenceConfig;
import org.pcn4j.train.TrainConfig;
import org.pcn4j.train.Trainer;
import org.pcn4j.util.Json;

/**
 * An associative memory made of a generative PC network (Salvatori et al. 2021, "Associative
 * memories via predictive coding"): {@code latent -> h_K -> ... -> h_1 -> image}, pre convention.
 * Storing trains the weights by standard PC with the image clamped and everything above it free;
 * recalling clamps what is known of an image (some pixels, or a noisy image) and lets inference
 * fill in the rest. The memory keeps only its weights: nothing of the stored images survives
 * {@link #store} except what the weights learned.
 *
 * <p>Storing keeps each image's latent state from one epoch to the next (a warm start, which is
 * the same energy descent spread over epochs): inference then needs few steps per epoch. Those
 * states are a training buffer and are not part of the model; recall starts the latent at zero.
 *
 * <p>Over 400 lines: the memory's config (with its builder), its recall setting, storing, recall
 * and its model-file metadata are one feature and are read together.
 */
public final class PcMemory {
    public static final String LATENT = "latent";
    public static final String IMAGE = "image";

    /**
     * How a memory is built and stored.
     *
     * @param latent         size of the top (latent) node
     * @param hidden         hidden sizes from the latent down to the image (may be empty)
     * @param activation     f applied to every node's state on its outgoing edge
     * @param epochs         passes over the stored images
     * @param inferenceSteps state steps per batch while storing
     * @param stateLr        state learning rate while storing (SGD with momentum)
     * @param stateMomentum  state momentum while storing
     * @param lr             weight learning rate (Adam)
     * @param batch          images per weight update while storing, and per recall batch
     * @param seed           weights and initial latents
     */
    public record Config(int latent, int[] hidden, Activation activation, int epochs, int inferenceSteps,
                         double stateLr, double stateMomentum, double lr, int batch, long seed) {
        public Config {
            if (latent <= 0) {
                throw new PcnException("memory latent size must be positive, got " + latent);
            }
            hidden = hidden.clone();
            for (int h : hidden) {
                if (h <= 0) {
                    throw new PcnException("memory hidden sizes must be positive, got " + h);
                }
            }
            if (epochs < 0 || inferenceSteps < 1 || batch < 1) {
                throw new PcnException("memory epochs >= 0, inference steps >= 1 and batch >= 1 needed");
            }
        }

        /** The defaults the CLI uses (measured in BENCHMARKS.md, "Associative memory"). */
        public static Config defaults() {
            return new Config(64, new int[] {512}, Activation.TANH, 600, 5, 0.1, 0.5, 1e-3, 100, 1);
        }

        @Override
        public int[] hidden() {
            return hidden.clone();
        }

        public Config withEpochs(int e) {
            return new Config(latent, hidden, activation, e, inferenceSteps, stateLr, stateMomentum, lr, batch, seed);
        }

        public Config withSeed(long s) {
            return new Config(latent, hidden, activation, epochs, inferenceSteps, stateLr, stateMomentum, lr, batch, s);
        }

        /** Named fields, starting from {@link #defaults()}: {@code Config.builder().latent(32).epochs(100).build()}. */
        public static Builder builder() {
            return defaults().toBuilder();
        }

        public Builder toBuilder() {
            Builder b = new Builder();
            b.latent = latent;
            b.hidden = hidden.clone();
            b.activation = activation;
            b.epochs = epochs;
            b.inferenceSteps = inferenceSteps;
            b.stateLr = stateLr;
            b.stateMomentum = stateMomentum;
            b.lr = lr;
            b.batch = batch;
            b.seed = seed;
            return b;
        }

        /** Builds a {@link Config}; the fields are the record's (see its parameters). */
        public static final class Builder {
            private int latent;
            private int[] hidden;
            private Activation activation;
            private int epochs;
            private int inferenceSteps;
            private double stateLr;
            private double stateMomentum;
            private double lr;
            private int batch;
            private long seed;

            private Builder() {}

            public Builder latent(int v) {
                latent = v;
                return this;
            }

            public Builder hidden(int... v) {
                hidden = v.clone();
                return this;
            }

            public Builder activation(Activation v) {
                activation = v;
                return this;
            }

            public Builder epochs(int v) {
                epochs = v;
                return this;
            }

            public Builder inferenceSteps(int v) {
                inferenceSteps = v;
                return this;
            }

            public Builder stateLr(double v) {
                stateLr = v;
                return this;
            }

            public Builder stateMomentum(double v) {
                stateMomentum = v;
                return this;
            }

            public Builder lr(double v) {
                lr = v;
                return this;
            }

            public Builder batch(int v) {
                batch = v;
                return this;
            }

            public Builder seed(long v) {
                seed = v;
                return this;
            }

            public Config build() {
                return new Config(latent, hidden, activation, epochs, inferenceSteps, stateLr, stateMomentum, lr, batch,
                        seed);
            }
        }
    }

    /**
     * How recall relaxes the states: {@code steps} updates with the given state optimizer; for
     * cues with nothing known exactly (noise), {@code rounds} rounds of "clamp the image to the
     * current estimate, infer, replace the estimate by the prediction".
     */
    public record Recall(OptimizerConfig.Kind optimizer, double lr, double momentum, int steps, int rounds) {
        public Recall {
            if (steps < 1 || rounds < 1 || !(lr > 0)) {
                throw new PcnException("recall needs steps >= 1, rounds >= 1 and a positive state rate");
            }
        }

        public static Recall defaults() {
            return new Recall(OptimizerConfig.Kind.ADAM, 0.1, 0, 1000, 3);
        }
    }

    /** Called after every storing epoch with the mean energy per image at the end of inference. */
    public interface EpochListener {
        void epoch(int epoch, double energy);
    }

    private final Graph graph;
    private final Config config;
    private final Recall recall;
    private final Inference recaller;
    private final Node latent;
    private final Node image;

    /** The memory's graph: {@code latent -> h... -> image}; the latent has the input role, the image the target role. */
    public static GraphSpec spec(int imageSize, Config c) {
        GraphSpec.Builder b = GraphSpec.builder();
        b.input(LATENT, c.latent());
        int[] h = c.hidden();
        for (int i = 0; i < h.length; i++) {
            b.hidden("h" + (h.length - i), h[i]);
        }
        b.target(IMAGE, imageSize);
        String prev = LATENT;
        for (int i = 0; i <= h.length; i++) {
            String to = i == h.length ? IMAGE : "h" + (h.length - i);
            b.edge(prev, to, c.activation(), Convention.PRE, true);
            prev = to;
        }
        return b.build();
    }

    /** A new, untrained memory for images of {@code imageSize} pixels. */
    public static PcMemory create(int imageSize, Config c, Recall r) {
        Graph g = Graph.create(spec(imageSize, c), "xavier", c.seed());
        return new PcMemory(g, c, r);
    }

    /** A memory over an existing graph (e.g. loaded from a model file) with a latent and an image node. */
    public PcMemory(Graph graph, Config config, Recall recall) {
        this.graph = graph;
        this.config = config;
        this.recall = recall;
        this.latent = graph.node(LATENT);
        this.image = graph.node(IMAGE);
        if (!latent.incoming().isEmpty()) {
            throw new PcnException("a memory's latent node must have no incoming edges");
        }
        this.recaller = new Inference(graph.network(), InferenceConfig.builder().steps(recall.steps())
                .optimizer(recall.optimizer()).lr(recall.lr()).momentum(recall.momentum()).energyTolerance(0).build());
    }

    public Recall recallConfig() {
        return recall;
    }

    public Graph graph() {
        return graph;
    }

    public Config config() {
        return config;
    }

    public int imageSize() {
        return image.size();
    }

    /** Bytes the memory keeps: its float32 weights and biases. */
    public long footprintBytes() {
        return 4L * graph.network().parameterCount();
    }

    /**
     * Stores {@code count} images (count x imageSize, values as they will be recalled, e.g. [0,1])
     * by {@link Config#epochs} epochs of standard PC. Returns the mean energy per image of the last
     * epoch. A non-finite energy throws (the weights are then diverged); {@link MemoryStore} instead
     * keeps the last good weights, holds out validation images and can keep the best epoch.
     */
    public double store(float[] images, int count, EpochListener listener) {
        return storeLoop(images, count, (epoch, energy, node) -> {
            if (!Double.isFinite(energy)) {
                throw new PcnException("memory: storing diverged at epoch " + epoch + " ("
                        + MemoryStore.nonFinite(energy, node) + "); lower the state or weight learning rate");
            }
            if (listener != null) {
                listener.epoch(epoch, energy);
            }
            return true;
        });
    }

    /** Sees the end of every storing epoch (or of the batch whose energy was not finite). */
    interface EpochHook {
        /**
         * {@code energy}: the epoch's mean energy per image, or the first non-finite batch energy;
         * {@code node}: the node inference found non-finite, or null. False stops storing.
         */
        boolean epochEnd(int epoch, double energy, String node);
    }

    /**
     * The storing loop. An epoch whose batch energy is not finite ends at that batch (the rest of
     * it would only compute NaNs) and reports that energy. Returns the last reported energy.
     */
    double storeLoop(float[] images, int count, EpochHook hook) {
        int d = image.size();
        if (count < 1 || images.length < (long) count * d) {
            throw new PcnException("memory: need " + count + " images of " + d + " pixels");
        }
        int zs = latent.size();
        float[] z = new float[count * zs];
        SplittableRandom rng = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        for (int i = 0; i < z.length; i++) {
            // Small distinct starts break the symmetry between images from the first epoch on.
            z[i] = (float) (0.1 * gaussian(rng));
        }
        int b = Math.min(config.batch(), count);
        long updates = (long) config.epochs() * ((count + b - 1) / b);
        // Cosine decay to zero: the last epochs settle the weights instead of chasing the latents.
        TrainConfig tc = TrainConfig.builder()
                .inference(InferenceConfig.builder().steps(config.inferenceSteps()).optimizer(OptimizerConfig.Kind.SGD)
                        .lr(config.stateLr()).momentum(config.stateMomentum()).energyTolerance(0).build())
                .optimizer(OptimizerConfig.adam()).schedule(Schedule.warmupCosine(config.lr(), 0, updates, 0)).build();
        // Storing is PC with the image clamped and the latents kept between epochs: inference from
        // the kept latents, then a weight step from what it left.
        Trainer trainer = new Trainer(graph.network(), latent, image, tc);
        Inference inference = trainer.inference();
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        float[] xb = new float[b * d];
        float[] zb = new float[b * zs];
        double last = Double.NaN;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
            shuffle(order, rng);
            double sum = 0;
            String node = null;
            for (int start = 0; start < count; start += b) {
                int n = Math.min(b, count - start);
                for (int i = 0; i < n; i++) {
                    System.arraycopy(images, order[start + i] * d, xb, i * d, d);
                    System.arraycopy(z, order[start + i] * zs, zb, i * zs, zs);
                }
                try {
                    inference.query(Map.of(image, xb), Map.of(), Map.of(latent, zb), n, config.inferenceSteps());
                } catch (org.pcn4j.model.DivergenceException e) {
                    node = e.node();
                    sum = Double.NaN;
                    break;
                }
                sum += inference.lastEnergy() * n;
                if (!Double.isFinite(sum)) {
                    break;
                }
                trainer.learn();
                float[] zState = latent.state();
                for (int i = 0; i < n; i++) {
                    System.arraycopy(zState, i * zs, z, order[start + i] * zs, zs);
                }
            }
            last = Double.isFinite(sum) ? sum / count : sum;
            if (!hook.epochEnd(epoch, last, node)) {
                break;
            }
        }
        return last;
    }

    /**
     * Mean energy per image of {@code count} images under this memory's own recall inference: each
     * image clamped whole, the states above relaxed from a zero latent ({@link Recall#steps} steps).
     * Low for images the memory explains well; {@link MemoryStore} uses it on held-out images.
     */
    public double energy(float[] images, int count) {
        int d = image.size();
        if (count < 1 || images.length < (long) count * d) {
            throw new PcnException("memory: need " + count + " images of " + d + " pixels");
        }
        int b = Math.min(config.batch(), count);
        double sum = 0;
        for (int start = 0; start < count; start += b) {
            int n = Math.min(b, count - start);
            recaller.query(Map.of(image, Arrays.copyOfRange(images, start * d, (start + n) * d)), n, recall.steps());
            sum += recaller.lastEnergy() * n;
        }
        return sum / count;
    }

    /** The same weights with another recall setting. */
    public PcMemory withRecall(Recall r) {
        return new PcMemory(graph, config, r);
    }

    /**
     * Recalls images from cues (count x imageSize). With a {@code mask} (1 where a pixel is known)
     * the known pixels are clamped to the cue and the others inferred; the result keeps the known
     * pixels and takes the network's prediction elsewhere. Without a mask (a noisy cue, nothing
     * known exactly) the image is clamped to the cue, the states above relax, and the image's
     * prediction becomes the next estimate, {@link Recall#rounds} times (Salvatori et al.'s
     * iterated retrieval).
     */
    public float[] recall(float[] cues, float[] mask, int count) {
        return recall(cues, mask, count, ProgressListener.none());
    }

    /** As {@link #recall(float[], float[], int)}, telling {@code progress} about the images done. */
    public float[] recall(float[] cues, float[] mask, int count, ProgressListener progress) {
        int d = image.size();
        if (cues.length < (long) count * d || (mask != null && mask.length < (long) count * d)) {
            throw new PcnException("memory: cues and mask must hold " + count + " images of " + d + " pixels");
        }
        float[] out = new float[count * d];
        int b = Math.min(config.batch(), count);
        progress.start("recalling " + count + " images", count);
        try {
            recallBatches(cues, mask, count, b, out, progress);
        } finally {
            progress.finish();
        }
        return out;
    }

    private void recallBatches(float[] cues, float[] mask, int count, int b, float[] out, ProgressListener progress) {
        int d = image.size();
        for (int start = 0; start < count; start += b) {
            int n = Math.min(b, count - start);
            float[] cb = Arrays.copyOfRange(cues, start * d, (start + n) * d);
            if (mask != null) {
                float[] mb = Arrays.copyOfRange(mask, start * d, (start + n) * d);
                recaller.query(Map.of(image, cb), Map.of(image, mb), Map.of(), n, recall.steps());
                float[] mu = image.prediction();
                for (int j = 0; j < n * d; j++) {
                    out[start * d + j] = mb[j] != 0f ? cb[j] : mu[j];
                }
            } else {
                float[] est = cb;
                for (int r = 0; r < recall.rounds(); r++) {
                    recaller.query(Map.of(image, est), n, recall.steps());
                    est = Arrays.copyOf(image.prediction(), n * d);
                }
                System.arraycopy(est, 0, out, start * d, n * d);
            }
            progress.update(start + n);
        }
    }

    /**
     * Saves the memory as a graph model file ({@link GraphModelFile}): the weights, the graph, and
     * in the metadata {@code mode: memory}, {@code image_node}, {@code memory} (the config) and
     * {@code recall} (the recall setting) as JSON, plus {@code extra}. The stored images are not in it.
     */
    public void save(Path file, InputAffine affine, Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("mode", "memory");
        meta.put("image_node", IMAGE);
        meta.put("memory", Json.write(configMap(config)));
        meta.put("recall", Json.write(recallMap(recall)));
        if (extra != null) {
            meta.putAll(extra);
        }
        GraphModelFile.save(file, graph, affine, meta);
    }

    /** A memory and its input affine read back from a file {@link #save} wrote. */
    public record Loaded(PcMemory memory, InputAffine affine, Map<String, String> metadata) {}

    /** Reads a memory model file; anything else (or a damaged file) gets a one-line PcnException. */
    public static Loaded load(Path file) {
        GraphModelFile.Loaded g = GraphModelFile.load(file);
        Map<String, String> meta = g.metadata();
        if (!"memory".equals(meta.get("mode"))) {
            throw new PcnException(file + ": not a memory model (write one with 'pcn4j memory store')");
        }
        Config c;
        Recall r;
        try {
            c = configFrom(Json.parseObject(meta.get("memory")));
            r = recallFrom(Json.parseObject(meta.get("recall")));
        } catch (RuntimeException e) {
            throw new PcnException(file + ": unreadable memory metadata (" + org.pcn4j.util.InputChecks.quote(e.getMessage())
                    + ")");
        }
        return new Loaded(new PcMemory(g.graph(), c, r), g.affine(), meta);
    }

    static Map<String, Object> configMap(Config c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("latent", c.latent());
        List<Object> h = new ArrayList<>();
        for (int x : c.hidden()) {
            h.add(x);
        }
        m.put("hidden", h);
        m.put("activation", c.activation().id());
        m.put("epochs", c.epochs());
        m.put("inference_steps", c.inferenceSteps());
        m.put("state_lr", c.stateLr());
        m.put("state_momentum", c.stateMomentum());
        m.put("lr", c.lr());
        m.put("batch", c.batch());
        m.put("seed", c.seed());
        return m;
    }

    static Config configFrom(Map<String, Object> m) {
        List<?> h = (List<?>) m.get("hidden");
        int[] hidden = new int[h.size()];
        for (int i = 0; i < hidden.length; i++) {
            hidden[i] = ((Number) h.get(i)).intValue();
        }
        return new Config(num(m, "latent").intValue(), hidden, Activation.parse((String) m.get("activation")),
                num(m, "epochs").intValue(), num(m, "inference_steps").intValue(), num(m, "state_lr").doubleValue(),
                num(m, "state_momentum").doubleValue(), num(m, "lr").doubleValue(), num(m, "batch").intValue(),
                num(m, "seed").longValue());
    }

    static Map<String, Object> recallMap(Recall r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", r.optimizer().name().toLowerCase(java.util.Locale.ROOT));
        m.put("lr", r.lr());
        m.put("momentum", r.momentum());
        m.put("steps", r.steps());
        m.put("rounds", r.rounds());
        return m;
    }

    static Recall recallFrom(Map<String, Object> m) {
        return new Recall(OptimizerConfig.Kind.parse((String) m.get("optimizer")), num(m, "lr").doubleValue(),
                num(m, "momentum").doubleValue(), num(m, "steps").intValue(), num(m, "rounds").intValue());
    }

    private static Number num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (!(v instanceof Number)) {
            throw new PcnException("'" + key + "' missing or not a number");
        }
        return (Number) v;
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
