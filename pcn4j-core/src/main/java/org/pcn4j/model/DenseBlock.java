package org.pcn4j.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.pcn4j.kernel.Activation;
import org.pcn4j.kernel.Kernels;
import org.pcn4j.tensor.Tensor;

/**
 * A fully connected block: one masked dense edge over the concatenated states of its member nodes,
 * in the {@code pre} convention. With X = [x_1 | ... | x_k] (batch x n, n the summed member sizes),
 * mu_block += f(X) (W * M)^T + b, so every inference step is a few dense products instead of one
 * small product per ordered pair of members.
 * <ul>
 *   <li>{@code self = false}: M is 1 except on the diagonal member blocks, exactly the expansion
 *       into one edge {@code a -> b} per ordered pair of distinct members;</li>
 *   <li>{@code self = true}: M is 1 except on the unit diagonal, the fully connected PC graph of
 *       Salvatori et al. 2022 (every unit predicts every other unit, within a node too).</li>
 * </ul>
 * dF/dx = eps - f'(X) * (E (W * M)) and dF/dW = -(E^T f(X)) * M / batch, with E the members'
 * errors. Masked weights are zero and stay zero: their gradient is masked, so every optimizer
 * (weight decay and Adam included) leaves them at zero, and {@link #weightsChanged()} re-applies
 * the mask to whatever a caller wrote. The member nodes keep their names, energies and clamps;
 * the block gathers their states and errors and scatters its prediction and gradient back. Its
 * members are both its {@link #sources()} and its {@link #targets()}.
 *
 * <p>Over 400 lines: the gather/scatter and the per-member caching of clamped members' products
 * (which makes a block as fast as the edges it stands for) belong together.
 */
public final class DenseBlock implements Edge {
    private final String name;
    private final List<Node> members;
    private final int[] offset;
    private final int n;
    private final Activation activation;
    private final boolean self;
    final Tensor weight;
    final float[] bias;
    final Tensor gradW;
    final float[] gradB;
    private final List<Parameter> parameters;
    /** 1 where a weight exists, 0 where it is masked ([n, n], row = target unit). */
    private final float[] mask;

    /** Gathered member states (batch x n); f(X) and f'(X) of them; the block's prediction. */
    private float[] xs = new float[0];
    private float[] fx = new float[0];
    private float[] deriv = new float[0];
    private float[] out = new float[0];
    /** Gathered member errors, and E (W * M) for the state gradients. */
    private float[] es = new float[0];
    private float[] back = new float[0];
    /** False when every gathered error was exactly zero at the last backward product. */
    boolean backNonZero;

    /** Per member: W's columns of its units (forward, as W^T rows) and W's columns into them (backward). */
    private final Kernels.PackedMatrix[][] packedForward;
    private final Kernels.PackedMatrix[][] packedBackward;
    /**
     * Per member, the ranges [start, end) of units it connects with on the other side: all n with
     * self connections, else all but its own units (up to two ranges), so the masked diagonal
     * blocks are never multiplied.
     */
    private final int[][][] spans;
    private final long[] packedForwardVersion;
    private final long[] packedBackwardVersion;
    /**
     * bias + the contributions of the fully clamped members: constant while they stay clamped, so
     * an inference step multiplies only the free members' columns (as an edge out of a clamped input
     * is computed once per batch).
     */
    private float[] constOut = new float[0];
    private final boolean[] constMember;
    /**
     * Each free member's contribution f(x_i) W[:, i]^T (batch x n), recomputed only when it moved:
     * the feedforward initialization of a cyclic block sets one member at a time.
     */
    private final float[][] part;
    private final boolean[] partValid;
    private boolean constValid;
    private long[] seenVersions;
    private long weightVersion;
    private long seenWeightVersion = Long.MIN_VALUE;
    private int seenBatch = -1;
    /** Bumped by every recomputed prediction; per member, the last one it copied into its mu. */
    private long outVersion;
    private final long[] pulled;
    boolean frozen;

    DenseBlock(String name, List<Node> members, Activation activation, boolean self, boolean hasBias) {
        this.name = name;
        this.members = List.copyOf(members);
        this.offset = new int[members.size() + 1];
        for (int i = 0; i < members.size(); i++) {
            offset[i + 1] = offset[i] + members.get(i).size();
        }
        this.n = offset[members.size()];
        this.activation = activation;
        this.self = self;
        this.weight = new Tensor(n, n);
        this.gradW = new Tensor(n, n);
        this.bias = hasBias ? new float[n] : null;
        this.gradB = hasBias ? new float[n] : null;
        List<Parameter> ps = new java.util.ArrayList<>();
        ps.add(new Parameter("weight", new int[] {n, n}, weight.data(), gradW.data()));
        if (hasBias) {
            ps.add(new Parameter("bias", new int[] {n}, bias, gradB));
        }
        this.parameters = Collections.unmodifiableList(ps);
        this.mask = new float[n * n];
        for (int i = 0; i < members.size(); i++) {
            for (int r = offset[i]; r < offset[i + 1]; r++) {
                for (int j = 0; j < members.size(); j++) {
                    if (i == j && !self) {
                        continue;
                    }
                    for (int c = offset[j]; c < offset[j + 1]; c++) {
                        mask[r * n + c] = r == c ? 0f : 1f;
                    }
                }
            }
        }
        int k = members.size();
        this.spans = new int[k][][];
        for (int i = 0; i < k; i++) {
            if (self) {
                spans[i] = new int[][] {{0, n}};
            } else {
                java.util.List<int[]> l = new java.util.ArrayList<>();
                if (offset[i] > 0) {
                    l.add(new int[] {0, offset[i]});
                }
                if (offset[i + 1] < n) {
                    l.add(new int[] {offset[i + 1], n});
                }
                spans[i] = l.toArray(new int[0][]);
            }
        }
        this.packedForward = new Kernels.PackedMatrix[k][2];
        this.packedBackward = new Kernels.PackedMatrix[k][2];
        this.packedForwardVersion = new long[k];
        this.packedBackwardVersion = new long[k];
        Arrays.fill(packedForwardVersion, Long.MIN_VALUE);
        Arrays.fill(packedBackwardVersion, Long.MIN_VALUE);
        this.constMember = new boolean[k];
        this.part = new float[k][0];
        this.partValid = new boolean[k];
        this.pulled = new long[members.size()];
        Arrays.fill(pulled, -1);
        this.seenVersions = new long[members.size()];
        Arrays.fill(seenVersions, Long.MIN_VALUE);
    }

    @Override
    public String name() {
        return name;
    }

    public List<Node> members() {
        return members;
    }

    @Override
    public List<Node> sources() {
        return members;
    }

    @Override
    public List<Node> targets() {
        return members;
    }

    @Override
    public boolean connects(Node source, Node target) {
        return (source != target || self) && members.contains(source) && members.contains(target);
    }

    /** {@code weight} [n, n] (masked entries zero), then {@code bias} [n] when the block has one. */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public void setFrozen(boolean frozen) {
        this.frozen = frozen;
    }

    /** As a dense layer of fan-in n (a unit of the block sums about n inputs), then masked. */
    @Override
    public void initialize(String scheme, SplittableRandom rng) {
        DenseEdge.initialize(weight, bias, n, scheme, rng);
        weightsChanged();
    }

    @Override
    public boolean refresh(Node target, int batch) {
        // A block's product serves all its members: it runs once, for the first member that asks.
        forward(batch);
        return pendingFor(target);
    }

    @Override
    public void prepareStateGradients(int batch) {
        backward(batch);
    }

    @Override
    public boolean sendsStateGradient() {
        return backNonZero;
    }

    /** Where member {@code i}'s units start in the concatenated state. */
    public int offset(int i) {
        return offset[i];
    }

    int indexOf(Node m) {
        return members.indexOf(m);
    }

    /** Total units n (the weight is [n, n]). */
    public int size() {
        return n;
    }

    public Activation activation() {
        return activation;
    }

    /** True for unit-level all-to-all (only the unit diagonal masked), false for distinct member pairs. */
    public boolean self() {
        return self;
    }

    /** [n, n] weights (row = target unit); call {@link #weightsChanged()} after writing them. */
    public Tensor weight() {
        return weight;
    }

    public float[] bias() {
        return bias;
    }

    public Tensor weightGrad() {
        return gradW;
    }

    public float[] biasGrad() {
        return gradB;
    }

    /** The 0/1 mask, [n, n] row-major (a copy). */
    public float[] mask() {
        return mask.clone();
    }

    /** Whether member {@code from} predicts member {@code to} through this block. */
    public boolean connects(int from, int to) {
        return from != to || self;
    }

    /** Re-applies the mask (so masked weights are exactly zero) and invalidates cached products. */
    @Override
    public void weightsChanged() {
        applyMask(weight.data());
        weightVersion++;
    }

    /** Zeroes the masked entries of an [n, n] array: the unit diagonal, or the members' diagonal blocks. */
    private void applyMask(float[] w) {
        if (self) {
            for (int i = 0; i < n; i++) {
                w[i * n + i] = 0f;
            }
            return;
        }
        for (int i = 0; i < members.size(); i++) {
            for (int r = offset[i]; r < offset[i + 1]; r++) {
                Arrays.fill(w, r * n + offset[i], r * n + offset[i + 1], 0f);
            }
        }
    }

    /** The weights of member {@code from} into member {@code to}: a copy, [to.size, from.size]. */
    public float[] pairWeight(int from, int to) {
        int rows = members.get(to).size();
        int cols = members.get(from).size();
        float[] p = new float[rows * cols];
        float[] w = weight.data();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, (offset[to] + r) * n + offset[from], p, r * cols, cols);
        }
        return p;
    }

    /** Writes the weights of member {@code from} into member {@code to}; then call {@link #weightsChanged()}. */
    public void setPairWeight(int from, int to, float[] p) {
        int rows = members.get(to).size();
        int cols = members.get(from).size();
        float[] w = weight.data();
        for (int r = 0; r < rows; r++) {
            System.arraycopy(p, r * cols, w, (offset[to] + r) * n + offset[from], cols);
        }
    }

    @Override
    public long parameterCount() {
        long p = 0;
        for (float m : mask) {
            p += (int) m;
        }
        return p + (bias == null ? 0 : n);
    }

    @Override
    public void ensureCapacity(int batch) {
        int len = batch * n;
        if (xs.length < len) {
            xs = new float[len];
            fx = new float[len];
            deriv = new float[len];
            out = new float[len];
            es = new float[len];
            back = new float[len];
            constOut = new float[len];
        }
        constValid = false;
        Arrays.fill(partValid, false);
        seenBatch = -1;
        Arrays.fill(pulled, -1);
    }

    /** op(B) = W^T restricted to member i's units (rows) and its r-th span of targets (columns). */
    private Kernels.PackedMatrix forwardWeights(Kernels k, int i, int r) {
        if (packedForwardVersion[i] != weightVersion) {
            int s = members.get(i).size();
            for (int q = 0; q < spans[i].length; q++) {
                int a = spans[i][q][0];
                int b = spans[i][q][1];
                packedForward[i][q] = k.pack(true, s, b - a, weight.data(), a * n + offset[i], n, packedForward[i][q]);
            }
            packedForwardVersion[i] = weightVersion;
        }
        return packedForward[i][r];
    }

    /** op(B) = W restricted to member j's r-th span of targets (rows) and j's units (columns). */
    private Kernels.PackedMatrix backwardWeights(Kernels k, int j, int r) {
        if (packedBackwardVersion[j] != weightVersion) {
            int s = members.get(j).size();
            for (int q = 0; q < spans[j].length; q++) {
                int a = spans[j][q][0];
                int b = spans[j][q][1];
                packedBackward[j][q] = k.pack(false, b - a, s, weight.data(), a * n + offset[j], n, packedBackward[j][q]);
            }
            packedBackwardVersion[j] = weightVersion;
        }
        return packedBackward[j][r];
    }

    /** out[:, spans of i] += f(x_i) W[spans of i, i]^T. */
    private void addContribution(Kernels kern, int i, float[] src, float[] dst, int batch) {
        for (int q = 0; q < spans[i].length; q++) {
            kern.sgemm(false, batch, 1f, src, offset[i], n, forwardWeights(kern, i, q), 1f, dst, spans[i][q][0], n);
        }
    }

    /**
     * Recomputes the prediction f(X) (W * M)^T + b (and f'(X)) if a member state or the weights
     * changed: f and f' only for the members that moved, the product only over the free members'
     * columns, added to the cached part of the clamped members.
     */
    boolean forward(int batch) {
        if (frozen) {
            return false;
        }
        boolean all = seenWeightVersion != weightVersion || seenBatch != batch;
        boolean any = all;
        boolean constStale = all || !constValid;
        int k = members.size();
        for (int i = 0; i < k; i++) {
            Node m = members.get(i);
            boolean changed = all || seenVersions[i] != m.version;
            any |= changed;
            if (m.clamped != constMember[i] || (changed && m.clamped)) {
                constStale = true;
            }
        }
        if (!any && !constStale) {
            return false;
        }
        Kernels kern = Kernels.get();
        boolean[] moved = new boolean[k];
        for (int i = 0; i < k; i++) {
            Node m = members.get(i);
            if (all || seenVersions[i] != m.version) {
                moved[i] = true;
                int s = m.size();
                int o = offset[i];
                for (int r = 0; r < batch; r++) {
                    System.arraycopy(m.x, r * s, xs, r * n + o, s);
                    if (activation != Activation.IDENTITY) {
                        kern.activateWithDerivative(activation, xs, r * n + o, fx, r * n + o, deriv, r * n + o, s);
                    }
                }
                seenVersions[i] = m.version;
            }
        }
        float[] src = activation == Activation.IDENTITY ? xs : fx;
        int len = batch * n;
        if (constStale) {
            if (bias != null) {
                for (int r = 0; r < batch; r++) {
                    System.arraycopy(bias, 0, constOut, r * n, n);
                }
            } else {
                Arrays.fill(constOut, 0, len, 0f);
            }
            for (int i = 0; i < k; i++) {
                constMember[i] = members.get(i).clamped;
                partValid[i] &= !constMember[i];
                if (constMember[i]) {
                    addContribution(kern, i, src, constOut, batch);
                }
            }
            constValid = true;
        }
        System.arraycopy(constOut, 0, out, 0, len);
        for (int i = 0; i < k; i++) {
            if (constMember[i]) {
                continue;
            }
            if (moved[i] || !partValid[i]) {
                if (part[i].length < len) {
                    part[i] = new float[xs.length];
                }
                Arrays.fill(part[i], 0, len, 0f);
                addContribution(kern, i, src, part[i], batch);
                partValid[i] = true;
            }
            float[] p = part[i];
            for (int j = 0; j < len; j++) {
                out[j] += p[j];
            }
        }
        seenWeightVersion = weightVersion;
        seenBatch = batch;
        outVersion++;
        return true;
    }

    /** Copies the member errors into the concatenated batch x n buffer. */
    private void gatherErrors(int batch) {
        for (int i = 0; i < members.size(); i++) {
            Node m = members.get(i);
            int s = m.size();
            for (int r = 0; r < batch; r++) {
                System.arraycopy(m.eps, r * s, es, r * n + offset[i], s);
            }
        }
    }

    /** True once per recomputed prediction for each member: its mu must take the new slice. */
    boolean pendingFor(Node m) {
        int i = indexOf(m);
        if (pulled[i] == outVersion) {
            return false;
        }
        pulled[i] = outVersion;
        return true;
    }

    /** mu_member = (or +=) its slice of the block's prediction. */
    @Override
    public void addPrediction(Node m, int batch, boolean overwrite) {
        int i = indexOf(m);
        int s = m.size();
        int o = offset[i];
        float[] mu = m.mu;
        for (int r = 0; r < batch; r++) {
            if (overwrite) {
                System.arraycopy(out, r * n + o, mu, r * s, s);
            } else {
                int src = r * n + o;
                int dst = r * s;
                for (int j = 0; j < s; j++) {
                    mu[dst + j] += out[src + j];
                }
            }
        }
    }

    /** Whether any member's error is non-zero (otherwise both gradients vanish). */
    boolean anyError() {
        for (Node m : members) {
            if (m.epsNonZero) {
                return true;
            }
        }
        return false;
    }

    /**
     * E (W * M) into the backward buffer, the columns of the members that are not fully clamped
     * (a clamped member needs no state gradient): shared by every member's state gradient.
     */
    void backward(int batch) {
        backNonZero = anyError();
        if (!backNonZero) {
            return;
        }
        gatherErrors(batch);
        Kernels k = Kernels.get();
        for (int j = 0; j < members.size(); j++) {
            if (!members.get(j).clamped) {
                for (int q = 0; q < spans[j].length; q++) {
                    k.sgemm(false, batch, 1f, es, spans[j][q][0], n, backwardWeights(k, j, q), q == 0 ? 0f : 1f,
                            back, offset[j], n);
                }
            }
        }
    }

    /** m.grad -= f'(x_m) * (E W)[:, m]: this block's share of dF/dx_m. Needs {@link #backward} first. */
    @Override
    public void accumulateStateGradient(Node m, int batch) {
        int i = indexOf(m);
        int s = m.size();
        int o = offset[i];
        float[] g = m.grad;
        boolean id = activation == Activation.IDENTITY;
        for (int r = 0; r < batch; r++) {
            int src = r * n + o;
            int dst = r * s;
            for (int j = 0; j < s; j++) {
                g[dst + j] -= id ? back[src + j] : deriv[src + j] * back[src + j];
            }
        }
    }

    /** Writes (or adds, scaled) dF/dW = -scale/B (E^T f(X)) * M and dF/db = -scale/B sum E. */
    @Override
    public void weightGradient(int batch, float scale, boolean accumulate) {
        if (!anyError()) {
            if (!accumulate) {
                Arrays.fill(gradW.data(), 0f);
                if (gradB != null) {
                    Arrays.fill(gradB, 0f);
                }
            }
            return;
        }
        gatherErrors(batch);
        float alpha = -scale / batch;
        float[] src = activation == Activation.IDENTITY ? xs : fx;
        float[] gw = gradW.data();
        Kernels k = Kernels.get();
        // Rows of member j times the sources it connects with: the masked diagonal blocks stay zero.
        for (int j = 0; j < members.size(); j++) {
            int s = members.get(j).size();
            for (int[] sp : spans[j]) {
                k.sgemm(true, false, s, sp[1] - sp[0], batch, alpha, es, offset[j], n, src, sp[0], n,
                        accumulate ? 1f : 0f, gw, offset[j] * n + sp[0], n);
            }
        }
        // Masked entries were zero before an accumulation, so zeroing them keeps the sum exact.
        applyMask(gw);
        if (gradB != null) {
            if (!accumulate) {
                Arrays.fill(gradB, 0f);
            }
            for (int r = 0; r < batch; r++) {
                int o = r * n;
                for (int j = 0; j < n; j++) {
                    gradB[j] += alpha * es[o + j];
                }
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
