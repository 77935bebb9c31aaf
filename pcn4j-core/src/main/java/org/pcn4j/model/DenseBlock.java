package org.pcn4j.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
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
 * the block gathers their states and errors and scatters its prediction and gradient back.
 */
public final class DenseBlock {
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

    private Kernels.PackedMatrix packedForward;
    private Kernels.PackedMatrix packedBackward;
    private long packedForwardVersion = Long.MIN_VALUE;
    private long packedBackwardVersion = Long.MIN_VALUE;
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
        this.pulled = new long[members.size()];
        Arrays.fill(pulled, -1);
        this.seenVersions = new long[members.size()];
        Arrays.fill(seenVersions, Long.MIN_VALUE);
    }

    public String name() {
        return name;
    }

    public List<Node> members() {
        return Collections.unmodifiableList(members);
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
    public void weightsChanged() {
        float[] w = weight.data();
        for (int i = 0; i < w.length; i++) {
            if (mask[i] == 0f) {
                w[i] = 0f;
            }
        }
        weightVersion++;
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

    int parameterCount() {
        int p = 0;
        for (float m : mask) {
            p += (int) m;
        }
        return p + (bias == null ? 0 : n);
    }

    void ensureCapacity(int batch) {
        int len = batch * n;
        if (xs.length < len) {
            xs = new float[len];
            fx = new float[len];
            deriv = new float[len];
            out = new float[len];
            es = new float[len];
            back = new float[len];
        }
        seenBatch = -1;
        Arrays.fill(pulled, -1);
    }

    private Kernels.PackedMatrix forwardWeights(Kernels k) {
        if (packedForwardVersion != weightVersion || packedForward == null) {
            packedForward = k.pack(true, n, n, weight.data(), 0, n, packedForward);
            packedForwardVersion = weightVersion;
        }
        return packedForward;
    }

    private Kernels.PackedMatrix backwardWeights(Kernels k) {
        if (packedBackwardVersion != weightVersion || packedBackward == null) {
            packedBackward = k.pack(false, n, n, weight.data(), 0, n, packedBackward);
            packedBackwardVersion = weightVersion;
        }
        return packedBackward;
    }

    private boolean stale(int batch) {
        if (frozen) {
            return false;
        }
        if (seenWeightVersion != weightVersion || seenBatch != batch) {
            return true;
        }
        for (int i = 0; i < members.size(); i++) {
            if (seenVersions[i] != members.get(i).version) {
                return true;
            }
        }
        return false;
    }

    /** Recomputes the prediction f(X) W^T + b (and f'(X)) if a member state or the weights changed. */
    boolean forward(int batch) {
        if (!stale(batch)) {
            return false;
        }
        gather(batch, true);
        Kernels k = Kernels.get();
        int len = batch * n;
        float[] src = xs;
        if (activation != Activation.IDENTITY) {
            k.activate(activation, xs, 0, fx, 0, len);
            k.activateDerivative(activation, xs, 0, deriv, 0, len);
            src = fx;
        }
        if (bias != null) {
            for (int r = 0; r < batch; r++) {
                System.arraycopy(bias, 0, out, r * n, n);
            }
        }
        k.sgemm(false, batch, 1f, src, 0, n, forwardWeights(k), bias == null ? 0f : 1f, out, 0, n);
        for (int i = 0; i < members.size(); i++) {
            seenVersions[i] = members.get(i).version;
        }
        seenWeightVersion = weightVersion;
        seenBatch = batch;
        outVersion++;
        return true;
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

    /** Copies the member states (or errors) into the concatenated batch x n buffer. */
    private void gather(int batch, boolean states) {
        float[] dst = states ? xs : es;
        for (int i = 0; i < members.size(); i++) {
            Node m = members.get(i);
            float[] src = states ? m.x : m.eps;
            int s = m.size();
            for (int r = 0; r < batch; r++) {
                System.arraycopy(src, r * s, dst, r * n + offset[i], s);
            }
        }
    }

    /** mu_member = (or +=) its slice of the block's prediction. */
    void addPrediction(Node m, int batch, boolean overwrite) {
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

    /** E (W * M) into the backward buffer: one product shared by every member's state gradient. */
    void backward(int batch) {
        backNonZero = anyError();
        if (!backNonZero) {
            return;
        }
        gather(batch, false);
        Kernels k = Kernels.get();
        k.sgemm(false, batch, 1f, es, 0, n, backwardWeights(k), 0f, back, 0, n);
    }

    /** m.grad -= f'(x_m) * (E W)[:, m]: this block's share of dF/dx_m. Needs {@link #backward} first. */
    void accumulateStateGradient(Node m, int batch) {
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
    void weightGradient(int batch, float scale, boolean accumulate) {
        if (!anyError()) {
            if (!accumulate) {
                Arrays.fill(gradW.data(), 0f);
                if (gradB != null) {
                    Arrays.fill(gradB, 0f);
                }
            }
            return;
        }
        gather(batch, false);
        float alpha = -scale / batch;
        float[] src = activation == Activation.IDENTITY ? xs : fx;
        float[] gw = gradW.data();
        Kernels.get().sgemm(true, false, n, n, batch, alpha, es, 0, n, src, 0, n, accumulate ? 1f : 0f, gw, 0, n);
        // Masked entries were zero before an accumulation, so zeroing them keeps the sum exact.
        for (int i = 0; i < gw.length; i++) {
            if (mask[i] == 0f) {
                gw[i] = 0f;
            }
        }
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
