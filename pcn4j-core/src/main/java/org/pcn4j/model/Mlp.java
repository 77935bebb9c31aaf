package org.pcn4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.pcn4j.PcnException;
import org.pcn4j.kernel.Activation;

/**
 * A layered PC network: the chain graph x0 -> x1 -> ... -> xL. Node {@code x0} is the input,
 * {@code xL} the output; edge {@code layers.i} maps x_i to x_{i+1} (PyTorch's layer numbering).
 */
public final class Mlp {
    private final MlpSpec spec;
    private final PcNetwork network = new PcNetwork();
    private final List<Node> layers = new ArrayList<>();
    private final List<DenseEdge> edges = new ArrayList<>();

    public Mlp(MlpSpec spec) {
        this.spec = spec;
        int[] sizes = spec.layerSizes();
        int depth = sizes.length - 1;
        for (int i = 0; i <= depth; i++) {
            Energy energy = i == depth ? spec.outputEnergy() : Energy.GAUSSIAN;
            layers.add(network.addNode("x" + i, sizes[i], energy, 1f));
        }
        for (int i = 0; i < depth; i++) {
            Activation f;
            if (spec.convention() == Convention.POST) {
                f = i == depth - 1 ? spec.outputActivation() : spec.activation();
            } else {
                f = spec.activation();
            }
            edges.add(network.connect(layers.get(i), layers.get(i + 1), f, spec.convention(), true));
        }
    }

    public MlpSpec spec() {
        return spec;
    }

    public PcNetwork network() {
        return network;
    }

    public Node input() {
        return layers.get(0);
    }

    public Node output() {
        return layers.get(layers.size() - 1);
    }

    /** Nodes x0..xL. */
    public List<Node> nodes() {
        return Collections.unmodifiableList(layers);
    }

    /** Edges layers.0 .. layers.{L-1}. */
    public List<DenseEdge> layers() {
        return Collections.unmodifiableList(edges);
    }

    public int depth() {
        return edges.size();
    }

    /**
     * Initializes weights and biases. Schemes: {@code default} (PyTorch's and Equinox's nn.Linear:
     * W and b uniform in +-1/sqrt(fan_in)), {@code xavier} (Glorot uniform, zero bias),
     * {@code kaiming} (He normal, zero bias), {@code normal} (N(0, 0.05^2), zero bias).
     */
    public void initialize(String scheme, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (DenseEdge e : edges) {
            int fanIn = e.from().size();
            int fanOut = e.to().size();
            float[] b = e.bias();
            switch (scheme) {
                case "default": {
                    double lim = 1.0 / Math.sqrt(fanIn);
                    e.weight().fillUniform(rng, lim);
                    for (int j = 0; b != null && j < b.length; j++) {
                        b[j] = (float) ((rng.nextDouble() * 2 - 1) * lim);
                    }
                    break;
                }
                case "xavier":
                    e.weight().fillUniform(rng, Math.sqrt(6.0 / (fanIn + fanOut)));
                    zero(b);
                    break;
                case "kaiming":
                    e.weight().fillNormal(rng, Math.sqrt(2.0 / fanIn));
                    zero(b);
                    break;
                case "normal":
                    e.weight().fillNormal(rng, 0.05);
                    zero(b);
                    break;
                default:
                    throw new PcnException("unknown init '" + scheme + "' (expected default, xavier, kaiming or normal)");
            }
            e.weightsChanged();
        }
    }

    private static void zero(float[] b) {
        if (b != null) {
            java.util.Arrays.fill(b, 0f);
        }
    }
}
