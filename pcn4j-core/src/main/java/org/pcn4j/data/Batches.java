package org.pcn4j.data;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.pcn4j.tensor.Tensor;

/**
 * Mini-batches over one {@link Dataset} split, with inputs mapped by an {@link InputAffine}.
 *
 * <pre>{@code
 * Batches b = splits.batches(splits.train(), 64, true, seed);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     b.startEpoch(epoch);
 *     while (b.next()) {
 *         Tensor x = b.inputs();    // size() x features, normalized
 *         Tensor y = b.targets();   // size() x classes, one-hot
 *         int[] labels = b.labels();
 *     }
 * }
 * }</pre>
 *
 * Each epoch visits every sample exactly once; with shuffling the order is a permutation drawn
 * from (seed, epoch) alone, so a run is repeatable and an epoch can be replayed. The last batch
 * of an epoch holds the remainder ({@code size() < batchSize()}) and is kept. Buffers are reused:
 * there are at most two sets (full batches and the last partial one), whose arrays and tensors
 * are exactly {@code size()} rows, and their contents change on each {@link #next()}. Not
 * thread-safe.
 */
public final class Batches {
    private final Dataset data;
    private final InputAffine affine;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int[] order;
    private final int features;
    private final int classes;
    private Buffers full;
    private Buffers tail;
    private Buffers current;
    private Augment augment = Augment.NONE;
    private float[] augmentScratch;
    private int epoch;
    private int pos;

    public Batches(Dataset data, InputAffine affine, int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize);
        }
        if (affine.features() != data.features()) {
            throw new IllegalArgumentException("affine for " + affine.features() + " features, data has "
                    + data.features());
        }
        this.data = data;
        this.affine = affine;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
        this.order = new int[data.size()];
        this.features = data.features();
        this.classes = data.classes();
        startEpoch(0);
    }

    /**
     * Applies {@code a} to every batch from now on (training batches; see {@link Augment}), drawn
     * from this object's seed. Returns this.
     */
    public Batches augment(Augment a) {
        a.check(data.name(), data.shape());
        this.augment = a;
        this.augmentScratch = a.isNone() ? null : new float[features];
        return this;
    }

    /** The augmentation applied to batches ({@link Augment#NONE} unless set). */
    public Augment augmentation() {
        return augment;
    }

    /** A random permutation of 0..n-1 (Fisher-Yates), the same for the same generator state. */
    static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        permute(p, rng);
        return p;
    }

    /** Fills {@code p} with a random permutation of 0..p.length-1 (Fisher-Yates), in place. */
    static void permute(int[] p, SplittableRandom rng) {
        int n = p.length;
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
    }

    /** Rewinds to the start of epoch {@code e}, with its order (a function of seed and e). */
    public void startEpoch(int e) {
        if (e < 0) {
            throw new IllegalArgumentException("epoch " + e);
        }
        epoch = e;
        pos = 0;
        current = null;
        if (shuffle) {
            long s = seed + 0x9E3779B97F4A7C15L * (e + 1L);
            permute(order, new SplittableRandom(s));
        } else {
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
        }
    }

    /** Fills the next batch of the current epoch; false (and no batch) when the epoch is done. */
    public boolean next() {
        int n = Math.min(batchSize, order.length - pos);
        if (n <= 0) {
            current = null;
            return false;
        }
        Buffers b;
        if (n == batchSize) {
            if (full == null) {
                full = new Buffers(n, features, classes);
            }
            b = full;
        } else {
            if (tail == null) {
                tail = new Buffers(n, features, classes);
            }
            b = tail;
        }
        Arrays.fill(b.oneHot, 0f);
        for (int k = 0; k < n; k++) {
            int i = order[pos + k];
            b.indices[k] = i;
            data.normalized(i, affine, b.x, k * features);
            int y = data.label(i);
            b.labels[k] = y;
            b.oneHot[k * classes + y] = 1f;
        }
        if (!augment.isNone()) {
            augment.apply(b.x, n, data.shape(), affine.offsetArray(), b.indices, seed, epoch, augmentScratch);
        }
        pos += n;
        current = b;
        return true;
    }

    private Buffers cur() {
        if (current == null) {
            throw new IllegalStateException("no current batch: call next() first");
        }
        return current;
    }

    /** Samples in the current batch. */
    public int size() {
        return cur().labels.length;
    }

    /** Normalized inputs of the current batch, size() x features, row-major (reused buffer). */
    public float[] x() {
        return cur().x;
    }

    /** Class labels of the current batch (reused buffer). */
    public int[] labels() {
        return cur().labels;
    }

    /** One-hot targets of the current batch, size() x classes, row-major (reused buffer). */
    public float[] oneHot() {
        return cur().oneHot;
    }

    /** Positions in the split of the current batch's samples (reused buffer). */
    public int[] indices() {
        return cur().indices;
    }

    /** {@link #x()} as a size() x features tensor (same backing array). */
    public Tensor inputs() {
        return cur().xt;
    }

    /** {@link #oneHot()} as a size() x classes tensor (same backing array). */
    public Tensor targets() {
        return cur().yt;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches in an epoch, the partial last one included. */
    public int batchesPerEpoch() {
        return (order.length + batchSize - 1) / batchSize;
    }

    /** The epoch set by the last {@link #startEpoch}. */
    public int epoch() {
        return epoch;
    }

    public Dataset dataset() {
        return data;
    }

    public InputAffine affine() {
        return affine;
    }

    private static final class Buffers {
        final float[] x;
        final int[] labels;
        final float[] oneHot;
        final int[] indices;
        final Tensor xt;
        final Tensor yt;

        Buffers(int n, int features, int classes) {
            x = new float[Math.multiplyExact(n, features)];
            labels = new int[n];
            oneHot = new float[Math.multiplyExact(n, classes)];
            indices = new int[n];
            xt = new Tensor(n, features, x);
            yt = new Tensor(n, classes, oneHot);
        }
    }
}
