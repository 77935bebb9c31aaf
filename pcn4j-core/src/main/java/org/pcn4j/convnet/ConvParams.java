package org.pcn4j.convnet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.pcn4j.model.Parameter;
import org.pcn4j.tensor.Init;
import org.pcn4j.tensor.Tensor;

/**
 * A conv edge's weight (PyTorch layout, given by the caller) and optional bias [out_channels], with
 * their gradients and the weight version that invalidates cached outputs; shared by both edge classes.
 */
final class ConvParams {
    final float[] weight;
    final float[] bias;
    final float[] gradW;
    final float[] gradB;
    final List<Parameter> parameters;
    /** Rows and columns of the weight seen as a matrix [dim0, fan_in] for {@link Init}. */
    private final int rows;
    private final int fanIn;
    long version;

    ConvParams(int[] weightShape, int biasSize, boolean hasBias) {
        int n = 1;
        for (int d : weightShape) {
            n = Math.multiplyExact(n, d);
        }
        this.rows = weightShape[0];
        this.fanIn = n / rows;
        this.weight = new float[n];
        this.gradW = new float[n];
        this.bias = hasBias ? new float[biasSize] : null;
        this.gradB = hasBias ? new float[biasSize] : null;
        List<Parameter> ps = new ArrayList<>();
        ps.add(new Parameter("weight", weightShape, weight, gradW));
        if (hasBias) {
            ps.add(new Parameter("bias", new int[] {biasSize}, bias, gradB));
        }
        this.parameters = List.copyOf(ps);
    }

    long count() {
        return weight.length + (bias == null ? 0 : bias.length);
    }

    /**
     * {@code default} is PyTorch's nn.Conv2d / nn.ConvTranspose2d reset: W and b uniform in
     * +-1/sqrt(fan_in), fan_in = dim1 * kh * kw (what PyTorch computes for both layouts); any other
     * {@link Init#apply} scheme sets W seen as [dim0, dim1 * kh * kw] (so its fan_out is dim0, not
     * PyTorch's dim0 * kh * kw) and zeroes b.
     */
    void initialize(String scheme, SplittableRandom rng) {
        String s = scheme.trim().toLowerCase(Locale.ROOT);
        if (s.equals("xavier")) {
            s = "xavier_uniform";
        } else if (s.equals("kaiming")) {
            s = "kaiming_normal";
        }
        Tensor w = new Tensor(rows, fanIn, weight);
        if (s.equals("default")) {
            double lim = 1.0 / Math.sqrt(fanIn);
            Init.uniform(w, rng, lim);
            for (int j = 0; bias != null && j < bias.length; j++) {
                bias[j] = (float) ((rng.nextDouble() * 2 - 1) * lim);
            }
        } else {
            Init.apply(s, w, rng);
            if (bias != null) {
                Arrays.fill(bias, 0f);
            }
        }
        version++;
    }

    void zeroGrads() {
        Arrays.fill(gradW, 0f);
        if (gradB != null) {
            Arrays.fill(gradB, 0f);
        }
    }
}
