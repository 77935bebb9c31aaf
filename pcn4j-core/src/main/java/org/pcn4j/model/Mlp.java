package org.pcn4j.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.pcn4j.kernel.Activation;

/**
 * A layered PC network: the chain graph x0 -> x1 -> ... -> xL. Node {@code x0} is the input,
 * {@code xL} the output; edge {@code layers.i} maps x_i to x_{i+1} (PyTorch's layer numbering).
 */
public final class Mlp implements PcModel {
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

    /**
     * A fluent builder: {@code Mlp.builder().sizes(784, 128, 128, 10).activation(Activation.GELU).build()}.
     * Defaults: GELU hidden layers, a linear output, the post convention, a Gaussian output energy,
     * the {@code default} init with seed 0.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link Mlp}; see {@link #builder()}. */
    public static final class Builder {
        private int[] sizes;
        private Activation activation = Activation.GELU;
        private Activation outputActivation = Activation.IDENTITY;
        private Convention convention = Convention.POST;
        private Energy outputEnergy = Energy.GAUSSIAN;
        private String init = "default";
        private long seed;

        private Builder() {}

        public Builder sizes(int... sizes) {
            this.sizes = sizes.clone();
            return this;
        }

        /** Sizes as written on the command line, e.g. "784-128-128-10". */
        public Builder sizes(String sizes) {
            this.sizes = MlpSpec.parseSizes(sizes);
            return this;
        }

        public Builder activation(Activation f) {
            this.activation = f;
            return this;
        }

        public Builder outputActivation(Activation f) {
            this.outputActivation = f;
            return this;
        }

        public Builder convention(Convention c) {
            this.convention = c;
            return this;
        }

        public Builder outputEnergy(Energy e) {
            this.outputEnergy = e;
            return this;
        }

        public Builder init(String scheme, long seed) {
            this.init = scheme;
            this.seed = seed;
            return this;
        }

        public MlpSpec spec() {
            if (sizes == null) {
                throw new IllegalStateException("Mlp.builder(): sizes(...) not set");
            }
            return new MlpSpec(sizes, activation, outputActivation, convention, outputEnergy);
        }

        public Mlp build() {
            Mlp m = new Mlp(spec());
            m.initialize(init, seed);
            return m;
        }
    }

    public MlpSpec spec() {
        return spec;
    }

    @Override
    public PcNetwork network() {
        return network;
    }

    @Override
    public Node input() {
        return layers.get(0);
    }

    @Override
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

    @Override
    public int depth() {
        return edges.size();
    }

    @Override
    public String describe() {
        return spec.sizesString();
    }

    /**
     * Initializes weights and biases. {@code default} is PyTorch's and Equinox's nn.Linear: W and b
     * uniform in +-1/sqrt(fan_in). Any {@link Init#apply} scheme (xavier_uniform, kaiming_normal,
     * normal:STD, ...) sets W with zero biases; {@code xavier} and {@code kaiming} are short for
     * xavier_uniform and kaiming_normal.
     */
    public void initialize(String scheme, long seed) {
        PcNetwork.initialize(edges, scheme, seed);
    }

    /**
     * Initializes the given edges in list order from one {@code SplittableRandom(seed)}, as
     * {@link #initialize} does: graphs use it too, so a chain graph starts bit-identical to the MLP.
     */
    public static void initializeEdges(List<? extends Edge> edges, String scheme, long seed) {
        PcNetwork.initialize(edges, scheme, seed);
    }
}
